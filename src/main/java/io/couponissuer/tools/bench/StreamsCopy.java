package io.couponissuer.tools.bench;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The passthrough mode's hop: a Kafka Streams application, exactly_once_v2 with the issuer's commit
 * interval and producer batch size, that copies every record of one topic to another unread (bytes in,
 * the same bytes out, no store). What it costs is what Kafka Streams and the broker cost per record,
 * before the issuer does any work of its own.
 */
final class StreamsCopy implements AutoCloseable {
    private final KafkaStreams streams;
    private final Path stateDir;

    private StreamsCopy(KafkaStreams streams, Path stateDir) {
        this.streams = streams;
        this.stateDir = stateDir;
    }

    static StreamsCopy start(Settings settings, String runId, String from, String to, Duration timeout)
            throws InterruptedException {
        Topology topology = new Topology();
        topology.addSource("copy-source", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), from);
        topology.addSink("copy-sink", to, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(),
                "copy-source");
        Path stateDir = temporaryDirectory(runId);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "coupon-bench-copy-" + runId);
        props.putAll(ClientConfigs.common(settings));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // the 5.0 default
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.getInt(Setting.COUPON_REPLICATION_FACTOR));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.getInt(Setting.COUPON_COMMIT_INTERVAL_MS));
        int batchBytes = settings.getInt(Setting.COUPON_ISSUER_BATCH_BYTES);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), batchBytes);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), Math.max(32L << 20, 64L * batchBytes));
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
                streams.close(Duration.ofSeconds(10));
                throw new IllegalStateException("the copy application did not start: " + streams.state());
            }
            Thread.sleep(50);
        }
        return new StreamsCopy(streams, stateDir);
    }

    private static Path temporaryDirectory(String runId) {
        try {
            return Files.createTempDirectory("coupon-bench-copy-" + runId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(10));
        streams.cleanUp();
        try (var paths = Files.walk(stateDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
