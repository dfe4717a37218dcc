package io.couponissuer.ops.lag;

import java.time.Instant;

/**
 * One reading of one partition of one group.
 *
 * @param committed the group's committed offset, null when it has none yet
 * @param end       the last stable offset (read_committed end offset)
 * @param lag       records the group has still to read: {@code end - committed}, except that
 *                  transaction markers and aborted records (invisible to a read_committed consumer)
 *                  are not counted when the gap was probed (see {@link OffsetsReader})
 */
public record LagSample(Instant at, Long committed, long end, long lag) {
    /** The position the group reads next: the committed offset, or the log start when it has none. */
    public long position(long logStart) {
        return committed != null ? committed : logStart;
    }
}
