/**
 * Kafka's own security for the system: who each role is on the brokers (a SCRAM user each) and the
 * least privilege it holds there (ACLs), applied by {@code kafka-setup} before the roles start.
 */
package io.couponissuer.ops.access;
