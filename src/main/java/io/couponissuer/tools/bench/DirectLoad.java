package io.couponissuer.tools.bench;

import io.couponissuer.config.Setting;
import io.couponissuer.config.Settings;
import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RecordAuthenticator;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Puts ApplyRequest records straight onto coupon.apply-requests, as the gateway would, to measure the
 * issuer without HTTP. Definitions go first, and the load starts once the issuer has taken them
 * (DefinitionsInEffect). At most {@code concurrency} sends are
 * unacknowledged at a time.
 */
final class DirectLoad implements ApplicationLoad {
    private final Settings settings;
    private final int concurrency;
    private final int batch;

    /** @param batch applications per record (1: one ApplyRequest each; more: ApplyBatch records of one event) */
    DirectLoad(Settings settings, int concurrency, int batch) {
        this.settings = settings;
        this.concurrency = concurrency;
        this.batch = batch;
    }

    @Override
    public List<SentRequest> run(RunPlan plan) throws Exception {
        // Its definitions are an admin's, so they carry the authenticator; its applications are a direct
        // producer's, unsigned, taken as made when the broker appended them.
        RecordAuthenticator admin = RecordAuthenticator.parse(settings.get(Setting.COUPON_RECORD_KEYS));
        try (KafkaProducer<String, IssuerCommand> definer = new KafkaProducer<>(
                BenchProducers.config(settings, "coupon-bench-definitions"), Topics.APPLY_REQUESTS.keySerde().serializer(),
                new IssuerCommandSerde(admin));
             KafkaProducer<String, IssuerCommand> producer = new KafkaProducer<>(
                BenchProducers.config(settings, "coupon-bench-direct"), Topics.APPLY_REQUESTS.keySerde().serializer(),
                Topics.APPLY_REQUESTS.valueSerde().serializer());
             DefinitionsInEffect definitions = new DefinitionsInEffect(settings)) {
            for (String eventId : plan.eventIds()) {
                definer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), eventId,
                        new EventDefinition(eventId, plan.cap(), null, null, plan.spread()))).get();
            }
            definitions.await(plan.eventIds(), Duration.ofSeconds(60));
            SentRequest[] sent = new SentRequest[plan.requests()];
            Semaphore inFlight = new Semaphore(concurrency);
            // With a batch, each event's applications are sent `batch` to a record, in the plan's order.
            Map<String, List<Integer>> pending = new HashMap<>();
            for (int i = 0; i < plan.requests(); i++) {
                RunPlan.PlannedApplication application = plan.application(i);
                List<Integer> waiting = pending.computeIfAbsent(application.eventId(), e -> new ArrayList<>());
                waiting.add(i);
                if (waiting.size() == batch) {
                    send(producer, plan, List.copyOf(waiting), sent, inFlight);
                    waiting.clear();
                }
            }
            for (List<Integer> rest : pending.values()) {
                if (!rest.isEmpty()) {
                    send(producer, plan, List.copyOf(rest), sent, inFlight);
                }
            }
            inFlight.acquire(concurrency); // every callback has run
            return Arrays.asList(sent);
        }
    }

    /** One record: application {@code indexes[0]} alone, or an {@link ApplyBatch} of them all. */
    private static void send(KafkaProducer<String, IssuerCommand> producer, RunPlan plan, List<Integer> indexes,
                             SentRequest[] sent, Semaphore inFlight) throws InterruptedException {
        List<ApplyRequest> requests = indexes.stream().map(i -> {
            RunPlan.PlannedApplication application = plan.application(i);
            return new ApplyRequest(plan.runId() + "-r" + i, application.eventId(), application.userId(), Instant.now());
        }).toList();
        ApplyRequest first = requests.get(0);
        // Keyed as the gateway keys it once it knows whether the event is spread (a batch: by its event).
        IssuerCommand value = requests.size() == 1 ? first : new ApplyBatch(first.eventId(), requests);
        String key = plan.spread() && requests.size() == 1 ? first.eventUserKey() : first.eventId();
        inFlight.acquire();
        long sentNanos = System.nanoTime();
        producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), key, value), (metadata, error) -> {
            long now = System.nanoTime();
            for (int n = 0; n < requests.size(); n++) {
                ApplyRequest request = requests.get(n);
                // The offset is the broker's order within the partition (FcfsInversions); it costs nothing here.
                sent[indexes.get(n)] = error == null
                        ? new SentRequest(request.requestId(), request.eventId(), request.userId(), sentNanos, now, 0, 200,
                                null, metadata.hasOffset()
                                        ? new SentRequest.LogPosition(metadata.partition(), metadata.offset()) : null)
                        : new SentRequest(request.requestId(), request.eventId(), request.userId(), sentNanos, 0, 0, 0,
                                SentRequest.failureOf(error));
            }
            inFlight.release();
        });
    }

    @Override
    public AcceptTime acceptTime() {
        return AcceptTime.BROKER_ACK;
    }

    @Override
    public int applicationsPerRecord() {
        return batch;
    }

    @Override
    public String decisionTime() {
        return "when the bench's read_committed consumer of coupon.issued/coupon.rejected received the decision";
    }
}
