package io.couponissuer.testing;

import io.couponissuer.ops.transactions.TransactionStateLog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an action the moment the transaction coordinator writes PrepareCommit for one of the
 * issuer's transactions: it tails {@code __transaction_state} from its end, with the smallest fetch
 * wait, and decodes each record. The crash test kills the whole machine then, while the COMMIT
 * markers are still on their way: the window in which Kafka can lose one (KAFKA-20734).
 */
public final class PrepareCommitTrigger implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final CountDownLatch fired = new CountDownLatch(1);
    private final AtomicReference<String> seen = new AtomicReference<>();

    public PrepareCommitTrigger(String bootstrapServers, String transactionalIdPrefix, Runnable action) {
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(TransactionStateLog.TOPIC).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // from now on, not from whatever the end is when polling starts
        this.thread = new Thread(() -> {
            try {
                while (fired.getCount() > 0) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        TransactionStateLog.Transition t = TransactionStateLog.decode(record,
                                id -> id.startsWith(transactionalIdPrefix));
                        if (t != null && t.state() == TransactionStateLog.State.PREPARE_COMMIT) {
                            action.run();
                            seen.set(t.toString());
                            fired.countDown();
                            return;
                        }
                    }
                }
            } catch (WakeupException e) {
                // closed before a PrepareCommit came
            }
        }, "prepare-commit-trigger");
        thread.start();
    }

    /** Waits for the action to have run; returns the PrepareCommit record that triggered it, or null. */
    public String await(Duration timeout) throws InterruptedException {
        return fired.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? seen.get() : null;
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5000);
        consumer.close(Duration.ofSeconds(1));
    }
}
