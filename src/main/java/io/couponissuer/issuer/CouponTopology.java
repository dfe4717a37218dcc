package io.couponissuer.issuer;

import io.couponissuer.kafka.Topic;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.EventDefinition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The issuer topology, wired in one place. Every node and store is named, so
 * {@code Topology#describe()} and the changelog topic names stay stable; {@code topology/} holds
 * the committed description that a test compares with this.
 *
 * <pre>
 * coupon.apply-requests -> apply-requests-source -> command-parser -> coupon-decider -+-> issued-sink   -> coupon.issued
 *                       (bytes)        (ApplyRequest | EventDefinition)      |           +-> rejected-sink -> coupon.rejected
 *                                             stores: event-definitions,     |           +-> events-sink   -> coupon.events
 *                                             issued-counts, decisions
 * </pre>
 * Unreadable or invalid records go to coupon.failed through the processing exception handler.
 */
public final class CouponTopology {
    public static final String SOURCE = "apply-requests-source";
    public static final String PARSER = "command-parser";
    public static final String DECIDER = "coupon-decider";
    public static final String ISSUED_SINK = "issued-sink";
    public static final String REJECTED_SINK = "rejected-sink";
    public static final String EVENTS_SINK = "events-sink";

    private CouponTopology() {
    }

    /** The topology without metrics (its description, test drivers). */
    public static Topology build() {
        return build(new RejectionCounter(new SimpleMeterRegistry()), new DecisionFeed());
    }

    /** @param feed where answers to awaited applications go as they are decided (see DecisionFeed) */
    public static Topology build(RejectionCounter rejections, DecisionFeed feed) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.APPLY_REQUESTS.name());
        topology.addProcessor(PARSER, CommandParser::new, SOURCE);
        topology.addProcessor(DECIDER, () -> new CouponDecider(rejections, feed), PARSER);
        topology.addStateStore(IssuerStores.eventDefinitions(), DECIDER);
        topology.addStateStore(IssuerStores.issuedCounts(), DECIDER);
        topology.addStateStore(IssuerStores.decisions(), DECIDER);
        addSink(topology, ISSUED_SINK, Topics.ISSUED);
        addSink(topology, REJECTED_SINK, Topics.REJECTED);
        addSink(topology, EVENTS_SINK, Topics.EVENTS);
        return topology;
    }

    private static void addSink(Topology topology, String name, Topic<?> topic) {
        topology.addSink(name, topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), DECIDER);
    }
}
