package io.couponissuer.gateway;

import io.couponissuer.kafka.Topics;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import io.couponissuer.message.RejectionBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rejection writer's group commit, against Kafka's MockProducer answered by hand: one group in
 * flight, what arrives meanwhile goes out together once the broker answered, each client completed
 * by its own record's answer.
 */
class EdgeRejectionsTest {
    private static final byte[] GATEWAY = "gateway-1".getBytes(StandardCharsets.UTF_8);

    private final MockProducer<String, RejectionBatch> producer =
            new MockProducer<>(false, null, new StringSerializer(), Topics.REJECTION_BATCHES.valueSerde().serializer());
    private EdgeRejections rejections;

    @AfterEach
    void close() {
        if (rejections != null) {
            rejections.close();
        }
    }

    @Test
    void whatArrivesWhileAGroupIsInFlightGoesOutInOneRecordOnceTheBrokerAnswered() throws Exception {
        CompletableFuture<Void> first = firstInFlight(100);
        List<CompletableFuture<Void>> waiting = List.of(rejections.write(soldOut("e", "u2")),
                rejections.write(soldOut("e", "u3")), rejections.write(soldOut("e", "u4")));
        Thread.sleep(200);
        assertThat(producer.history()).as("nothing more is sent while the first group is unanswered").hasSize(1);
        assertThat(first).isNotDone();

        producer.completeNext();
        first.get();
        awaitSent(2);
        ProducerRecord<String, RejectionBatch> together = producer.history().get(1);
        assertThat(together.key()).isEqualTo("e");
        assertThat(together.value().rejections()).extracting(Rejection::userId).containsExactly("u2", "u3", "u4");
        assertThat(together.headers().lastHeader(Topics.DECIDED_BY_HEADER).value()).isEqualTo(GATEWAY);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        producer.completeNext();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get();
        assertThat(rejections.unsent()).isZero();
    }

    @Test
    void aGroupOfTwoEventsIsTwoRecordsAndTheNextGroupWaitsForBoth() throws Exception {
        CompletableFuture<Void> blocker = firstInFlight(100);
        CompletableFuture<Void> ofE = rejections.write(soldOut("e", "u1"));
        CompletableFuture<Void> ofF = rejections.write(soldOut("f", "u1"));
        producer.completeNext();
        blocker.get();
        awaitSent(3);
        assertThat(producer.history().subList(1, 3)).extracting(ProducerRecord::key).containsExactly("e", "f");

        CompletableFuture<Void> later = rejections.write(soldOut("e", "u9"));
        producer.completeNext();
        ofE.get();
        Thread.sleep(200);
        assertThat(producer.history()).as("the group is in flight until its last record is answered").hasSize(3);
        producer.completeNext();
        ofF.get();
        awaitSent(4);
        producer.completeNext();
        later.get();
    }

    @Test
    void aGroupTheBrokerRefusedFailsItsClientsAndTheNextGroupIsSent() throws Exception {
        CompletableFuture<Void> refused = firstInFlight(100);
        producer.errorNext(new TimeoutException("no broker"));
        assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);

        CompletableFuture<Void> next = rejections.write(soldOut("e", "u2"));
        awaitSent(2);
        producer.completeNext();
        next.get();
    }

    @Test
    void pastTheBoundOfUnsentRejectionsNothingIsQueued() throws Exception {
        CompletableFuture<Void> first = firstInFlight(2);
        CompletableFuture<Void> second = rejections.write(soldOut("e", "u2"));
        assertThat(second).isNotNull();
        assertThat(rejections.write(soldOut("e", "u3"))).as("two unsent: the application goes to the issuer").isNull();

        producer.completeNext();
        first.get();
        awaitSent(2);
        producer.completeNext();
        second.get();
        assertThat(rejections.write(soldOut("e", "u3"))).isNotNull();
    }

    /** A writer holding at most {@code most} unsent, with a first group sent and not yet answered. */
    private CompletableFuture<Void> firstInFlight(int most) throws InterruptedException {
        rejections = new EdgeRejections(producer, most, GATEWAY, new SimpleMeterRegistry());
        CompletableFuture<Void> first = rejections.write(soldOut("e", "u0"));
        awaitSent(1);
        return first;
    }

    private static Rejection soldOut(String eventId, String userId) {
        return new Rejection("r-" + eventId + "-" + userId, eventId, userId, RejectReason.SOLD_OUT, Instant.EPOCH, null);
    }

    private void awaitSent(int records) throws InterruptedException {
        await(() -> producer.history().size() >= records, records + " records sent");
        assertThat(producer.history()).hasSize(records);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s for " + what).isLessThan(until);
            Thread.sleep(5);
        }
    }
}
