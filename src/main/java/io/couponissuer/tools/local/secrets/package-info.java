/**
 * Certificates and credentials for running the production shape secured on one's own machine:
 * {@code kafka-secrets} writes a private CA, the Kafka nodes' and the setup job's certificates and a
 * SCRAM password and client properties file per role. Generated where they are used, never committed.
 */
package io.couponissuer.tools.local.secrets;
