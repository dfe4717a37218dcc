package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.SpreadMetrics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.Rejection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decider keeps definitions and counts in memory in front of its stores. After an aborted
 * transaction Kafka Streams restores the stores to the last commit and calls init() again before it
 * replays the input; the replay must then decide from the restored stores, as the first attempt did,
 * and not from what the aborted attempt left in memory.
 */
class CouponDeciderReinitTest {
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");

    @TempDir
    Path stateDir;
    private int attempts;

    @Test
    void aReinitializedDeciderDecidesFromTheRestoredStoresNotFromMemory() {
        CouponDecider decider = newDecider(1_000);

        MockProcessorContext<String, Object> attempt = contextWithStores();
        decider.init(attempt);
        decider.process(record(new EventDefinition("e", 1, null, null)));
        decider.process(record(new ApplyRequest("r1", "e", "u1", AT))); // the one coupon: count 1 in memory

        // Aborted. The restored stores hold the committed definition only (cap 1, nothing issued yet).
        MockProcessorContext<String, Object> replay = contextWithStores();
        KeyValueStore<String, EventDefinition> definitions = replay.getStateStore(IssuerStores.EVENT_DEFINITIONS);
        definitions.put("e", new EventDefinition("e", 1, null, null));
        decider.init(replay);
        decider.process(record(new ApplyRequest("r1", "e", "u1", AT)));

        List<Object> decided = replay.forwarded().stream().map(f -> (Object) f.record().value()).toList();
        assertThat(decided).first().isInstanceOfSatisfying(CouponIssued.class,
                coupon -> assertThat(coupon.seq()).isEqualTo(1));
        assertThat(decided).noneMatch(Rejection.class::isInstance);
        assertThat(decided).as("the coupon, and the definition again: sold out").hasSize(2)
                .last().isInstanceOf(EventDefinition.class);
    }

    @Test
    void aRedefinitionIsSeenAtOnceThroughTheMemory() {
        CouponDecider decider = newDecider(1_000);
        MockProcessorContext<String, Object> context = contextWithStores();
        decider.init(context);
        decider.process(record(new EventDefinition("e", 1, null, null)));
        decider.process(record(new ApplyRequest("r1", "e", "u1", AT)));
        decider.process(record(new ApplyRequest("r2", "e", "u2", AT))); // sold out at cap 1
        decider.process(record(new EventDefinition("e", 2, null, null)));
        decider.process(record(new ApplyRequest("r3", "e", "u3", AT))); // the raised cap applies

        List<Object> decided = context.forwarded().stream().map(f -> (Object) f.record().value())
                .filter(v -> !(v instanceof EventDefinition)).toList();
        assertThat(decided).hasSize(3);
        assertThat(decided.get(1)).isInstanceOf(Rejection.class);
        assertThat(decided.get(2)).isInstanceOfSatisfying(CouponIssued.class,
                coupon -> assertThat(coupon.seq()).isEqualTo(2));
    }

    @Test
    void evictingEventsFromMemoryChangesNoDecision() {
        List<IssuerCommand> commands = new ArrayList<>();
        Random random = new Random(5);
        for (int e = 0; e < 6; e++) {
            commands.add(new EventDefinition("e" + e, 1 + e, null, null));
        }
        for (int i = 0; i < 400; i++) {
            String event = "e" + random.nextInt(6);
            commands.add(i % 50 == 49
                    ? new EventDefinition(event, 1 + random.nextInt(8), null, null) // cap moves up and down
                    : new ApplyRequest("r" + i, event, "u" + random.nextInt(40), AT));
        }
        List<Object> fewInMemory = decide(commands, 1);
        assertThat(fewInMemory).isEqualTo(decide(commands, 1_000));
        assertThat(fewInMemory).filteredOn(output -> !(output instanceof EventDefinition)).as("one decision each")
                .hasSize(400 - 400 / 50);
    }

    private List<Object> decide(List<IssuerCommand> commands, int recentEvents) {
        return decide(commands, newDecider(recentEvents));
    }

    private List<Object> decide(List<IssuerCommand> commands, CouponDecider decider) {
        MockProcessorContext<String, Object> context = contextWithStores();
        decider.init(context);
        commands.forEach(command -> decider.process(record(command)));
        return context.forwarded().stream().map(f -> (Object) f.record().value()).toList();
    }

    @Test
    void keepingHoldersInMemoryChangesNoDecision() {
        List<IssuerCommand> commands = new ArrayList<>();
        Random random = new Random(11);
        for (int e = 0; e < 6; e++) {
            commands.add(new EventDefinition("e" + e, 1 + e, null, null));
        }
        for (int i = 0; i < 1_500; i++) {
            String event = "e" + random.nextInt(6);
            commands.add(i % 100 == 99
                    ? new EventDefinition(event, 1 + random.nextInt(12), null, null) // restocks, and caps that shrink
                    : new ApplyRequest("r" + i, event, "u" + random.nextInt(30), AT));
        }
        List<Object> fromTheStore = decide(commands, newDecider(1_000, new CouponHolders(1, 0)));
        assertThat(fromTheStore).filteredOn(Rejection.class::isInstance)
                .extracting(r -> ((Rejection) r).reason().name()).contains("DUPLICATE", "SOLD_OUT");
        assertThat(decide(commands, newDecider(1_000, new CouponHolders())))
                .as("every event's holders kept").isEqualTo(fromTheStore);
        assertThat(decide(commands, newDecider(1_000, new CouponHolders(2, 1_000))))
                .as("two events kept: dropped and scanned again").isEqualTo(fromTheStore);
        assertThat(decide(commands, newDecider(1_000, new CouponHolders(32, 4))))
                .as("events that grow past four coupons go back to the store").isEqualTo(fromTheStore);
    }

    @Test
    void aReinitializedDeciderForgetsTheHoldersOfAnAbortedAttempt() {
        CouponDecider decider = newDecider(1_000, new CouponHolders());
        MockProcessorContext<String, Object> attempt = contextWithStores();
        decider.init(attempt);
        decider.process(record(new EventDefinition("e", 2, null, null)));
        decider.process(record(new ApplyRequest("r1", "e", "u1", AT))); // coupon 1: committed
        decider.process(record(new ApplyRequest("r2", "e", "u1", AT))); // DUPLICATE, from the holders in memory
        decider.process(record(new ApplyRequest("r3", "e", "u2", AT))); // coupon 2: aborted
        CouponIssued first = attempt.forwarded().stream().map(f -> f.record().value())
                .filter(CouponIssued.class::isInstance).map(CouponIssued.class::cast).findFirst().orElseThrow();
        assertThat(attempt.forwarded()).extracting(f -> f.record().value()).filteredOn(Rejection.class::isInstance)
                .singleElement().satisfies(r -> assertThat(((Rejection) r).reason().name()).isEqualTo("DUPLICATE"));

        // Restored to the last commit: the definition, one coupon issued, u1's.
        MockProcessorContext<String, Object> replay = contextWithStores();
        replay.<KeyValueStore<String, EventDefinition>>getStateStore(IssuerStores.EVENT_DEFINITIONS)
                .put("e", new EventDefinition("e", 2, null, null));
        replay.<KeyValueStore<String, Long>>getStateStore(IssuerStores.ISSUED_COUNTS).put("e", 1L);
        replay.<KeyValueStore<String, io.couponissuer.message.StandingDecision>>getStateStore(IssuerStores.DECISIONS)
                .put("e/u1", io.couponissuer.message.StandingDecision.issued(first));
        decider.init(replay);
        decider.process(record(new ApplyRequest("r3", "e", "u2", AT)));

        assertThat(replay.forwarded()).extracting(f -> f.record().value()).as("coupon 2, then sold out").hasSize(2)
                .first().isInstanceOfSatisfying(CouponIssued.class, coupon -> {
                    assertThat(coupon.userId()).isEqualTo("u2");
                    assertThat(coupon.seq()).isEqualTo(2);
                });
    }

    private static CouponDecider newDecider(int recentEvents) {
        return newDecider(recentEvents, new CouponHolders());
    }

    private static CouponDecider newDecider(int recentEvents, CouponHolders holders) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        return new CouponDecider(new DecisionOutput(new RejectionCounter(registry), new DecisionFeed()),
                new SpreadMetrics(registry, RejectionCounter.UNDEFINED_EVENT), recentEvents, holders);
    }

    private static Record<String, IssuerCommand> record(IssuerCommand command) {
        return new Record<>(command.eventId(), command, AT.toEpochMilli());
    }

    /** Fresh RocksDB stores, as after a restore: each attempt gets its own directory. */
    private MockProcessorContext<String, Object> contextWithStores() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "decider-reinit");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // as the issuer's own config
        MockProcessorContext<String, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
                stateDir.resolve("attempt-" + ++attempts).toFile());
        for (StoreBuilder<?> builder : List.of(IssuerStores.eventDefinitions(), IssuerStores.issuedCounts(),
                IssuerStores.decisions())) {
            StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return context;
    }
}
