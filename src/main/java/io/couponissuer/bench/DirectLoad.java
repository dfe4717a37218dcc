package io.couponissuer.bench;

import io.couponissuer.config.Settings;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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

    DirectLoad(Settings settings, int concurrency) {
        this.settings = settings;
        this.concurrency = concurrency;
    }

    @Override
    public List<SentRequest> run(RunPlan plan) throws Exception {
        try (KafkaProducer<String, IssuerCommand> producer = new KafkaProducer<>(
                BenchProducers.config(settings, "coupon-bench-direct"), Topics.APPLY_REQUESTS.keySerde().serializer(),
                Topics.APPLY_REQUESTS.valueSerde().serializer());
             DefinitionsInEffect definitions = new DefinitionsInEffect(settings)) {
            for (String eventId : plan.eventIds()) {
                producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), eventId,
                        new EventDefinition(eventId, plan.cap(), null, null, plan.spread()))).get();
            }
            definitions.await(plan.eventIds(), Duration.ofSeconds(60));
            SentRequest[] sent = new SentRequest[plan.requests()];
            Semaphore inFlight = new Semaphore(concurrency);
            for (int i = 0; i < plan.requests(); i++) {
                RunPlan.Application application = plan.application(i);
                String requestId = plan.runId() + "-r" + i;
                ApplyRequest request = new ApplyRequest(requestId, application.eventId(), application.userId(),
                        Instant.now());
                inFlight.acquire();
                long sentNanos = System.nanoTime();
                int index = i;
                // Keyed as the gateway keys it once it knows whether the event is spread.
                String key = plan.spread() ? request.spreadKey() : request.eventId();
                producer.send(new ProducerRecord<>(Topics.APPLY_REQUESTS.name(), key, request), (metadata, error) -> {
                    long now = System.nanoTime();
                    // The offset is the broker's order within the partition (FcfsInversions); it costs nothing here.
                    sent[index] = error == null
                            ? new SentRequest(requestId, request.eventId(), request.userId(), sentNanos, now, 0, 200, null,
                                    metadata.hasOffset()
                                            ? new SentRequest.LogPosition(metadata.partition(), metadata.offset()) : null)
                            : new SentRequest(requestId, request.eventId(), request.userId(), sentNanos, 0, 0, 0,
                                    SentRequest.failureOf(error));
                    inFlight.release();
                });
            }
            inFlight.acquire(concurrency); // every callback has run
            return Arrays.asList(sent);
        }
    }

    @Override
    public AcceptTime acceptTime() {
        return AcceptTime.BROKER_ACK;
    }

    @Override
    public String decisionTime() {
        return "when the bench's read_committed consumer of coupon.issued/coupon.rejected received the decision";
    }
}
