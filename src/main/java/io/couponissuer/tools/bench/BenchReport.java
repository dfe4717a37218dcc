package io.couponissuer.tools.bench;

import java.util.Map;

/**
 * The one JSON object a run prints. Rates count from the first send to the last accept, the last
 * visible decision and the moment the table held every issued coupon.
 *
 * @param applicationsPerRecord applications in one record on the input topic ({@code --batch})
 * @param eventsPerPartition partition of coupon.apply-requests -> how many of the run's events it holds
 * @param acceptLatencyMs    send -> broker ack (direct, raw) or -> HTTP answer (HTTP; with ?waitMs this
 *                           includes the wait for the decision)
 * @param decisionLatencyMs  send -> decision, as {@code decisionTime} says
 * @param fcfsInversions     SOLD_OUT applications accepted before another user's coupon, by delta; null in raw
 *                           and passthrough mode
 */
public record BenchReport(String mode, String runId, int events, int cap, int users, int requests, int repeats,
                          int concurrency, int applicationsPerRecord, String httpClient, Integer waitMs, Map<Integer, Integer> eventsPerPartition,
                          RequestCounts counts, double durationSeconds, double acceptedPerSec, double decisionsPerSec,
                          Double persistedPerSec, LatencySummary acceptLatencyMs, LatencySummary decisionLatencyMs,
                          String decisionTime, FcfsInversions.RunInversions fcfsInversions, Boolean spreadEvents,
                          StageLoad stages, ExactnessVerdict verdict) {

    /**
     * @param http503   answers 503 (the gateway's deliberate "broker did not take it, retry")
     * @param errors    any other failure: other statuses, transport errors, failed sends
     * @param persisted rows in the table for the run's events; null in raw mode
     * @param failures  every request not accepted, counted by cause ("HTTP 503", "IOException: ...")
     */
    public record RequestCounts(long sent, long accepted, long http503, long errors, long decided, long issued,
                         long rejected, Long persisted, Map<String, Long> failures) {
    }
}
