package io.couponissuer.issuer;

import io.couponissuer.message.InvalidMessageException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What goes to coupon.failed: a record that cannot be decided for what it holds, never one that
 * met a Kafka error on its way (found with the network partitions of ProductionShapeIT: a producer
 * whose commit had timed out sent valid applications to coupon.failed).
 */
class DeadLetterProcessingHandlerTest {
    private final DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
    private final Record<String, String> record = new Record<>("e", "{}", 0L);

    @Test
    void aRecordThatCannotBeDecidedGoesToTheFailedTopicAndTheTaskGoesOn() {
        Response response = handler.handleError(context(), record, new InvalidMessageException("key", "must equal eventId"));
        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        assertThat(response.deadLetterQueueRecords().get(0).topic()).isEqualTo("coupon.failed");
    }

    @Test
    void aProducerWhoseCommitTimedOutFailsTheThreadAndTheRecordIsDecidedAgain() {
        // The exact error the partition produced: thrown by send() inside the decider's forward.
        KafkaException timedOut = new KafkaException(
                "Cannot attempt operation `send` because the previous call to `commitTransaction` timed out and must be retried");
        Response response = handler.handleError(context(), record, timedOut);
        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void anyKafkaErrorAmongTheCausesFailsTheThread() {
        assertThat(handler.handleError(context(), record, new IllegalStateException("wrapped", new ProducerFencedException("fenced")))
                .result()).isEqualTo(Result.FAIL);
        assertThat(handler.handleError(context(), record, new ProcessorStateException("store closed")).result())
                .isEqualTo(Result.FAIL);
    }

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "coupon.apply-requests";
            }

            @Override
            public int partition() {
                return 9;
            }

            @Override
            public long offset() {
                return 10;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "coupon-decider";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 9);
            }

            @Override
            public long timestamp() {
                return 0;
            }

            @Override
            public byte[] sourceRawKey() {
                return "e".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return "{}".getBytes(StandardCharsets.UTF_8);
            }
        };
    }
}
