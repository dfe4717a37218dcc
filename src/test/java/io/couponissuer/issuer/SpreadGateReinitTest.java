package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.ClaimWindow;
import io.couponissuer.issuer.spread.SpreadGate;
import io.couponissuer.issuer.spread.SpreadMetrics;
import io.couponissuer.issuer.spread.SpreadStores;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.WindowOpened;
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
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate keeps each event's claim window in memory in front of its store. After an aborted transaction
 * Kafka Streams restores the stores to the last commit and calls init() again before replaying: the
 * gate must then decide from the restored stores, not from what the aborted attempt counted.
 */
class SpreadGateReinitTest {
    private static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    Path stateDir;
    private int attempts;

    @Test
    void aReinitializedGateCountsFromTheRestoredStoreNotFromMemory() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SpreadGate gate = new SpreadGate(new DecisionOutput(new RejectionCounter(registry), new DecisionFeed()),
                new SpreadMetrics(registry, RejectionCounter.UNDEFINED_EVENT), CouponTopology.CLAIMS_SINK,
                new LruMap<>(1_000));
        WindowOpened window = new WindowOpened("e", 1, 1, 1, null, null);

        MockProcessorContext<String, Object> attempt = contextWithStores();
        gate.init(attempt);
        gate.process(record(window));
        gate.process(record(new ApplyRequest("r1", "e", "u1", AT))); // the window's one counted claim, in memory

        // Aborted: the restored store holds the committed window only, nothing counted yet.
        MockProcessorContext<String, Object> replay = contextWithStores();
        KeyValueStore<String, ClaimWindow> windows = replay.getStateStore(SpreadStores.SPREAD_GATES);
        windows.put("e", ClaimWindow.UNKNOWN.opened(window));
        gate.init(replay);
        gate.process(record(new ApplyRequest("r1", "e", "u1", AT)));

        List<Object> sent = replay.forwarded().stream().map(f -> (Object) f.record().value()).toList();
        assertThat(sent).as("the replayed application is the window's claim again, not a local SOLD_OUT")
                .singleElement().isInstanceOfSatisfying(Claim.class, claim -> assertThat(claim.counted()).isTrue());

        gate.process(record(new ApplyRequest("r2", "e", "u2", AT)));
        assertThat(replay.forwarded().stream().map(f -> f.record().value()).filter(Rejection.class::isInstance)
                .map(r -> ((Rejection) r).reason()).toList()).containsExactly(RejectReason.SOLD_OUT);
    }

    private static Record<String, IssuerCommand> record(IssuerCommand command) {
        return new Record<>(command.eventId(), command, AT.toEpochMilli());
    }

    /** Fresh RocksDB stores, as after a restore: each attempt gets its own directory. */
    private MockProcessorContext<String, Object> contextWithStores() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "gate-reinit");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        MockProcessorContext<String, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0),
                stateDir.resolve("attempt-" + ++attempts).toFile());
        for (StoreBuilder<?> builder : List.of(SpreadStores.windows(), SpreadStores.claimants())) {
            StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        return context;
    }
}
