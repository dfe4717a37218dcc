package io.couponissuer.ops.transactions;

import io.couponissuer.kafka.ReadToEnd;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogKey;
import org.apache.kafka.coordinator.transaction.generated.TransactionLogValue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Reads the transaction coordinator's own log, {@code __transaction_state}, the way
 * {@code kafka-dump-log --transaction-log-decoder} does: every state a transactional id went
 * through (Ongoing with its partitions, PrepareCommit, CompleteCommit, ...), in log order. It is the
 * only place outside the broker that says whether a transaction reached PrepareCommit, that is,
 * whether its COMMIT markers went (or were meant to go) to its partitions.
 *
 * <p>The records are decoded with the generated message classes the coordinator writes them with
 * ({@code kafka-transaction-coordinator}, the same Kafka version as the clients). The topic is
 * compacted: the newest record of each transactional id always stays, older ones only until the
 * cleaner reaches their segment.
 */
public final class TransactionStateLog {
    public static final String TOPIC = "__transaction_state";

    /** The coordinator's states, by the id it writes ({@code TransactionState#id()}). */
    public enum State {
        EMPTY, ONGOING, PREPARE_COMMIT, PREPARE_ABORT, COMPLETE_COMMIT, COMPLETE_ABORT, DEAD, PREPARE_EPOCH_FENCE, UNKNOWN;

        static State of(byte id) {
            return id >= 0 && id < UNKNOWN.ordinal() ? values()[id] : UNKNOWN;
        }

        boolean committing() {
            return this == PREPARE_COMMIT || this == COMPLETE_COMMIT;
        }

        boolean aborting() {
            return this == PREPARE_ABORT || this == COMPLETE_ABORT || this == PREPARE_EPOCH_FENCE;
        }
    }

    /** The transaction version of a record that does not carry one (value version 0). */
    public static final int VERSION_UNKNOWN = -1;

    /**
     * One record of the log: a transactional id's state after one transition.
     *
     * @param transactionVersion the client's transaction version the coordinator recorded
     *                           ({@code ClientTransactionVersion}, a tagged field from value version 1 on),
     *                           or {@link #VERSION_UNKNOWN} when the record does not carry it
     */
    public record Transition(String transactionalId, TopicPartition logPartition, long offset, Instant writtenAt,
                             State state, long producerId, short producerEpoch, Set<TopicPartition> partitions,
                             int transactionVersion) {
        @Override
        public String toString() {
            return logPartition + "@" + offset + " " + state + " (producer " + producerId + ", epoch " + producerEpoch
                    + (partitions.isEmpty() ? "" : ", partitions " + partitions)
                    + ", transaction version " + (transactionVersion == VERSION_UNKNOWN ? "unknown" : transactionVersion)
                    + ", written " + writtenAt + ")";
        }
    }

    private final Map<String, Object> consumerConfig;
    private final Duration timeout;

    /** @param consumerConfig bootstrap servers and client settings for a group-less reader */
    public TransactionStateLog(Map<String, Object> consumerConfig, Duration timeout) {
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        this.timeout = timeout;
    }

    /** The partition of {@code __transaction_state} that holds a transactional id, as the coordinator places it. */
    public static int partitionFor(String transactionalId, int logPartitions) {
        return Utils.abs(transactionalId.hashCode()) % logPartitions;
    }

    /**
     * The transitions of the transactional ids that {@code wanted} accepts, read from the given log
     * partitions up to their end at the time of the call, in log order per partition.
     */
    public List<Transition> read(Set<Integer> logPartitions, Predicate<String> wanted) {
        List<Transition> transitions = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = logPartitions.stream().map(p -> new TopicPartition(TOPIC, p)).toList();
            for (ConsumerRecord<byte[], byte[]> record : ReadToEnd.fromBeginning(consumer, partitions, timeout)) {
                Transition transition = decode(record, wanted);
                if (transition != null) {
                    transitions.add(transition);
                }
            }
        }
        return transitions;
    }

    /** Null for records of other ids, tombstones and key versions this code does not know. */
    public static Transition decode(ConsumerRecord<byte[], byte[]> record, Predicate<String> wanted) {
        if (record.key() == null || record.value() == null) {
            return null;
        }
        ByteBuffer key = ByteBuffer.wrap(record.key());
        short keyVersion = key.getShort();
        if (keyVersion != 0) {
            return null;
        }
        String transactionalId = new TransactionLogKey(new ByteBufferAccessor(key), keyVersion).transactionalId();
        if (!wanted.test(transactionalId)) {
            return null;
        }
        ByteBuffer valueBytes = ByteBuffer.wrap(record.value());
        short valueVersion = valueBytes.getShort();
        TransactionLogValue value = new TransactionLogValue(new ByteBufferAccessor(valueBytes), valueVersion);
        Set<TopicPartition> partitions = new TreeSet<>(HangingTransaction.PARTITION_ORDER);
        if (value.transactionPartitions() != null) {
            for (TransactionLogValue.PartitionsSchema topic : value.transactionPartitions()) {
                for (Integer id : topic.partitionIds()) {
                    partitions.add(new TopicPartition(topic.topic(), id));
                }
            }
        }
        // Value version 0 has no tagged fields: the field then reads as its default, which says nothing.
        int transactionVersion = valueVersion >= 1 ? value.clientTransactionVersion() : VERSION_UNKNOWN;
        return new Transition(transactionalId, new TopicPartition(record.topic(), record.partition()), record.offset(),
                Instant.ofEpochMilli(value.transactionLastUpdateTimestampMs()), State.of(value.transactionStatus()),
                value.producerId(), value.producerEpoch(), Set.copyOf(partitions), transactionVersion);
    }

    /**
     * How the transaction that producer {@code producerId} wrote at {@code producerEpoch} ended, from
     * the transitions of its transactional id in log order: the last Ongoing record at that producer
     * and epoch, then the first record after it. PrepareCommit or CompleteCommit means its COMMIT
     * markers were sent to its partitions (under transaction version 2 at the next epoch);
     * PrepareAbort, CompleteAbort or PrepareEpochFence means ABORT markers. No such Ongoing record,
     * or nothing after it, means the log cannot tell: {@link TransactionOutcome.Ending#UNKNOWN}.
     * Neither can it when several transactions ran at that producer and epoch (transaction version
     * below 2 keeps the epoch from one transaction to the next): which of them left the partition
     * open is not in the log, so that is UNKNOWN too. The outcome's transaction version is the one
     * both the Ongoing record and the deciding one carry ({@link #VERSION_UNKNOWN} if they differ or
     * do not say).
     */
    public static TransactionOutcome outcome(List<Transition> transitions, long producerId, short producerEpoch) {
        int ongoing = -1;
        int transactions = 0;
        boolean inOne = false;
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            boolean match = t.state() == State.ONGOING && t.producerId() == producerId && t.producerEpoch() == producerEpoch;
            if (match) {
                ongoing = i;
                if (!inOne) {
                    transactions++; // the first Ongoing record of a transaction (later ones add partitions)
                }
            }
            if (ongoing >= 0 && transitions.get(ongoing).transactionalId().equals(t.transactionalId())) {
                inOne = match;
            }
        }
        if (ongoing < 0) {
            return TransactionOutcome.unknown("no Ongoing record of producer " + producerId + " at epoch " + producerEpoch
                    + " in " + TOPIC + " (compacted away, or the coordinator never registered it)");
        }
        if (transactions > 1) {
            return TransactionOutcome.unknown(transactions + " transactions of producer " + producerId + " ran at epoch "
                    + producerEpoch + " (transaction version below 2): the log cannot tell which one left the partition open");
        }
        Transition started = transitions.get(ongoing);
        for (int i = ongoing + 1; i < transitions.size(); i++) {
            Transition next = transitions.get(i);
            if (!next.transactionalId().equals(started.transactionalId())
                    || !next.logPartition().equals(started.logPartition())) {
                continue;
            }
            String evidence = started + " then " + next;
            int version = started.transactionVersion() == next.transactionVersion() ? next.transactionVersion()
                    : VERSION_UNKNOWN;
            if (next.state().committing()) {
                return new TransactionOutcome(TransactionOutcome.Ending.COMMITTED, started.transactionalId(),
                        started.partitions(), evidence, version);
            }
            if (next.state().aborting()) {
                return new TransactionOutcome(TransactionOutcome.Ending.ABORTED, started.transactionalId(),
                        started.partitions(), evidence, version);
            }
            return TransactionOutcome.unknown(evidence + ": neither a commit nor an abort follows the Ongoing record");
        }
        return TransactionOutcome.unknown(started + " is the last record of " + started.transactionalId()
                + ": the coordinator has not decided this transaction yet");
    }
}
