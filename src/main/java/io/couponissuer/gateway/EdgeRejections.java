package io.couponissuer.gateway;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.ClientConfigs;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.RejectionBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the rejections a gateway decided at the edge to {@code coupon.rejected}, so that topic stays
 * the record of every rejection, before their clients are answered: one thread takes what is queued,
 * groups it by event into {@link RejectionBatch} records of at most {@value ApplyBatch#MAX_APPLICATIONS}
 * and sends them with an idempotent acks=all producer; {@link #write} completes when the broker has
 * the record. One group is in flight at a time, and what arrives meanwhile goes out together once the
 * broker answered (a group commit): alone at once when idle, in larger records under a flood, with no
 * timer to wait out. Each record carries the header {@value Topics#DECIDED_BY_HEADER} with this gateway's id.
 * So a crash loses only rejections nobody was told, and a client told one finds it on the ledger.
 *
 * <p>At most {@code COUPON_GATEWAY_EDGE_UNSENT} rejections wait here and in the producer; while that is
 * full {@link #write} refuses and the application goes to the issuer, so an unreachable broker costs
 * bounded memory.
 */
public final class EdgeRejections implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeRejections.class);
    /** The thread below gathers already, while a group is in flight; the producer adds no wait of its own. */
    private static final int LINGER_MS = 0;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<Unsent> queued;
    private final int most;
    private final Producer<String, RejectionBatch> producer;
    private final byte[] gatewayId;
    private final Thread thread;
    /** Rejections queued, taken or handed to the producer, and not yet answered. */
    private final AtomicLong unsent = new AtomicLong();
    /** Taken by a group sent, given back when the broker answered for all of its records. */
    private final Semaphore inFlight = new Semaphore(1);
    private final Counter written;
    private final Counter failed;
    private volatile boolean running = true;

    /** @param gatewayId this gateway's id (DecisionWaiter#id), the value of the header coupon.decided-by */
    public EdgeRejections(Settings settings, byte[] gatewayId, MeterRegistry registry) {
        this(producer(settings), settings.getInt(Setting.COUPON_GATEWAY_EDGE_UNSENT), gatewayId, registry);
    }

    EdgeRejections(Producer<String, RejectionBatch> producer, int most, byte[] gatewayId, MeterRegistry registry) {
        this.producer = producer;
        this.most = most;
        this.queued = new ArrayBlockingQueue<>(Math.max(1, most));
        this.gatewayId = gatewayId.clone();
        this.written = Counter.builder("coupon.gateway.edge.rejections.written")
                .description("rejections decided at the edge and acknowledged on coupon.rejected").register(registry);
        this.failed = Counter.builder("coupon.gateway.edge.rejections.failed")
                .description("rejections decided at the edge that the broker did not take (their clients got a 503)")
                .register(registry);
        Gauge.builder("coupon.gateway.edge.rejections.unsent", this, EdgeRejections::unsent)
                .description("rejections decided at the edge not yet acknowledged on coupon.rejected").register(registry);
        this.thread = new Thread(this::run, "coupon-gateway-edge-rejections");
        thread.setDaemon(true);
        thread.start();
    }

    private static Producer<String, RejectionBatch> producer(Settings settings) {
        Map<String, Object> config = ClientConfigs.producer(settings, "coupon-gateway-edge-rejections");
        config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        // Acknowledged or failed after this long; the bound on unsent rejections stops new ones meanwhile.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        return new KafkaProducer<>(config, new StringSerializer(), Topics.REJECTION_BATCHES.valueSerde().serializer());
    }

    private record Unsent(Rejection rejection, CompletableFuture<Void> written) {
    }

    /**
     * Queues a rejection to be written: completes when the broker has it, or fails with the producer's
     * error. Null (nothing queued) while COUPON_GATEWAY_EDGE_UNSENT are unsent, or once stopped.
     */
    CompletableFuture<Void> write(Rejection rejection) {
        Unsent unsent = new Unsent(rejection, new CompletableFuture<>());
        if (!running || this.unsent.incrementAndGet() > most || !queued.offer(unsent)) {
            this.unsent.decrementAndGet();
            return null;
        }
        // Counted until answered, whichever way: acknowledged, refused, or failed at a stop.
        return unsent.written().whenComplete((done, error) -> this.unsent.decrementAndGet());
    }

    long unsent() {
        return unsent.get();
    }

    private void run() {
        List<Unsent> taken = new ArrayList<>();
        while (running || !queued.isEmpty()) {
            try {
                Unsent first = queued.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                taken.add(first);
                inFlight.acquire(); // the group before is answered; what queued meanwhile goes with this one
                queued.drainTo(taken);
                send(taken);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) { // a bug: keep the thread, so the queue cannot fill for good
                LOG.error("Writing rejections decided at the edge failed", e);
                taken.forEach(unsent -> unsent.written().completeExceptionally(e));
                inFlight.release();
            } finally {
                taken.clear();
            }
        }
    }

    /** Sends one group; the permit taken for it comes back once the broker answered for its last record. */
    private void send(List<Unsent> taken) {
        Map<String, List<List<Unsent>>> byEvent = new LinkedHashMap<>();
        taken.forEach(unsent -> {
            List<List<Unsent>> parts = byEvent.computeIfAbsent(unsent.rejection().eventId(), id -> new ArrayList<>());
            if (parts.isEmpty() || parts.get(parts.size() - 1).size() == ApplyBatch.MAX_APPLICATIONS) {
                parts.add(new ArrayList<>());
            }
            parts.get(parts.size() - 1).add(unsent);
        });
        AtomicInteger unanswered = new AtomicInteger(byEvent.values().stream().mapToInt(List::size).sum());
        Runnable answered = () -> {
            if (unanswered.decrementAndGet() == 0) {
                inFlight.release();
            }
        };
        byEvent.forEach((eventId, parts) -> parts.forEach(part -> send(eventId, part, answered)));
    }

    private void send(String eventId, List<Unsent> part, Runnable answered) {
        int count = part.size();
        try {
            ProducerRecord<String, RejectionBatch> record = new ProducerRecord<>(Topics.REJECTED.name(), eventId,
                    new RejectionBatch(eventId, part.stream().map(Unsent::rejection).toList()));
            record.headers().add(Topics.DECIDED_BY_HEADER, gatewayId);
            producer.send(record, (metadata, error) -> {
                answered.run();
                if (error == null) {
                    written.increment(count);
                    part.forEach(unsent -> unsent.written().complete(null));
                } else {
                    failed(eventId, part, error);
                }
            });
        } catch (RuntimeException e) { // closed, or no metadata within max.block.ms
            answered.run();
            failed(eventId, part, e);
        }
    }

    private void failed(String eventId, List<Unsent> part, Exception error) {
        failed.increment(part.size());
        LOG.warn("{} rejections of event {} decided at the edge are not on {} (their clients get 503): {}", part.size(),
                eventId, Topics.REJECTED.name(), error.toString());
        part.forEach(unsent -> unsent.written().completeExceptionally(error));
    }

    /** Stops taking rejections, sends what is queued and waits for the broker to take it. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(CLOSE_TIMEOUT);
        Unsent left;
        while ((left = queued.poll()) != null) {
            left.written().completeExceptionally(new IllegalStateException("the gateway is stopping"));
        }
    }
}
