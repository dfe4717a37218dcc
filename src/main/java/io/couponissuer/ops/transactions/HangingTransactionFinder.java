package io.couponissuer.ops.transactions;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Finds open transactions that their coordinator no longer holds open, on the partitions the
 * system writes or restores from, the way {@code kafka-transactions find-hanging} does but without
 * waiting out the 15-minute maximum transaction timeout:
 * <ol>
 *   <li>the partition leaders' producer state ({@code describeProducers}) lists every producer with
 *       an open transaction and its first offset;</li>
 *   <li>the coordinator ({@code listTransactions} by producer id, {@code describeTransactions}) says
 *       whether that producer still has that transaction going; a transaction it still tracks is
 *       only in progress;</li>
 *   <li>one that it does not track must be there again on a later scan at least
 *       {@code confirmAfter} later, with the same start offset, before it counts as hanging;</li>
 *   <li>for a confirmed one, {@code __transaction_state} says whether its transaction committed or
 *       aborted on its other partitions ({@link TransactionStateLog#outcome}), under which
 *       transactional id and transaction version, and so whether it is this application's
 *       ({@link OwnTransactionalIds}).</li>
 * </ol>
 * Read-only: repairing is {@link HangingTransactionRepair}'s job. Not thread-safe: one scanner
 * thread uses it.
 */
public final class HangingTransactionFinder implements HangingTransactions {
    private static final Set<TransactionState> LIVE = Set.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
            TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    private final Admin admin;
    private final TransactionStateLog log;
    private final Collection<String> topics;
    private final String consumerGroup;
    private final OwnTransactionalIds ownIds;
    private final Duration confirmAfter;
    private final Duration timeout;
    private final Clock clock;
    /** Suspects by (partition, producer, start offset) -> first seen; forgotten once gone. */
    private final Map<Suspect, Instant> firstSeen = new HashMap<>();
    /**
     * The log's verdict per suspect and when it was read. COMMITTED and ABORTED never change; an
     * UNKNOWN one is read again after {@link #UNKNOWN_RETRY} (the whole log may have to be read).
     */
    private final Map<Suspect, CachedOutcome> verdicts = new HashMap<>();
    private static final Duration UNKNOWN_RETRY = Duration.ofSeconds(30);
    /** Producer id -> transactional id, from the latest scan's listTransactions. */
    private final Map<Long, String> transactionalIds = new HashMap<>();

    private record Suspect(TopicPartition partition, long producerId, long startOffset) {
    }

    private record CachedOutcome(TransactionOutcome outcome, Instant readAt) {
        boolean stale(Instant now) {
            return outcome.kind() == TransactionOutcome.Ending.UNKNOWN
                    && Duration.between(readAt, now).compareTo(UNKNOWN_RETRY) >= 0;
        }
    }

    /**
     * @param topics        the topics whose partitions are watched (missing ones are skipped)
     * @param consumerGroup the group whose transactional offset commits are watched on its
     *                      {@code __consumer_offsets} partition (null: none)
     * @param ownIds        this application's transactional ids: only their transactions count as ours
     */
    public HangingTransactionFinder(Admin admin, TransactionStateLog log, Collection<String> topics, String consumerGroup,
                                    OwnTransactionalIds ownIds, Duration confirmAfter, Duration timeout, Clock clock) {
        this.admin = admin;
        this.log = log;
        this.topics = List.copyOf(topics);
        this.consumerGroup = consumerGroup;
        this.ownIds = ownIds;
        this.confirmAfter = confirmAfter;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * The finder for this system: the topics it creates, the issuer's changelogs and the issuer
     * group's offsets partition. It owns {@code admin} and closes it.
     */
    public static HangingTransactionFinder forSystem(Admin admin, Settings settings, Duration confirmAfter, Clock clock) {
        Duration timeout = Duration.ofSeconds(10);
        String applicationId = settings.get(Setting.COUPON_APPLICATION_ID);
        List<String> topics = new ArrayList<>(Topics.NAMES);
        topics.addAll(Topics.issuerChangelogs(applicationId));
        return new HangingTransactionFinder(admin,
                new TransactionStateLog(ClientConfigs.readCommittedConsumer(settings, null, "coupon-transaction-log"), timeout),
                topics, applicationId, new OwnTransactionalIds(applicationId), confirmAfter, timeout, clock);
    }

    /** One scan: the suspects (confirmed or not) in partition order. Throws if Kafka does not answer. */
    @Override
    public List<HangingTransaction> scan() {
        Instant now = clock.instant();
        Set<TopicPartition> partitions = watchedPartitions();
        Map<TopicPartition, List<ProducerState>> open = openTransactions(partitions);
        if (open.isEmpty()) {
            firstSeen.clear();
            verdicts.clear();
            return List.of();
        }
        Map<Long, TransactionDescription> coordinator = coordinatorView(open);
        Map<TopicPartition, Long> logEnd = offsets(open.keySet());
        List<HangingTransaction> found = new ArrayList<>();
        Set<Suspect> stillThere = new HashSet<>();
        for (Map.Entry<TopicPartition, List<ProducerState>> entry : open.entrySet()) {
            TopicPartition partition = entry.getKey();
            for (ProducerState producer : entry.getValue()) {
                TransactionDescription description = coordinator.get(producer.producerId());
                if (heldOpen(description, partition, producer)) {
                    continue;
                }
                Suspect suspect = new Suspect(partition, producer.producerId(),
                        producer.currentTransactionStartOffset().getAsLong());
                stillThere.add(suspect);
                Instant first = firstSeen.computeIfAbsent(suspect, s -> now);
                boolean confirmed = Duration.between(first, now).compareTo(confirmAfter) >= 0;
                TransactionOutcome outcome = null;
                TransactionOwnership ownership = null;
                if (confirmed) {
                    CachedOutcome verdict = verdicts.get(suspect);
                    if (verdict == null || verdict.stale(now)) {
                        verdict = new CachedOutcome(outcome(producer), now);
                        verdicts.put(suspect, verdict);
                    }
                    outcome = verdict.outcome();
                    ownership = ownership(outcome, producer.producerId());
                }
                found.add(new HangingTransaction(partition.topic(), partition.partition(), producer.producerId(),
                        producer.producerEpoch(), producer.coordinatorEpoch().orElse(-1), suspect.startOffset(),
                        logEnd.getOrDefault(partition, -1L),
                        producer.lastTimestamp() > 0 ? Instant.ofEpochMilli(producer.lastTimestamp()) : first, first,
                        describe(description), confirmed, outcome, ownership));
            }
        }
        firstSeen.keySet().retainAll(stillThere);
        verdicts.keySet().retainAll(stillThere);
        return List.copyOf(found);
    }

    /**
     * The coordinator still owns this transaction: the same producer has a transaction going that
     * began at this epoch (Ongoing at it; PrepareCommit/Abort at it or, under transaction version 2,
     * the next), so its marker is still to come.
     */
    static boolean heldOpen(TransactionDescription description, TopicPartition partition, ProducerState producer) {
        if (description == null || description.producerId() != producer.producerId()
                || !LIVE.contains(description.state())) {
            return false;
        }
        int epoch = producer.producerEpoch();
        if (description.state() == TransactionState.ONGOING) {
            return description.producerEpoch() == epoch;
        }
        return (description.producerEpoch() == epoch || description.producerEpoch() == epoch + 1)
                && description.topicPartitions().contains(partition);
    }

    private static String describe(TransactionDescription description) {
        if (description == null) {
            return "no transactional id holds this producer id";
        }
        return description.state() + " at epoch " + description.producerEpoch()
                + (description.topicPartitions().isEmpty() ? "" : " on " + description.topicPartitions());
    }

    /**
     * Whose transaction it is: the transactional id and version of the log records that started and
     * decided it; without them (an UNKNOWN outcome) the id the coordinator holds for the producer now
     * and no version, which is never ours.
     */
    private TransactionOwnership ownership(TransactionOutcome outcome, long producerId) {
        String transactionalId = outcome.transactionalId() != null ? outcome.transactionalId()
                : transactionalIds.get(producerId);
        return ownIds.judge(transactionalId, outcome.transactionVersion());
    }

    private TransactionOutcome outcome(ProducerState producer) {
        try {
            int logPartitions = partitionCount(TransactionStateLog.TOPIC);
            String transactionalId = transactionalIds.get(producer.producerId());
            Set<Integer> toRead = new TreeSet<>();
            if (transactionalId != null) {
                toRead.add(TransactionStateLog.partitionFor(transactionalId, logPartitions));
            } else {
                for (int p = 0; p < logPartitions; p++) {
                    toRead.add(p); // the producer id changed hands or expired: look everywhere
                }
            }
            List<TransactionStateLog.Transition> transitions = log.read(toRead,
                    id -> transactionalId == null || id.equals(transactionalId));
            return TransactionStateLog.outcome(transitions, producer.producerId(), (short) producer.producerEpoch());
        } catch (RuntimeException e) {
            return TransactionOutcome.unknown("could not read " + TransactionStateLog.TOPIC + ": " + e.getMessage());
        }
    }

    private Map<Long, TransactionDescription> coordinatorView(Map<TopicPartition, List<ProducerState>> open) {
        Set<Long> producerIds = new HashSet<>();
        open.values().forEach(list -> list.forEach(p -> producerIds.add(p.producerId())));
        Collection<TransactionListing> listings = get(admin.listTransactions(
                new ListTransactionsOptions().filterProducerIds(producerIds)).all());
        transactionalIds.clear();
        Map<String, Long> byId = new HashMap<>();
        for (TransactionListing listing : listings) {
            transactionalIds.put(listing.producerId(), listing.transactionalId());
            byId.put(listing.transactionalId(), listing.producerId());
        }
        Map<Long, TransactionDescription> result = new HashMap<>();
        if (!byId.isEmpty()) {
            get(admin.describeTransactions(byId.keySet()).all()).forEach((id, description) ->
                    result.put(byId.get(id), description));
        }
        return result;
    }

    private Map<TopicPartition, List<ProducerState>> openTransactions(Set<TopicPartition> partitions) {
        Map<TopicPartition, List<ProducerState>> open = new TreeMap<>(HangingTransaction.PARTITION_ORDER);
        DescribeProducersResult result = admin.describeProducers(partitions);
        for (TopicPartition partition : partitions) {
            List<ProducerState> states;
            try {
                states = get(result.partitionResult(partition)).activeProducers();
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    continue; // deleted between the listing and the question
                }
                throw e;
            }
            List<ProducerState> withTransaction = states.stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent()).toList();
            if (!withTransaction.isEmpty()) {
                open.put(partition, withTransaction);
            }
        }
        return open;
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all())
                .forEach((p, info) -> end.put(p, info.offset()));
        return end;
    }

    /** Every partition of the watched topics that exist, and the consumer group's offsets partition. */
    private Set<TopicPartition> watchedPartitions() {
        Set<String> names = new HashSet<>(topics);
        if (consumerGroup != null) {
            names.add(Topics.CONSUMER_OFFSETS);
        }
        Set<TopicPartition> partitions = new TreeSet<>(HangingTransaction.PARTITION_ORDER);
        admin.describeTopics(names).topicNameValues().forEach((name, future) -> {
            TopicDescription description;
            try {
                description = get(future);
            } catch (IllegalStateException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return; // a changelog that does not exist yet
                }
                throw e;
            }
            if (name.equals(Topics.CONSUMER_OFFSETS)) {
                int n = description.partitions().size();
                partitions.add(new TopicPartition(Topics.CONSUMER_OFFSETS, Utils.abs(consumerGroup.hashCode()) % n));
            } else {
                description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
            }
        });
        return partitions;
    }

    private int partitionCount(String topic) {
        return get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic)).partitions().size();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }

    private <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + timeout, e);
        }
    }
}
