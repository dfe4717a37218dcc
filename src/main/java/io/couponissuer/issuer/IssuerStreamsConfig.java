package io.couponissuer.issuer;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/** The Kafka Streams configuration of the issuer, from the settings. */
public final class IssuerStreamsConfig {
    private IssuerStreamsConfig() {
    }

    public static Properties from(Settings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.get(Setting.COUPON_APPLICATION_ID));
        props.putAll(ClientConfigs.common(settings));
        // Every client of the issuer: a request to a broker that went silent is given up after 10 s, not
        // 30, the same as the transaction timeout (a transaction whose request hangs longer is aborted anyway).
        props.put(StreamsConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Transactional state stores (enable.transactional.statestores) restored in about half the time
        // after kill -9, but in 4.4 a metrics read of a store's uncommitted bytes races the dirty close
        // of a fenced task and crashes the JVM in RocksDB (docs/bench-log/2026-12-06-restart-after-kill.md):
        // off, as by default.
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.getPath(Setting.COUPON_STATE_DIR).toAbsolutePath().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.getInt(Setting.COUPON_STREAM_THREADS));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.getInt(Setting.COUPON_REPLICATION_FACTOR));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.getInt(Setting.COUPON_STANDBY_REPLICAS));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, settings.getInt(Setting.COUPON_COMMIT_INTERVAL_MS));
        // An idle stream thread blocks in poll this long before it looks at the commit interval again.
        props.put(StreamsConfig.POLL_MS_CONFIG, settings.getInt(Setting.COUPON_ISSUER_POLL_MS));
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        // The topology has no global stores; opting in now is the 5.0 default and silences a warning.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                settings.getInt(Setting.COUPON_SESSION_TIMEOUT_MS));
        String instanceId = settings.get(Setting.COUPON_INSTANCE_ID);
        if (!instanceId.isEmpty()) {
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        // A failed record carries the original value and a stack trace: allow it through.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), 4 * 1024 * 1024);
        // One hot event sends all its decisions and changelog records to a few partitions: with the
        // 16 KB default a batch held ~100 of them, and per-request overhead on both sides of the broker
        // dominated (docs/benchmarks.md#what-bounds-the-numbers). The pool holds 64 open batches before a send waits.
        int batchBytes = settings.getInt(Setting.COUPON_ISSUER_BATCH_BYTES);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), batchBytes);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), Math.max(32L << 20, 64L * batchBytes));
        // A restore ends when the restore consumer reaches each changelog's end; with the default 500 ms
        // fetch wait every poll at the end of a changelog sat out the wait, one task after another, which
        // was most of a restarted issuer's restore (docs/operations.md#restarts).
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 10);
        // A crash can leave a store without its changelog offsets, and then the whole changelog is
        // restored: in batches of 10,000 records rather than 1,000, a tenth of the polls.
        props.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 10_000);
        int storePort = settings.getInt(Setting.COUPON_ISSUER_HTTP_PORT);
        if (storePort > 0) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG,
                    settings.get(Setting.COUPON_ISSUER_ADVERTISED_HOST) + ":" + storePort);
        }
        return props;
    }
}
