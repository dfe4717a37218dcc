package io.couponissuer.ops.access;

import org.apache.kafka.common.security.auth.KafkaPrincipal;

/** The SCRAM users of a secured cluster: one per role, and ops for the operator's tools (lag, replay). */
public enum KafkaUser {
    GATEWAY, ISSUER, WRITER, OPS;

    /** The user name on the brokers: gateway, issuer, writer, ops. */
    public String userName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public KafkaPrincipal principal() {
        return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, userName());
    }
}
