/**
 * The system on one machine: {@code dev} (every role and an embedded single-node broker in one
 * process), {@code broker} (that broker alone), and the local production shape, {@code cluster}, whose
 * Kafka nodes are {@code kafka-node} processes.
 */
package io.couponissuer.tools.local;
