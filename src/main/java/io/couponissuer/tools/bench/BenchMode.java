package io.couponissuer.tools.bench;

/** What the bench drives: the whole system over HTTP, the issuer alone, or the bare broker. */
public enum BenchMode {
    /** Applications through the gateway's HTTP API; decision time = the ?waitMs answer. */
    HTTP,
    /** ApplyRequest records straight onto coupon.apply-requests: the issuer without the gateway. */
    DIRECT,
    /** Produce and consume on a throwaway one-partition topic: the ceiling one hot event works under. */
    RAW,
    /**
     * RAW plus one exactly_once_v2 Kafka Streams hop that copies each record, unread, to a second
     * one-partition topic (the issuer's commit interval and batch size): the ceiling of any design
     * that writes one record per record it reads on one partition, before any work of its own.
     */
    PASSTHROUGH
}
