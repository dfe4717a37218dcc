package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.IssuerCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Puts applications and definitions on coupon.apply-requests, keyed by eventId. A send completes
 * only when every in-sync replica has the record (acks=all, idempotent producer), or fails within
 * the send timeout: the gateway never says 202 for a record the broker did not take, and never hangs.
 */
public final class CommandPublisher implements AutoCloseable {
    private final KafkaProducer<String, IssuerCommand> producer;
    private final int sendTimeoutMs;

    public CommandPublisher(Settings settings) {
        this.sendTimeoutMs = settings.getInt(Setting.COUPON_GATEWAY_SEND_TIMEOUT_MS);
        int lingerMs = settings.getInt(Setting.COUPON_GATEWAY_LINGER_MS);
        Map<String, Object> config = ClientConfigs.producer(settings, "coupon-gateway");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        // Bounded everywhere: waiting for metadata, for a request, and for the whole delivery.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, sendTimeoutMs - lingerMs - 1));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, sendTimeoutMs);
        this.producer = new KafkaProducer<>(config, Topics.APPLY_REQUESTS.keySerde().serializer(),
                Topics.APPLY_REQUESTS.valueSerde().serializer());
    }

    /** Completes when the broker has the record; fails with the producer's error or after the send timeout. */
    public CompletableFuture<RecordMetadata> publish(IssuerCommand command) {
        return publish(command, null);
    }

    /**
     * @param awaitedBy the id of the gateway whose client waits for the answer (header coupon.awaited,
     *                  carried on to the answer on the ledger); null when nobody waits
     */
    public CompletableFuture<RecordMetadata> publish(IssuerCommand command, byte[] awaitedBy) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            ProducerRecord<String, IssuerCommand> record = new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), command.eventId(), command);
            if (awaitedBy != null) {
                record.headers().add(IssuerCommandSerde.AWAITED_HEADER, awaitedBy);
            }
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    acknowledged.completeExceptionally(error);
                } else {
                    acknowledged.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        // The producer's own delivery timeout ends every send; this margin only guards against a bug there.
        return acknowledged.orTimeout(sendTimeoutMs + 2_000L, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
