package io.couponissuer.ops;

import io.couponissuer.ops.lag.LagReport;
import io.couponissuer.query.EventStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What /api/ops/summary answers and /ops draws.
 *
 * @param events      every event with issued, remaining, cap
 * @param eventsError why the events could not be listed at the last sample (null when they could)
 * @param lag         the newest lag report (null before the first sample)
 * @param history     one point per sample over the last minutes, oldest first
 */
public record OpsSummary(Instant at, List<EventStatus> events, String eventsError, LagReport lag,
                         List<Point> history) {

    public static OpsSummary notSampledYet(Instant at) {
        return new OpsSummary(at, List.of(), "not sampled yet", null, List.of());
    }

    /**
     * Rates are per second since the previous point, from Kafka offsets so they count every gateway
     * and issuer instance: accepted = growth of coupon.apply-requests' end offsets, decided = of the
     * issuer group's committed offsets, written = of the writer group's.
     */
    public record Point(Instant at, Map<String, Long> lag, Map<String, Double> lagSeconds, Double acceptedPerSecond,
                        Double decidedPerSecond, Double writtenPerSecond) {
    }
}
