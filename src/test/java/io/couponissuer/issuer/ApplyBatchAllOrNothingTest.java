package io.couponissuer.issuer;

import io.couponissuer.issuer.spread.SpreadMetrics;
import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.Decision;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * An ApplyBatch is decided whole or not at all (invariants 1-3): an exception in the middle of one
 * leaves nothing of it issued, rejected, stored or told to a waiting client, and the batch record goes
 * whole to coupon.failed, as any record that cannot be decided.
 */
class ApplyBatchAllOrNothingTest {
    /** The applicant whose holder lookup fails: a decisions-store read that throws. */
    private static final String UNREADABLE = "u-unreadable";

    @TempDir
    Path stateDir;
    IssuerDriver issuer;

    @AfterEach
    void stop() {
        if (issuer != null) {
            issuer.close();
        }
    }

    @Test
    void anExceptionInTheMiddleOfABatchLeavesNothingOfItAndTheNextRecordIsDecidedNormally() throws Exception {
        issuer = new IssuerDriver(stateDir, UnreadableHolders::new);
        issuer.define("sale", 3);
        issuer.apply("sale", "u0"); // coupon 1
        issuer.issued();
        Map<String, StandingDecision> decisionsBefore = all(issuer.decisions());
        double rejectionsBefore = rejectionsCounted();

        // u1 and u2 would get coupons 2 and 3, u0 a DUPLICATE, before u-unreadable's lookup throws.
        ApplyBatch batch = batch("sale", "bad", "u1", "u0", "u2", UNREADABLE, "u3");
        List<CompletableFuture<Decision>> waiters = batch.applications().stream()
                .map(application -> issuer.feed.await(application.requestId())).toList();
        RecordHeaders awaited = awaited();
        issuer.pipe("sale", batch, awaited);

        assertThat(issuer.issued()).as("nothing of the batch issued").isEmpty();
        assertThat(issuer.rejectedRecords()).as("nothing of the batch rejected").isEmpty();
        assertThat(issuer.issuedCounts().get("sale")).as("the count as before the batch").isEqualTo(1L);
        assertThat(all(issuer.decisions())).as("the decisions as before the batch").isEqualTo(decisionsBefore);
        assertThat(rejectionsCounted()).as("no rejection counted").isEqualTo(rejectionsBefore);

        List<TestRecord<byte[], byte[]>> failed = issuer.failed();
        assertThat(failed).as("the batch record, whole, on coupon.failed").singleElement().satisfies(record -> {
            assertThat(Topics.APPLY_REQUESTS.read(record.headers(), record.value())).isEqualTo(batch);
            assertThat(FailedRecords.header(record.headers(), FailedRecords.MESSAGE)).contains("decisions store unreadable");
            assertThat(FailedRecords.header(record.headers(), FailedRecords.STAGE)).isEqualTo(FailedRecords.STAGE_ISSUER);
        });

        // The next record: decided from the state before the batch (coupons 2 and 3, then sold out).
        ApplyBatch next = batch("sale", "next", "u1", "u0", "u2", "u3");
        CompletableFuture<Decision> lastAnswer = issuer.feed.await(next.applications().get(3).requestId());
        issuer.pipe("sale", next, awaited());

        assertThat(issuer.issued()).extracting(CouponIssued::userId, CouponIssued::seq)
                .containsExactly(tuple("u1", 2L), tuple("u2", 3L));
        assertThat(issuer.rejected()).extracting(Rejection::userId, Rejection::reason)
                .containsExactly(tuple("u0", RejectReason.DUPLICATE), tuple("u3", RejectReason.SOLD_OUT));
        assertThat(issuer.issuedCounts().get("sale")).isEqualTo(3L);

        // Waiters are completed in the order they were told, on one thread: once the next batch's last
        // answer arrived, anything told about the failed batch would have arrived before it.
        assertThat(lastAnswer.get(5, TimeUnit.SECONDS)).isInstanceOf(Rejection.class);
        assertThat(waiters).as("no waiting client told anything of the failed batch").noneMatch(CompletableFuture::isDone);
    }

    @Test
    void aBatchThatFailsAtItsFirstApplicationLeavesNothingEither() {
        issuer = new IssuerDriver(stateDir, UnreadableHolders::new);
        issuer.define("sale", 2);
        issuer.pipe("sale", batch("sale", "bad", UNREADABLE, "u1"));

        assertThat(issuer.failed()).hasSize(1);
        assertThat(issuer.issued()).isEmpty();
        assertThat(issuer.rejectedRecords()).isEmpty();
        assertThat(issuer.issuedCounts().get("sale")).isNull();
    }

    /** Staging changes no decision: batches decide as the same applications one record each. */
    @Test
    void aBatchThatSucceedsDecidesExactlyAsTheSameApplicationsOneByOne() {
        Random random = new Random(21);
        List<IssuerCommand> commands = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            String event = "e" + random.nextInt(3);
            if (round % 7 == 6) {
                commands.add(new EventDefinition(event, 1 + random.nextInt(10), null, null)); // restock or shrink
                continue;
            }
            List<ApplyRequest> applications = new ArrayList<>();
            for (int i = random.nextInt(12); i >= 0; i--) {
                applications.add(new ApplyRequest("r" + round + "-" + i, event, "u" + random.nextInt(15), Instant.EPOCH));
            }
            commands.add(new ApplyBatch(event, applications));
        }
        for (Supplier<CouponHolders> holders : List.<Supplier<CouponHolders>>of(CouponHolders::new,
                () -> new CouponHolders(1, 0), () -> new CouponHolders(2, 1_000), () -> new CouponHolders(32, 3))) {
            List<String> oneByOne = answers(commands, holders, false);
            assertThat(oneByOne).anyMatch(a -> a.contains("DUPLICATE")).anyMatch(a -> a.contains("SOLD_OUT"));
            assertThat(answers(commands, holders, true)).isEqualTo(oneByOne);
        }
    }

    /** Every answer, coupons then rejections, each in the order it left, and the counts at the end. */
    private List<String> answers(List<IssuerCommand> commands, Supplier<CouponHolders> holders, boolean batched) {
        try (IssuerDriver driver = new IssuerDriver(stateDir.resolve(batched + "-" + System.nanoTime()), holders)) {
            for (int e = 0; e < 3; e++) {
                driver.define("e" + e, 4);
            }
            for (IssuerCommand command : commands) {
                if (command instanceof ApplyBatch batch && !batched) {
                    batch.applications().forEach(application -> driver.pipe(application.eventId(), application));
                } else {
                    driver.pipe(command.eventId(), command);
                }
            }
            List<String> answers = new ArrayList<>();
            driver.issued().forEach(c -> answers.add(c.requestId() + " ISSUED " + c.userId() + " #" + c.seq()));
            driver.rejected().forEach(r -> answers.add(r.requestId() + " " + r.reason() + " " + r.userId()
                    + (r.firstDecision() == null ? "" : " #" + r.firstDecision().seq())));
            answers.add("counts " + all(driver.issuedCounts()));
            return answers;
        }
    }

    /**
     * Once every application is decided, the batch is written: if that fails halfway (a store or a
     * send that throws), what was written cannot be taken back inside the open transaction, so the
     * failure must abort it (and the task replays from the last commit) rather than go to the
     * dead-letter handler, which would commit the half that was written.
     */
    @Test
    void aFailureWhileTheDecidedBatchIsWrittenAbortsTheTransactionInsteadOfBeingDeadLettered() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DecisionFeed feed = new DecisionFeed();
        CouponDecider decider = new CouponDecider(new DecisionOutput(new RejectionCounter(registry), feed),
                new SpreadMetrics(registry, RejectionCounter.UNDEFINED_EVENT), new CouponHolders());
        FailingForwards context = new FailingForwards(stateDir, 2);
        decider.init(context);
        decider.process(new Record<>("sale", new EventDefinition("sale", 5, null, null), 0L));
        ApplyBatch batch = batch("sale", "b", "u1", "u2", "u1");
        List<CompletableFuture<Decision>> waiters = batch.applications().stream()
                .map(application -> feed.await(application.requestId())).toList();

        assertThatThrownBy(() -> decider.process(new Record<>("sale", (IssuerCommand) batch, 1L, awaited())))
                .isInstanceOf(TaskCorruptedException.class);
        assertThat(waiters).as("no waiting client told anything").noneMatch(CompletableFuture::isDone);
        feed.close();
    }

    private ApplyBatch batch(String eventId, String tag, String... users) {
        List<ApplyRequest> applications = new ArrayList<>();
        for (int i = 0; i < users.length; i++) {
            applications.add(new ApplyRequest(eventId + "-" + tag + i + "-" + users[i], eventId, users[i],
                    issuer == null ? Instant.EPOCH : issuer.now()));
        }
        return new ApplyBatch(eventId, applications);
    }

    private static RecordHeaders awaited() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(IssuerCommandSerde.AWAITED_HEADER, new byte[] {1});
        return headers;
    }

    private double rejectionsCounted() {
        return issuer.registry.find("coupon.issuer.rejections").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static <V> Map<String, V> all(KeyValueStore<String, V> store) {
        Map<String, V> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, V> entries = store.all()) {
            entries.forEachRemaining((KeyValue<String, V> entry) -> all.put(entry.key, entry.value));
        }
        return all;
    }

    /** Holders whose store read fails for one applicant, as a decisions store that cannot be read would. */
    private static final class UnreadableHolders extends CouponHolders {
        @Override
        StandingDecision coupon(KeyValueStore<String, StandingDecision> store, String eventId, String userId, long issued) {
            if (userId.equals(UNREADABLE)) {
                throw new IllegalStateException("decisions store unreadable for " + eventId + "/" + userId);
            }
            return super.coupon(store, eventId, userId, issued);
        }
    }

    /** Real stores; the Nth record forwarded to coupon.issued fails, as a send that throws would. */
    private static final class FailingForwards extends MockProcessorContext<String, Object> {
        private final int failingIssued;
        private int issued;

        FailingForwards(Path stateDir, int failingIssued) {
            super(config(), new TaskId(0, 0), stateDir.toFile());
            this.failingIssued = failingIssued;
            for (StoreBuilder<?> builder : List.of(IssuerStores.eventDefinitions(), IssuerStores.issuedCounts(),
                    IssuerStores.decisions())) {
                StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
                store.init(getStateStoreContext(), store);
                addStateStore(store);
            }
        }

        @Override
        public <K extends String, V> void forward(Record<K, V> record, String childName) {
            if (CouponTopology.ISSUED_SINK.equals(childName) && ++issued == failingIssued) {
                throw new IllegalStateException("send failed");
            }
            super.forward(record, childName);
        }

        private static Properties config() {
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "batch-all-or-nothing");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            return config;
        }
    }
}
