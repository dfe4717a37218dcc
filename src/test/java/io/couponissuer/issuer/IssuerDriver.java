package io.couponissuer.issuer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RejectionBatchSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.StandingDecision;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.Rejection;
import io.couponissuer.kafka.RecordAuthenticator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The real topology and the real issuer configuration on a TopologyTestDriver, with helpers to drive it. */
final class IssuerDriver implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    final TopologyTestDriver driver;
    private final TestInputTopic<String, IssuerCommand> commands;
    private final TestInputTopic<byte[], byte[]> raw;
    private final TestOutputTopic<byte[], byte[]> writtenBack;
    private final TestOutputTopic<String, CouponIssued> issued;
    /** As bytes: a record holds one rejection, or an ApplyBatch's (read by its header). */
    private final TestOutputTopic<String, byte[]> rejected;
    private final TestOutputTopic<String, EventDefinition> events;
    private final TestOutputTopic<byte[], byte[]> failed;
    private long clockMillis;
    private int requestCounter;

    /** Where answers to awaited applications go as the decider makes them. */
    final DecisionFeed feed = new DecisionFeed();
    /** The keys gateways and issuers share; what {@link #pipe} sends is signed with them, as a gateway's is. */
    static final RecordAuthenticator RECORDS = RecordAuthenticator.parse(io.couponissuer.testing.CouponCluster.RECORD_KEYS);
    /** Where the topology's counters go. */
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    IssuerDriver(Path stateDir) {
        this(stateDir, CouponHolders::new);
    }

    /** @param holders each decider's CouponHolders, for a test that makes a decision fail on purpose */
    IssuerDriver(Path stateDir, Supplier<CouponHolders> holders) {
        Settings settings = Settings.from(Map.of(Setting.COUPON_STATE_DIR.name(), stateDir.toString()));
        driver = new TopologyTestDriver(CouponTopology.build(registry, feed, RECORDS, holders), IssuerStreamsConfig.from(settings));
        commands = driver.createInputTopic(Topics.APPLY_REQUESTS.name(), new StringSerializer(),
                new IssuerCommandSerde(RECORDS));
        raw = driver.createInputTopic(Topics.APPLY_REQUESTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        issued = driver.createOutputTopic(Topics.ISSUED.name(), new StringDeserializer(),
                Topics.ISSUED.valueSerde().deserializer());
        rejected = driver.createOutputTopic(Topics.REJECTED.name(), new StringDeserializer(),
                new ByteArrayDeserializer());
        events = driver.createOutputTopic(Topics.EVENTS.name(), new StringDeserializer(),
                Topics.EVENTS.valueSerde().deserializer());
        failed = driver.createOutputTopic(Topics.FAILED.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        writtenBack = driver.createOutputTopic(Topics.APPLY_REQUESTS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The instant the next record carries: every record is one millisecond after the previous one. */
    Instant now() {
        return T0.plusMillis(clockMillis);
    }

    void define(String eventId, Integer cap) {
        define(new EventDefinition(eventId, cap, null, null));
    }

    void define(EventDefinition definition) {
        pipe(definition.eventId(), definition);
    }

    /** Applies and returns the requestId. */
    String apply(String eventId, String userId) {
        String requestId = "r-" + (++requestCounter);
        pipe(eventId, new ApplyRequest(requestId, eventId, userId, now()));
        return requestId;
    }

    /** Applies keyed as a gateway keys an application of a spread event (eventId/userId), and returns the requestId. */
    String applySpread(String eventId, String userId) {
        String requestId = "r-" + (++requestCounter);
        ApplyRequest request = new ApplyRequest(requestId, eventId, userId, now());
        pipe(request.eventUserKey(), request);
        return requestId;
    }

    /** Applies as a client that waits for the answer ({@code ?waitMs}: header coupon.awaited) and returns the requestId. */
    String applyAwaited(String eventId, String userId) {
        String requestId = "r-" + (++requestCounter);
        RecordHeaders headers = new RecordHeaders();
        headers.add(IssuerCommandSerde.AWAITED_HEADER, new byte[] {1});
        pipe(eventId, new ApplyRequest(requestId, eventId, userId, now()), headers);
        return requestId;
    }

    void pipe(String key, IssuerCommand command) {
        pipe(key, command, new RecordHeaders());
    }

    void pipe(String key, IssuerCommand command, RecordHeaders headers) {
        Instant at = now();
        clockMillis++;
        commands.pipeInput(new TestRecord<>(key, command, headers, at));
    }

    void pipeRaw(byte[] key, byte[] value, RecordHeaders headers) {
        Instant at = now();
        clockMillis++;
        raw.pipeInput(new TestRecord<>(key, value, headers, at));
    }

    List<CouponIssued> issued() {
        return issued.readValuesToList();
    }

    /** Every rejection written since the last call, in order, a batch's one by one. */
    List<Rejection> rejected() {
        return rejectedRecords().stream().flatMap(List::stream).toList();
    }

    /** The records written to coupon.rejected since the last call, each as the rejections it holds. */
    List<List<Rejection>> rejectedRecords() {
        return rejected.readRecordsToList().stream().map(record -> RejectionBatchSerde.isBatch(record.headers())
                ? Topics.REJECTION_BATCHES.read(record.headers(), record.value()).rejections()
                : List.of(Topics.REJECTED.read(record.headers(), record.value()))).toList();
    }

    List<EventDefinition> events() {
        return events.readValuesToList();
    }

    /** The count a record of coupon.events carries (Topics.ISSUED_COUNT_HEADER). */
    static long issuedCount(TestRecord<String, EventDefinition> record) {
        return Long.parseLong(new String(record.headers().lastHeader(Topics.ISSUED_COUNT_HEADER).value(),
                java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** The definitions written to coupon.events since the last call, with their headers. */
    List<TestRecord<String, EventDefinition>> eventRecords() {
        return events.readRecordsToList();
    }

    /** The coupon.type of every record the topology wrote back to coupon.apply-requests since the last call. */
    List<String> writtenBackTypes() {
        return writtenBack.readRecordsToList().stream().map(record -> IssuerCommandSerde.typeOf(record.headers())).toList();
    }

    List<TestRecord<byte[], byte[]>> failed() {
        return failed.readRecordsToList();
    }

    KeyValueStore<String, StandingDecision> decisions() {
        return driver.getKeyValueStore(IssuerStores.DECISIONS);
    }

    KeyValueStore<String, io.couponissuer.issuer.spread.ClaimWindow> spreadGates() {
        return driver.getKeyValueStore(io.couponissuer.issuer.spread.SpreadStores.SPREAD_GATES);
    }

    KeyValueStore<String, io.couponissuer.issuer.spread.Claimant> spreadClaimants() {
        return driver.getKeyValueStore(io.couponissuer.issuer.spread.SpreadStores.SPREAD_CLAIMANTS);
    }

    KeyValueStore<String, Long> issuedCounts() {
        return driver.getKeyValueStore(IssuerStores.ISSUED_COUNTS);
    }

    @Override
    public void close() {
        driver.close();
        feed.close();
    }
}
