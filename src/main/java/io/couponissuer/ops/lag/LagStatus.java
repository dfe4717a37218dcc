package io.couponissuer.ops.lag;

/**
 * How a partition or a group is doing, Burrow-like, in order of severity (see {@link LagRules}).
 * A group has the worst status of its partitions.
 */
public enum LagStatus {
    /** Caught up, or consuming at least as fast as records arrive. */
    OK,
    /** Consuming, but the lag grew across the whole window: falling behind. */
    WARN,
    /** Lag and the committed offset did not move since the previous sample (for at most the window). */
    STALL,
    /** Lag and the committed offset has not moved for longer than the window. */
    STOP,
    /** The group's or the partition's offsets could not be read. */
    ERR,
    /**
     * A partition the group reads or restores from holds a hanging transaction: its last stable
     * offset cannot move until someone writes the missing marker (docs/operations.md#hanging-transactions). Last, so the
     * numbers of the others stay as they were.
     */
    HANGING;

    public boolean atLeast(LagStatus other) {
        return compareTo(other) >= 0;
    }

    public static LagStatus worst(LagStatus a, LagStatus b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
