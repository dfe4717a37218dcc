package io.couponissuer.gateway;

import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.IssuerCommand;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the applications of one event that arrive together into one {@link ApplyBatch} record, so
 * that the issuer pays its per-record cost once per batch (docs/benchmarks.md#batches-of-applications):
 * the first application of an event opens a batch, which is sent {@code COUPON_GATEWAY_BATCH_MS} later
 * or as soon as it holds {@code COUPON_GATEWAY_BATCH_MAX} applications, whichever comes first. A batch
 * of one is sent as the plain application; a spread event's applications go on their own. Every
 * application's future completes when the broker has its record, or fails with it: each client still
 * gets its own answer, and a batch the broker refuses is a 503 for each of its clients.
 *
 * <p>Awaited applications (header coupon.awaited) and the rest are gathered apart, so the issuer hands
 * the decision feed only decisions somebody waits for.
 */
final class ApplicationBatches implements AutoCloseable {
    private final CommandPublisher publisher;
    private final int windowMs;
    private final int most;
    private final ScheduledExecutorService timer;
    private final Map<Key, Gathering> open = new ConcurrentHashMap<>();
    private final DistributionSummary sizes;

    private record Key(String eventId, boolean awaited) {
    }

    /** One batch being gathered. Its lock guards the lists; once closed it takes no more. */
    private static final class Gathering {
        final Key key;
        final byte[] awaitedBy;
        final List<ApplyRequest> applications = new ArrayList<>();
        final List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        boolean closed;

        Gathering(Key key, byte[] awaitedBy) {
            this.key = key;
            this.awaitedBy = awaitedBy;
        }
    }

    /**
     * @param windowMs COUPON_GATEWAY_BATCH_MS: how long a batch gathers; 0 sends every application on its own
     * @param most     COUPON_GATEWAY_BATCH_MAX: 1 to {@value ApplyBatch#MAX_APPLICATIONS} applications a batch
     */
    ApplicationBatches(CommandPublisher publisher, int windowMs, int most, MeterRegistry registry) {
        if (windowMs < 0 || most < 1 || most > ApplyBatch.MAX_APPLICATIONS) {
            throw new IllegalArgumentException("COUPON_GATEWAY_BATCH_MS must be 0 or more (was " + windowMs
                    + ") and COUPON_GATEWAY_BATCH_MAX 1 to " + ApplyBatch.MAX_APPLICATIONS + " (was " + most + ")");
        }
        this.publisher = publisher;
        this.windowMs = windowMs;
        this.most = most;
        this.timer = windowMs == 0 ? null : Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "coupon-gateway-batches");
            thread.setDaemon(true);
            return thread;
        });
        this.sizes = DistributionSummary.builder("coupon.gateway.batch.applications")
                .description("applications per record the gateway sent to coupon.apply-requests").register(registry);
    }

    /**
     * Completes when the broker has the record that carries this application; fails with its error, or
     * after COUPON_GATEWAY_SEND_TIMEOUT_MS from now (the record may still be taken later, as any).
     *
     * @param key the record key: the eventId gathers it into a batch; a spread event's eventId/userId
     *            sends it on its own, to its user's partition
     */
    CompletableFuture<RecordMetadata> publish(String key, ApplyRequest application, byte[] awaitedBy) {
        if (timer == null || most == 1 || !key.equals(application.eventId())) {
            sizes.record(1);
            return publisher.publish(key, application, awaitedBy);
        }
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        Key batch = new Key(application.eventId(), awaitedBy != null);
        while (true) {
            Gathering gathering = open.computeIfAbsent(batch, k -> opened(k, awaitedBy));
            boolean full;
            synchronized (gathering) {
                if (gathering.closed) {
                    continue; // sent meanwhile: gather into the next one
                }
                gathering.applications.add(application);
                gathering.sent.add(sent);
                full = gathering.applications.size() >= most;
            }
            if (full) {
                send(gathering);
            }
            return sent.orTimeout(publisher.sendTimeoutMs(), TimeUnit.MILLISECONDS);
        }
    }

    private Gathering opened(Key key, byte[] awaitedBy) {
        Gathering gathering = new Gathering(key, awaitedBy == null ? null : Arrays.copyOf(awaitedBy, awaitedBy.length));
        timer.schedule(() -> send(gathering), windowMs, TimeUnit.MILLISECONDS);
        return gathering;
    }

    /** Sends a batch once, by whichever comes first: its window's end or its filling up. */
    private void send(Gathering gathering) {
        synchronized (gathering) {
            if (gathering.closed) {
                return;
            }
            gathering.closed = true;
        }
        open.remove(gathering.key, gathering);
        List<ApplyRequest> applications = gathering.applications;
        IssuerCommand record = applications.size() == 1 ? applications.get(0)
                : new ApplyBatch(gathering.key.eventId(), applications);
        sizes.record(applications.size());
        publisher.publish(gathering.key.eventId(), record, gathering.awaitedBy).whenComplete((metadata, error) -> {
            for (CompletableFuture<RecordMetadata> each : gathering.sent) {
                if (error == null) {
                    each.complete(metadata);
                } else {
                    each.completeExceptionally(error);
                }
            }
        });
    }

    /** Sends what is being gathered, and stops the timer. */
    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        open.values().forEach(this::send);
        timer.shutdown();
    }
}
