package io.couponissuer.ops.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * When a partition's end offset reached which value, as sampled: the lookup table of
 * kafka-lag-exporter. The time a group lags is estimated by placing its committed offset on this
 * timeline (linear interpolation between the two samples around it), without reading a record.
 *
 * <p>Each distinct end offset keeps the time it was first seen: a record at offset {@code o} did not
 * exist at a sample whose end was {@code <= o} and did at the next one, so it was written between
 * the two.
 */
public final class EndOffsetTimeline {
    /** Like kafka-lag-exporter's default lookup table size; older points drop off. */
    static final int MAX_POINTS = 120;

    record EndOffsetAt(long offset, Instant at) {
    }

    private final Deque<EndOffsetAt> points = new ArrayDeque<>();

    public void record(long end, Instant at) {
        EndOffsetAt last = points.peekLast();
        if (last != null && end < last.offset()) {
            points.clear(); // the topic was recreated or truncated: the old timeline means nothing now
        } else if (last != null && end == last.offset()) {
            return;
        }
        points.addLast(new EndOffsetAt(end, at));
        if (points.size() > MAX_POINTS) {
            points.removeFirst();
        }
    }

    /**
     * How long ago the record at {@code position} (the next one the group reads) was written, as of
     * {@code now}; zero when the group has read everything. Below the oldest point the time is
     * extrapolated with the rate between the oldest and newest points; with a single point it is
     * the time since that point, a lower bound.
     */
    public Duration lag(long position, Instant now) {
        if (points.isEmpty() || position >= points.peekLast().offset()) {
            return Duration.ZERO;
        }
        List<EndOffsetAt> list = new ArrayList<>(points);
        EndOffsetAt first = list.get(0);
        Instant written;
        if (position < first.offset()) {
            EndOffsetAt last = list.get(list.size() - 1);
            if (list.size() < 2) {
                written = first.at();
            } else {
                double nanosPerOffset = (double) Duration.between(first.at(), last.at()).toNanos()
                        / (last.offset() - first.offset());
                written = first.at().minusNanos((long) ((first.offset() - position) * nanosPerOffset));
            }
        } else {
            int i = 1;
            while (list.get(i).offset() <= position) {
                i++;
            }
            EndOffsetAt before = list.get(i - 1);
            EndOffsetAt after = list.get(i);
            double fraction = (double) (position - before.offset()) / (after.offset() - before.offset());
            written = before.at().plusNanos((long) (fraction * Duration.between(before.at(), after.at()).toNanos()));
        }
        Duration lag = Duration.between(written, now);
        return lag.isNegative() ? Duration.ZERO : lag;
    }
}
