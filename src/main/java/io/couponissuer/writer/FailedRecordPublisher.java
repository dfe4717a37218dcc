package io.couponissuer.writer;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Puts records the database refused on {@code coupon.failed} and waits until the broker has them
 * (acks=all, idempotent): the caller commits the offset past a refused record only after that.
 */
public final class FailedRecordPublisher implements AutoCloseable {
    private final Producer<byte[], byte[]> producer;

    public FailedRecordPublisher(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public static FailedRecordPublisher create(Settings settings, String clientId) {
        Map<String, Object> config = ClientConfigs.producer(settings, clientId);
        // Bounded, so a broker outage surfaces as a failed batch that the writer retries later
        // (polling meanwhile), not as a poll loop stuck in send() for a minute.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new FailedRecordPublisher(new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Sends all and returns once every one is acknowledged; throws if any was not. */
    public List<RecordMetadata> publishAll(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            sent.add(producer.send(record));
        }
        List<RecordMetadata> acknowledged = new ArrayList<>(sent.size());
        for (Future<RecordMetadata> future : sent) {
            try {
                acknowledged.add(future.get());
            } catch (ExecutionException e) {
                throw new KafkaException("coupon.failed did not take a failed record: " + e.getCause().getMessage(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while publishing failed records", e);
            }
        }
        return acknowledged;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
