package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.SpreadGate;
import io.couponissuer.issuer.spread.SpreadMetrics;
import io.couponissuer.issuer.spread.SpreadStores;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RecordAuthenticator;
import io.couponissuer.kafka.Topic;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;

import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The issuer topology, wired in one place. Every node and store is named, so
 * {@code Topology#describe()} and the changelog topic names stay stable; {@code topology/} holds
 * the committed description that a test compares with this.
 *
 * <pre>
 * coupon.apply-requests -> apply-requests-source -> command-parser
 *   keyed eventId (definitions, applications, claims)   -> coupon-decider -+-> issued-sink   -> coupon.issued
 *     stores: event-definitions, issued-counts, decisions                  +-> rejected-sink -> coupon.rejected
 *                                                                          +-> rejection-batches-sink -> coupon.rejected (an ApplyBatch's, in one record)
 *                                                                          +-> events-sink   -> coupon.events
 *                                                                          +-> notices-sink  -> coupon.apply-requests (every partition)
 *                                                                          +-> reroute-sink  -> coupon.apply-requests (keyed eventId/userId)
 *                                                                          +-> outcomes-sink -> coupon.apply-requests (keyed eventId/userId)
 *   keyed eventId/userId (spread applications, claim outcomes), notices -> spread-gate
 *                                                                        --+-> claims-sink   -> coupon.apply-requests (keyed eventId)
 *     stores: spread-gates, spread-claimants                               +-> rejected-sink
 * </pre>
 * An event that is not spread takes the first path only, on its one partition. A spread event's
 * applications pass stage 1 (issuer.spread.SpreadGate) on the user's partition, and the claims it lets
 * through come back to the event's partition, where the decider is stage 2, the event's one counter
 * (docs/spread-events.md). All of it travels on coupon.apply-requests, so a claim is always behind
 * the definition it follows in its partition's log. Unreadable or invalid records go to coupon.failed
 * through the processing exception handler.
 */
public final class CouponTopology {
    public static final String SOURCE = "apply-requests-source";
    public static final String PARSER = "command-parser";
    public static final String DECIDER = "coupon-decider";
    public static final String SPREAD_GATE = "spread-gate";
    public static final String ISSUED_SINK = "issued-sink";
    public static final String REJECTED_SINK = "rejected-sink";
    public static final String REJECTION_BATCHES_SINK = "rejection-batches-sink";
    public static final String EVENTS_SINK = "events-sink";
    public static final String NOTICES_SINK = "notices-sink";
    public static final String REROUTE_SINK = "reroute-sink";
    public static final String CLAIMS_SINK = "claims-sink";
    public static final String OUTCOMES_SINK = "outcomes-sink";
    /** Spread events whose claim window a stage-1 partition keeps in memory. */
    private static final int RECENT_SPREAD_EVENTS = 1_000;

    private CouponTopology() {
    }

    /** The topology without metrics (its description, test drivers). */
    public static Topology build() {
        return build(new SimpleMeterRegistry(), new DecisionFeed(),
                RecordAuthenticator.parse(RecordAuthenticator.randomSetting()));
    }

    /**
     * @param registry where the issuer's counters go
     * @param feed     where the decisions on awaited applications go as they are made (see DecisionFeed)
     * @param records  checks the records only gateways and issuers may write, and signs the issuer's own
     */
    public static Topology build(MeterRegistry registry, DecisionFeed feed, RecordAuthenticator records) {
        return build(registry, feed, records, CouponHolders::new);
    }

    /** @param holders each decider's memory of who holds a coupon (a test's can fail on purpose) */
    static Topology build(MeterRegistry registry, DecisionFeed feed, RecordAuthenticator records,
                          Supplier<CouponHolders> holders) {
        Topic<IssuerCommand> signedCommands = new Topic<>(Topics.APPLY_REQUESTS.name(), new IssuerCommandSerde(records));
        DecisionOutput decisions = new DecisionOutput(new RejectionCounter(registry), feed);
        SpreadMetrics spreadMetrics = new SpreadMetrics(registry, RejectionCounter.UNDEFINED_EVENT);
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.APPLY_REQUESTS.name());
        topology.addProcessor(PARSER, () -> new CommandParser(records), SOURCE);
        topology.addProcessor(DECIDER, () -> new CouponDecider(decisions, spreadMetrics, holders.get()), PARSER);
        topology.addStateStore(IssuerStores.eventDefinitions(), DECIDER);
        topology.addStateStore(IssuerStores.issuedCounts(), DECIDER);
        topology.addStateStore(IssuerStores.decisions(), DECIDER);
        topology.addProcessor(SPREAD_GATE, () -> new SpreadGate(decisions, spreadMetrics, CLAIMS_SINK,
                new LruMap<>(RECENT_SPREAD_EVENTS)), PARSER);
        topology.addStateStore(SpreadStores.windows(), SPREAD_GATE);
        topology.addStateStore(SpreadStores.claimants(), SPREAD_GATE);
        addSink(topology, ISSUED_SINK, Topics.ISSUED, null, DECIDER);
        addSink(topology, REJECTED_SINK, Topics.REJECTED, null, DECIDER, SPREAD_GATE);
        addSink(topology, REJECTION_BATCHES_SINK, Topics.REJECTION_BATCHES, null, DECIDER);
        addSink(topology, EVENTS_SINK, Topics.EVENTS, null, DECIDER);
        addSink(topology, NOTICES_SINK, signedCommands, new EveryPartition<>(), DECIDER);
        addSink(topology, REROUTE_SINK, signedCommands, null, DECIDER);
        addSink(topology, OUTCOMES_SINK, signedCommands, null, DECIDER);
        addSink(topology, CLAIMS_SINK, signedCommands, null, SPREAD_GATE);
        return topology;
    }

    /** @param partitioner null: the producer's default partitioner over the key's bytes, as the gateway's */
    private static <V> void addSink(Topology topology, String name, Topic<V> topic,
                                    StreamPartitioner<String, V> partitioner, String... parents) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
                partitioner, parents);
    }

    /** Sends each record to every partition of its topic (KIP-837), in the task's transaction. */
    private static final class EveryPartition<K, V> implements StreamPartitioner<K, V> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet()));
        }
    }
}
