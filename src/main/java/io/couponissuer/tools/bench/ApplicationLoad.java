package io.couponissuer.tools.bench;

import java.util.List;

/** Defines the run's events, then sends every application of the plan; returns when all are answered. */
interface ApplicationLoad {
    List<SentRequest> run(RunPlan plan) throws Exception;

    /** What the bench knows of when the broker accepted each request, for {@link FcfsInversions}. */
    AcceptTime acceptTime();

    /** How the decision time of {@link SentRequest#answeredNanos()} or the decision topics is meant, for the report. */
    String decisionTime();

    /** Applications per record on coupon.apply-requests (an ApplyBatch holds more than one). */
    default int applicationsPerRecord() {
        return 1;
    }
}
