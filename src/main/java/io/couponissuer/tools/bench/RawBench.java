package io.couponissuer.tools.bench;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.message.ApplyRequest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The ceiling for one hot event: how fast this broker takes N apply-sized records on one partition
 * (acks=all, idempotent, the direct mode's producer) and hands them to a read_committed consumer. With
 * the Streams hop ({@code passthrough}), an exactly_once_v2 Kafka Streams application copies every
 * record to a second one-partition topic and the consumer reads that one. The topics are created for
 * the run and deleted after it. Records are keyed by their index, so the check is that every index
 * arrives exactly once.
 */
final class RawBench {
    private final Settings settings;
    private final int concurrency;
    private final Duration timeout;
    private final boolean streamsHop;
    /** Applications per record: more than 1 measures what batching several into one record would leave of a hop's cost. */
    private final int batch;

    RawBench(Settings settings, int concurrency, Duration timeout, boolean streamsHop) {
        this(settings, concurrency, timeout, streamsHop, 1);
    }

    RawBench(Settings settings, int concurrency, Duration timeout, boolean streamsHop, int batch) {
        this.batch = batch;
        this.settings = settings;
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.streamsHop = streamsHop;
    }

    BenchReport run(RunPlan plan) throws Exception {
        String topic = "bench.raw-" + plan.runId();
        List<String> topics = streamsHop ? List.of(topic, topic + "-copy") : List.of(topic);
        try (Admin admin = Admin.create(ClientConfigs.admin(settings))) {
            admin.createTopics(topics.stream().map(name -> new NewTopic(name, 1,
                            (short) settings.getInt(Setting.COUPON_REPLICATION_FACTOR))
                    .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, settings.get(Setting.COUPON_MIN_INSYNC_REPLICAS))))
                    .toList()).all().get(30, TimeUnit.SECONDS);
            try {
                if (!streamsHop) {
                    return measure(plan, topic, topic);
                }
                try (StreamsCopy copy = StreamsCopy.start(settings, plan.runId(), topic, topics.get(1), timeout)) {
                    return measure(plan, topic, topics.get(1));
                }
            } finally {
                admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private BenchReport measure(RunPlan plan, String topic, String readFrom) throws Exception {
        int n = plan.requests();
        long[] sentNanos = new long[n];
        long[] ackedNanos = new long[n];
        long[] consumedNanos = new long[n];
        int[] deliveries = new int[n];
        ConsumerLoop consumer = new ConsumerLoop(readFrom, consumedNanos, deliveries);
        Thread consumerThread = new Thread(consumer, "bench-raw-consumer");
        consumerThread.start();
        consumer.ready.acquire();

        Map<String, Long> failures = produce(plan, topic, sentNanos, ackedNanos);
        consumerThread.join(timeout.toMillis());
        consumer.running = false;
        consumerThread.join(5_000);
        if (consumer.failure != null) {
            throw new IllegalStateException("raw consumer failed", consumer.failure);
        }
        return report(plan, sentNanos, ackedNanos, consumedNanos, deliveries, failures);
    }

    /** Returns the failed sends by cause (a send that fails at once calls back on this thread, others on the I/O thread). */
    private Map<String, Long> produce(RunPlan plan, String topic, long[] sentNanos, long[] ackedNanos)
            throws InterruptedException {
        Map<String, Long> failures = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(concurrency);
        IssuerCommandSerde serde = new IssuerCommandSerde();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                BenchProducers.config(settings, "coupon-bench-raw"), new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (int i = 0; i < plan.requests(); i++) {
                byte[] value = batchOf(plan, i, serde, topic);
                inFlight.acquire();
                int index = i;
                sentNanos[i] = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, String.valueOf(i), value), (metadata, error) -> {
                    if (error == null) {
                        ackedNanos[index] = System.nanoTime();
                    } else {
                        failures.merge(SentRequest.failureOf(error), 1L, Long::sum);
                    }
                    inFlight.release();
                });
            }
            inFlight.acquire(concurrency);
        }
        return new TreeMap<>(failures);
    }

    /** Record i's value: application i, or with a batch, {@code batch} applications as one JSON array. */
    private byte[] batchOf(RunPlan plan, int i, IssuerCommandSerde serde, String topic) {
        if (batch == 1) {
            return serde.serialize(topic, application(plan, i, 0));
        }
        java.io.ByteArrayOutputStream array = new java.io.ByteArrayOutputStream(batch * 160);
        array.write('[');
        for (int b = 0; b < batch; b++) {
            if (b > 0) {
                array.write(',');
            }
            array.writeBytes(serde.serialize(topic, application(plan, i, b)));
        }
        array.write(']');
        return array.toByteArray();
    }

    private static ApplyRequest application(RunPlan plan, int i, int b) {
        RunPlan.PlannedApplication application = plan.application(i);
        return new ApplyRequest(plan.runId() + "-r" + i + "-" + b, application.eventId(), application.userId(),
                Instant.now());
    }

    private BenchReport report(RunPlan plan, long[] sentNanos, long[] ackedNanos, long[] consumedNanos,
                               int[] deliveries, Map<String, Long> failures) {
        long failed = failures.values().stream().mapToLong(Long::longValue).sum();
        int n = plan.requests();
        long start = sentNanos[0];
        long lastAck = IntStream.range(0, n).mapToLong(i -> ackedNanos[i]).max().orElse(start);
        long lastConsumed = IntStream.range(0, n).mapToLong(i -> consumedNanos[i]).max().orElse(start);
        long acked = IntStream.range(0, n).filter(i -> ackedNanos[i] > 0).count();
        long consumed = IntStream.range(0, n).filter(i -> deliveries[i] > 0).count();
        long missing = n - consumed;
        long repeated = IntStream.range(0, n).filter(i -> deliveries[i] > 1).count();
        List<String> problems = new ArrayList<>();
        if (missing > 0) {
            problems.add(missing + " records never reached the read_committed consumer");
        }
        if (repeated > 0) {
            problems.add(repeated + " records reached the consumer more than once");
        }
        ExactnessVerdict verdict = new ExactnessVerdict(missing == 0 && repeated == 0 && failed == 0, 0, 0, missing, repeated, 0, 0,
                problems);
        BenchReport.RequestCounts counts = new BenchReport.RequestCounts(n, acked, 0, failed, consumed, 0, 0, null, failures);
        return new BenchReport(streamsHop ? "passthrough" : "raw", plan.runId(), 1, plan.cap(), plan.users(), n, plan.repeats(), concurrency,
                batch, null, null, Map.of(0, 1), counts, ApplicationBench.seconds(Math.max(lastAck, lastConsumed) - start),
                ApplicationBench.perSecond(acked, lastAck - start), ApplicationBench.perSecond(consumed, lastConsumed - start),
                null,
                LatencySummary.ofNanos(IntStream.range(0, n).filter(i -> ackedNanos[i] > 0)
                        .mapToLong(i -> ackedNanos[i] - sentNanos[i])),
                LatencySummary.ofNanos(IntStream.range(0, n).filter(i -> consumedNanos[i] > 0)
                        .mapToLong(i -> consumedNanos[i] - sentNanos[i])),
                streamsHop ? "when a read_committed consumer of the copy topic received the record"
                        : "when a read_committed consumer of the one-partition topic received the record", null, null, null, verdict);
    }

    /** Reads the topic from the start until every record arrived or it is told to stop. */
    private final class ConsumerLoop implements Runnable {
        final Semaphore ready = new Semaphore(0);
        final String topic;
        final long[] consumedNanos;
        final int[] deliveries;
        volatile boolean running = true;
        volatile RuntimeException failure;

        ConsumerLoop(String topic, long[] consumedNanos, int[] deliveries) {
            this.topic = topic;
            this.consumedNanos = consumedNanos;
            this.deliveries = deliveries;
        }

        @Override
        public void run() {
            Map<String, Object> config = ClientConfigs.readCommittedConsumer(settings, null, "coupon-bench-raw");
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                consumer.position(partition);
                ready.release();
                int received = 0;
                while (running && received < deliveries.length) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        int index = Integer.parseInt(record.key());
                        if (deliveries[index]++ == 0) {
                            consumedNanos[index] = now;
                            received++;
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
                ready.release();
            }
        }
    }
}
