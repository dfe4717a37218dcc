package io.couponissuer.ops.lag;

import java.time.Instant;
import java.util.List;

/** The lag of every watched group at one moment: what `lag` prints, /metrics exports and /ops draws. */
public record LagReport(Instant at, long windowMs, List<Group> groups, List<Hanging> hangingTransactions,
                        String transactionsError) {

    /**
     * A hanging transaction (ops.transactions.HangingTransaction), as `lag`, /metrics and /ops show it.
     *
     * @param groups   the watched groups it stops
     * @param outcome  COMMITTED, ABORTED or UNKNOWN per __transaction_state; null until confirmed
     * @param owner    OURS (the guard may repair it), FOREIGN (another application's transactional id: left to its
     *                 owner) or NOT_VERSION_2 (ours, but not under transaction version 2: left alone); null until confirmed
     * @param detail   the whole story: coordinator view, transaction log evidence, what to do
     */
    public record Hanging(String topic, int partition, long producerId, int producerEpoch, long startOffset,
                          long endOffset, long ageSeconds, boolean confirmed, String outcome, String owner,
                          List<String> groups, String detail) {
    }

    /**
     * @param lag          records still to read, all partitions
     * @param maxLagSeconds the largest partition lag in seconds (null when no partition could be estimated)
     */
    public record Group(String group, LagStatus status, long lag, Double maxLagSeconds, String error,
                        List<Partition> partitions) {
    }

    /**
     * @param committed  null when the group has no committed offset there (it starts at the log start)
     * @param offsetLag  end - committed, what offset-only tools print
     * @param lag        records still to read (transaction markers not counted, see {@link OffsetsReader})
     * @param lagSeconds estimated age of the next record to read (0 when caught up)
     * @param counterOf  the spread events whose counter (stage 2) reads this partition of
     *                   coupon.apply-requests; their stage 1 is on every partition. Empty otherwise
     */
    public record Partition(String topic, int partition, Long committed, long end, long offsetLag, long lag,
                            double lagSeconds, LagStatus status, List<String> counterOf) {
    }

    public LagStatus worst() {
        LagStatus worst = groups.stream().map(Group::status).reduce(LagStatus.OK, LagStatus::worst);
        return hangingTransactions.stream().anyMatch(Hanging::confirmed) ? LagStatus.worst(worst, LagStatus.HANGING) : worst;
    }

    public Group group(String groupId) {
        return groups.stream().filter(g -> g.group().equals(groupId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no group " + groupId));
    }
}
