package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.json.Json;
import io.couponissuer.kafka.Topics;
import io.couponissuer.testing.EveryCheckReady;
import io.couponissuer.testing.InProcessSystem;
import io.couponissuer.testing.KafkaBrokerExtension;
import io.couponissuer.testing.TestDatabase;
import io.couponissuer.testing.TestHttp;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #21, bounded under any input: 100,000 applications to random eventIds from random users,
 * anonymous, against the whole system on a real broker. Each is answered 404 unknown_event without
 * a record sent, and afterwards the /metrics series and the heap after a GC are back within a stated
 * margin of where they were before the flood.
 */
class UndefinedEventFloodIT {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(3);
    @RegisterExtension
    static final TestDatabase database = TestDatabase.perClass();
    static final String TOKEN = "flood-token";
    static final int FLOOD = 100_000;
    /** Series of the system's own that appear late (a first scrape, a new status): a few; one per made-up event would be 100,000. */
    static final int SERIES_MARGIN = 100;
    static final long HEAP_MARGIN_BYTES = 48L << 20;
    static InProcessSystem system;
    /** The first made-up events of the floods, looked for in the series afterwards. */
    static final java.util.Set<String> FLOOD_EVENTS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        system = InProcessSystem.start(KAFKA.settings()
                .with(Setting.COUPON_JDBC_URL, database.jdbcUrl())
                .with(Setting.COUPON_ADMIN_TOKEN, TOKEN));
        EveryCheckReady.await(system.gatewayUrl() + "/health/ready", TOKEN, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void madeUpEventsAre404AndLeaveNoSeriesOrHeapBehind() throws Exception {
        assertThat(TestHttp.post(system.gatewayUrl() + "/api/events", "{\"eventId\":\"real\",\"cap\":5}", TOKEN)
                .statusCode()).isEqualTo(201);
        // Right after its creation the event is known to the gateway (invariant 6); the coupon it gets
        // starts the writer's fetches, whose client series appear then, before the baseline.
        assertThat(apply("real", "u-1", 5_000).get().statusCode()).isEqualTo(200);
        flood(5_000); // warm: every series the flood touches exists, pools and JIT settle
        series(); // a scrape's own request timer, too
        heapAfterGc(); // and the series of a System.gc() pause
        java.util.Set<String> seriesBefore = series();
        long heapBefore = heapAfterGc();
        long sentBefore = applyRequestsEnd();

        Map<Integer, LongAdder> statuses = flood(FLOOD);

        assertThat(applyRequestsEnd()).as("nothing sent for a made-up event").isEqualTo(sentBefore);
        java.util.Set<String> seriesAfter = series();
        long heapAfter = heapAfterGc();
        System.out.printf("flood of %,d: statuses %s; series %d -> %d; heap after GC %,d -> %,d bytes%n",
                FLOOD, statuses, seriesBefore.size(), seriesAfter.size(), heapBefore, heapAfter);
        assertThat(statuses).containsOnlyKeys(404);
        assertThat(statuses.get(404).sum()).isEqualTo(FLOOD);
        assertThat(seriesAfter).as("no series names a made-up event")
                .noneMatch(line -> FLOOD_EVENTS.stream().anyMatch(line::contains));
        // Kafka's client metrics and the JVM's come and go with the clients' fetches and the binders'
        // refreshes (per client, topic and partition: bounded by the topology, not by input).
        java.util.Set<String> added = new java.util.TreeSet<>(seriesAfter);
        added.removeAll(seriesBefore);
        added.removeIf(line -> line.startsWith("kafka_") || line.startsWith("jvm_"));
        assertThat(seriesAfter.stream().filter(line -> line.contains("event=\"")).sorted().toList())
                .as("series per event").isEqualTo(seriesBefore.stream().filter(line -> line.contains("event=\"")).sorted().toList());
        assertThat(added.size()).as("series added by the flood: %s", added.stream().limit(30).toList())
                .isLessThanOrEqualTo(SERIES_MARGIN);
        assertThat(heapAfter).isLessThan(heapBefore + HEAP_MARGIN_BYTES);
        // The defined event is still decided.
        assertThat(apply("real", "u-2").get().statusCode()).isEqualTo(202);
    }

    private static Map<Integer, LongAdder> flood(int requests) throws Exception {
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        java.util.Queue<String> wrongBodies = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Semaphore inFlight = new Semaphore(64);
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            String eventId = UUID.randomUUID().toString();
            if (FLOOD_EVENTS.size() < 1_000) {
                FLOOD_EVENTS.add(eventId);
            }
            apply(eventId, "u-" + UUID.randomUUID()).whenComplete((response, error) -> {
                try {
                    statuses.computeIfAbsent(error == null ? response.statusCode() : -1, s -> new LongAdder()).increment();
                    if (error == null && !isUnknownEvent(response.body(), eventId)) {
                        wrongBodies.add(response.statusCode() + " " + response.body());
                    }
                } finally {
                    inFlight.release();
                }
            });
        }
        inFlight.acquire(64);
        assertThat(wrongBodies.size()).as("answers that are not unknown_event; the first: %s", wrongBodies.peek()).isZero();
        return statuses;
    }

    private static boolean isUnknownEvent(String body, String eventId) {
        try {
            var error = Json.MAPPER.readTree(body);
            return error.path("error").asText().equals("unknown_event") && error.path("message").asText().contains(eventId);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static CompletableFuture<HttpResponse<String>> apply(String eventId, String userId) {
        return apply(eventId, userId, 0);
    }

    private static CompletableFuture<HttpResponse<String>> apply(String eventId, String userId, int waitMs) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/api/events/" + eventId
                        + "/applications?waitMs=" + waitMs)).timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + userId + "\"}")).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static long applyRequestsEnd() throws Exception {
        try (var admin = KAFKA.admin()) {
            var partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(Topics.APPLY_REQUESTS.name(), p))
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        }
    }

    /** The series of /metrics: each sample line's name and labels. */
    private static java.util.Set<String> series() throws Exception {
        HttpResponse<String> metrics = TestHttp.send(HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/metrics"))
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.substring(0, line.lastIndexOf(' '))).collect(Collectors.toSet());
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
