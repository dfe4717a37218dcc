package io.couponissuer.tools.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/**
 * The producer config of direct and raw mode: the system's acks=all idempotent producer, batching
 * for throughput (the bench is a firehose, not a waiting user). Both modes use the same one, so the
 * raw rate is a fair ceiling for the direct one.
 */
final class BenchProducers {
    static final int LINGER_MS = 10;
    /** Under coupon.apply-requests' max.message.bytes (64 KB), which the broker applies to a whole batch. */
    static final int BATCH_BYTES = 60 * 1024;

    private BenchProducers() {
    }

    static Map<String, Object> config(Settings settings, String clientId) {
        Map<String, Object> config = ClientConfigs.producer(settings, clientId);
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, BATCH_BYTES);
        return config;
    }
}
