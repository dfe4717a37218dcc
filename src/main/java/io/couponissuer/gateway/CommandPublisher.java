package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RecordAuthenticator;
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
 * Puts applications and definitions on coupon.apply-requests, keyed by eventId (an application of a
 * spread event by eventId/userId, see ApplicationHandlers). A send completes
 * only when every in-sync replica has the record (acks=all, idempotent producer), or fails within
 * the send timeout: the gateway never says 202 for a record the broker did not take, and never hangs.
 */
public final class CommandPublisher implements AutoCloseable {
    private final KafkaProducer<String, IssuerCommand> producer;
    /** Kafka's default: an outage longer than this fails the records still queued, and bumps the epoch. */
    static final int DELIVERY_TIMEOUT_MS = 120_000;

    private final int sendTimeoutMs;

    public CommandPublisher(Settings settings) {
        this.sendTimeoutMs = settings.getInt(Setting.COUPON_GATEWAY_SEND_TIMEOUT_MS);
        int lingerMs = settings.getInt(Setting.COUPON_GATEWAY_LINGER_MS);
        Map<String, Object> config = ClientConfigs.producer(settings, "coupon-gateway");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        // The caller waits at most the send timeout (publish), for metadata and buffer space as well.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, sendTimeoutMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, sendTimeoutMs - lingerMs - 1));
        // The producer itself does not give up on a record at the send timeout. An expired batch makes the
        // idempotent producer bump its epoch, and batches still in flight to other partitions are then
        // sent again under the new epoch, which the broker cannot tell from new records: ProductionShapeIT
        // caught an application written twice (so decided twice) that way, after a request to a slow
        // broker timed out while another broker was down. So the client gets its 503 at the send timeout,
        // and the record is retried, under its first sequence number, for up to this long.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        // Signed: the issuer takes a definition only with a valid authenticator, and an application's own
        // requestedAt only from a gateway (else the broker's append time).
        this.producer = new KafkaProducer<>(config, Topics.APPLY_REQUESTS.keySerde().serializer(),
                new IssuerCommandSerde(RecordAuthenticator.parse(settings.get(Setting.COUPON_RECORD_KEYS))));
    }

    /** Completes when the broker has the record; fails with the producer's error or after the send timeout. */
    public CompletableFuture<RecordMetadata> publish(IssuerCommand command) {
        return publish(command.eventId(), command, null);
    }

    /**
     * @param key       the record's key: the eventId, or an application's eventUserKey when its event is spread
     * @param awaitedBy the id of the gateway whose client waits for the answer (header coupon.awaited,
     *                  carried on to the answer on the ledger); null when nobody waits
     */
    public CompletableFuture<RecordMetadata> publish(String key, IssuerCommand command, byte[] awaitedBy) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            ProducerRecord<String, IssuerCommand> record = new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), key, command);
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
        // 503 for the client; the record may still be taken later (see DELIVERY_TIMEOUT_MS) and then decided.
        return acknowledged.orTimeout(sendTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /** COUPON_GATEWAY_SEND_TIMEOUT_MS: the longest a client waits for the broker to take its record. */
    int sendTimeoutMs() {
        return sendTimeoutMs;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
