package io.couponissuer.ops.lag;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The status of one partition from its samples in the sliding window (oldest first, the newest
 * last) and the time since its committed offset last changed. In this order, the first that holds:
 * <ol>
 * <li><b>ERR</b>: the offsets could not be read (decided by the caller; there is no sample).</li>
 * <li><b>OK</b>: the newest lag is 0.</li>
 * <li><b>STOP</b>: lag &gt; 0 and the committed offset has not changed for longer than the window
 *     (measured from the first sample that showed the current committed offset, so it takes more
 *     than one window of observation to say STOP).</li>
 * <li><b>STALL</b>: lag &gt; 0 and the committed offset is the same as in the previous sample.</li>
 * <li><b>WARN</b>: the window holds at least 3 samples, the lag never fell from one sample to the
 *     next, and the newest is larger than the oldest: the group commits but falls behind.</li>
 * <li><b>OK</b> otherwise.</li>
 * </ol>
 * A healthy issuer commits every {@code commit.interval.ms} (100 ms) and the writer after every
 * batch, so with samples a second or more apart a committed offset that did not move while there
 * was lag means nothing is being processed.
 */
public final class LagRules {
    static final int MIN_SAMPLES_FOR_WARN = 3;

    private LagRules() {
    }

    public static LagStatus status(List<LagSample> window, Instant committedSince, Duration windowLength) {
        if (window.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        LagSample newest = window.get(window.size() - 1);
        if (newest.lag() == 0) {
            return LagStatus.OK;
        }
        if (Duration.between(committedSince, newest.at()).compareTo(windowLength) > 0) {
            return LagStatus.STOP;
        }
        if (window.size() >= 2 && Objects.equals(window.get(window.size() - 2).committed(), newest.committed())) {
            return LagStatus.STALL;
        }
        if (window.size() >= MIN_SAMPLES_FOR_WARN && growing(window)) {
            return LagStatus.WARN;
        }
        return LagStatus.OK;
    }

    private static boolean growing(List<LagSample> window) {
        for (int i = 1; i < window.size(); i++) {
            if (window.get(i).lag() < window.get(i - 1).lag()) {
                return false;
            }
        }
        return window.get(window.size() - 1).lag() > window.get(0).lag();
    }
}
