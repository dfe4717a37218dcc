package io.couponissuer.ops.transactions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes the missing ABORT marker of a hanging transaction, only where that is provably safe: it
 * was seen twice, the coordinator holds no transaction of that producer open there, and its
 * transaction reached PrepareAbort according to {@code __transaction_state}, so no partition of it
 * holds a COMMIT marker and the abort drops nothing that counted anywhere. Every other hanging
 * transaction is refused, logged once with the reason and the operator's command, and counted.
 *
 * <p>The abort is {@code Admin#abortTransaction}, what {@code kafka-transactions abort} sends: a
 * WriteTxnMarkers request for that one partition, producer and epoch.
 */
public final class HangingTransactionRepair {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactionRepair.class);

    private final Admin admin;
    private final String bootstrapServers;
    private final Duration timeout;
    private final Clock clock;
    private final Counter aborted;
    private final Counter refused;
    private final Counter failed;
    /** Refusals already logged and counted, so each hanging transaction is reported once. */
    private final Set<String> refusedOnce = new HashSet<>();

    public HangingTransactionRepair(Admin admin, String bootstrapServers, Duration timeout, Clock clock,
                                    MeterRegistry registry) {
        this.admin = admin;
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        this.clock = clock;
        this.aborted = counter(registry, "aborted");
        this.refused = counter(registry, "refused");
        this.failed = counter(registry, "failed");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("coupon.hanging.transaction.repairs")
                .description("hanging transactions the issuer aborted (provably aborted elsewhere), refused to abort, "
                        + "or failed to abort")
                .tag("result", result).register(registry);
    }

    /** Aborts what is safe to abort among confirmed hanging transactions; returns the aborted ones. */
    public List<HangingTransaction> repair(List<HangingTransaction> found) {
        Set<String> current = new HashSet<>();
        List<HangingTransaction> done = new java.util.ArrayList<>();
        for (HangingTransaction hanging : found) {
            if (!hanging.confirmed()) {
                continue;
            }
            String key = hanging.topicPartition() + "/" + hanging.producerId() + "/" + hanging.startOffset();
            current.add(key);
            if (hanging.safeToAbort()) {
                if (abort(hanging)) {
                    done.add(hanging);
                }
            } else if (refusedOnce.add(key)) {
                refused.increment();
                LOG.error("Not aborting {}", hanging.describe(clock.instant(), bootstrapServers));
            }
        }
        refusedOnce.retainAll(current);
        return done;
    }

    private boolean abort(HangingTransaction hanging) {
        AbortTransactionSpec spec = new AbortTransactionSpec(hanging.topicPartition(), hanging.producerId(),
                (short) hanging.producerEpoch(), Math.max(0, hanging.coordinatorEpoch()));
        LOG.warn("Aborting {}: writing an ABORT marker for producer {} epoch {} (coordinator epoch {}) on {}",
                hanging.describe(clock.instant(), bootstrapServers), hanging.producerId(), hanging.producerEpoch(),
                spec.coordinatorEpoch(), hanging.topicPartition());
        try {
            admin.abortTransaction(spec).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            aborted.increment();
            LOG.warn("Aborted the hanging transaction on {} from offset {} (producer {} epoch {}); its records are"
                    + " now aborted records, invisible to read_committed readers, and the last stable offset moves on",
                    hanging.topicPartition(), hanging.startOffset(), hanging.producerId(), hanging.producerEpoch());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            failed.increment();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            LOG.error("Could not abort the hanging transaction on {} from offset {}: {}; will try again at the next scan",
                    hanging.topicPartition(), hanging.startOffset(), cause.toString());
            return false;
        }
    }
}
