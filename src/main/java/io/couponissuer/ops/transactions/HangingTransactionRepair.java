package io.couponissuer.ops.transactions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.requests.TransactionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the missing marker of a hanging transaction, only where the coordinator's own log proves
 * which one it owes. Every case needs the transaction seen on two looks, not held open by the
 * coordinator, written by one of this application's producers under transaction version 2
 * ({@link OwnTransactionalIds}), and its history in {@code __transaction_state}:
 * <ul>
 *   <li>it reached PrepareAbort: no partition of it holds a COMMIT marker, so an ABORT here drops
 *       nothing that counted anywhere (the request {@code kafka-transactions abort} sends);</li>
 *   <li>it reached PrepareCommit with this partition registered in it: the coordinator decided
 *       COMMIT and lost this partition's marker (KAFKA-20734); an ABORT would drop committed
 *       decisions or offsets, so the COMMIT marker is written;</li>
 *   <li>anything else is refused, logged once with the reason and the operator's command, and
 *       counted: {@code not_ours} for another owner's transaction (another application's group on a
 *       shared {@code __consumer_offsets} partition, an integrator's producer on a coupon topic, which
 *       may use transaction version 1, where a marker at its epoch could end a later transaction),
 *       {@code refused} for ours that the log does not prove.</li>
 * </ul>
 * Both are one WriteTxnMarkers request to the partition's leader ({@link TransactionMarkerWriter}).
 *
 * <p>A marker ends one producer's transaction only. The partition keeps an open transaction per
 * producer id, and a marker carries a producer id and epoch: the leader appends it as that
 * producer's control batch, completes that producer's open transaction alone, and moves the last
 * stable offset only as far as the next producer's open transaction. On {@code __consumer_offsets}
 * the group coordinator likewise applies or drops only the pending offsets that producer id wrote.
 * Producer ids are handed out once and belong to one transactional id, and the one written to is
 * the one whose transaction log history names our transactional id at that epoch, checked open at
 * that epoch and start offset right before the write. So repairing our transaction on a
 * {@code __consumer_offsets} partition that also holds another group's open transaction leaves that
 * one open, as it should: it is reported as {@code FOREIGN} if it hangs too.
 */
public final class HangingTransactionRepair {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionRepair.class);

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;
    private final Clock clock;
    private final TransactionMarkerWriter markers;
    private final Counter aborted;
    private final Counter committed;
    private final Counter refused;
    private final Counter failed;
    private final Counter notOurs;
    /** Refusals already logged and counted, so each hanging transaction is reported once. */
    private final Set<String> refusedOnce = new HashSet<>();

    /** @param adminConfig the admin client's settings, for the marker writer's own connection */
    public HangingTransactionRepair(Admin admin, Map<String, Object> adminConfig, String bootstrapServers,
                                    Duration timeout, Clock clock, MeterRegistry registry) {
        this.admin = admin;
        this.markers = new TransactionMarkerWriter(adminConfig, timeout);
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.clock = clock;
        this.aborted = counter(registry, "aborted");
        this.committed = counter(registry, "committed");
        this.refused = counter(registry, "refused");
        this.failed = counter(registry, "failed");
        this.notOurs = counter(registry, "not_ours");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("coupon.hanging.transaction.repairs")
                .description("hanging transactions the issuer aborted (aborted elsewhere), committed (its lost COMMIT "
                        + "marker), refused (not provable), left to their owner (not_ours), or failed to repair")
                .tag("result", result).register(registry);
    }

    /** Writes the marker each confirmed hanging transaction provably owes; returns the ones repaired. */
    public List<HangingTransaction> repair(List<HangingTransaction> found) {
        Set<String> current = new HashSet<>();
        List<HangingTransaction> done = new ArrayList<>();
        for (HangingTransaction hanging : found) {
            if (!hanging.confirmed()) {
                continue;
            }
            String key = hanging.topicPartition() + "/" + hanging.producerId() + "/" + hanging.startOffset();
            current.add(key);
            if ((hanging.safeToAbort() || hanging.safeToCommit()) && !stillOpen(hanging)) {
                continue; // ended between the scan and now: nothing to write
            }
            if (hanging.safeToAbort() || hanging.safeToCommit()) {
                if (write(hanging, hanging.safeToAbort() ? TransactionResult.ABORT : TransactionResult.COMMIT)) {
                    done.add(hanging);
                }
            } else if (refusedOnce.add(key)) {
                (hanging.ownership() != null && !hanging.ownership().ours() ? notOurs : refused).increment();
                LOG.error("Not repairing {}", hanging.describe(clock.instant(), bootstrapServers));
            }
        }
        refusedOnce.retainAll(current);
        return done;
    }

    /** A last look right before writing: the same producer, epoch and start offset are still open there. */
    private boolean stillOpen(HangingTransaction hanging) {
        try {
            return admin.describeProducers(List.of(hanging.topicPartition())).partitionResult(hanging.topicPartition())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).activeProducers().stream()
                    .anyMatch(p -> p.producerId() == hanging.producerId() && p.producerEpoch() == hanging.producerEpoch()
                            && p.currentTransactionStartOffset().orElse(-1) == hanging.startOffset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false; // cannot tell: write nothing now, look again at the next scan
        }
    }

    /** Writes the marker on the partition's leader; false (counted, logged) when it could not. */
    private boolean write(HangingTransaction hanging, TransactionResult result) {
        LOG.warn("Writing {} marker: {}", result, hanging.describe(clock.instant(), bootstrapServers));
        try {
            Node leader = admin.describeTopics(List.of(hanging.topic())).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(hanging.topic()).partitions()
                    .get(hanging.partition()).leader();
            if (leader == null || leader.isEmpty()) {
                throw new IllegalStateException(hanging.topicPartition() + " has no leader now");
            }
            markers.write(leader, hanging.topicPartition(), hanging.producerId(), (short) hanging.producerEpoch(),
                    Math.max(0, hanging.coordinatorEpoch()), result);
            (result == TransactionResult.COMMIT ? committed : aborted).increment();
            LOG.warn("Wrote the {} marker of producer {} epoch {} on {}: the transaction from offset {} is {} there as"
                    + " on its other partitions, and the last stable offset moves on", result, hanging.producerId(),
                    hanging.producerEpoch(), hanging.topicPartition(), hanging.startOffset(),
                    result == TransactionResult.COMMIT ? "committed" : "aborted");
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failed.increment();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.error("Could not write the {} marker on {} from offset {}: {}; will try again at the next scan",
                    result, hanging.topicPartition(), hanging.startOffset(), cause.toString());
            return false;
        }
    }
}
