package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import io.couponissuer.message.InvalidMessageException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A record that is readable but cannot be decided (for example its key is not its eventId) goes
 * to coupon.failed with the original bytes, and the task goes on. The decider validates before it
 * touches a store, so a failed record leaves no state behind.
 *
 * <p>An error of Kafka itself while a record is processed (a producer whose commit timed out refusing
 * the next send, a store that cannot be written) says nothing about the record: the thread fails
 * instead, its transaction is aborted, and the replacement thread decides the record again. Sent to
 * coupon.failed, a valid application would never be decided, and its client never answered. An
 * error that persists (a broken disk) therefore stops the partition rather than empties it, which
 * the thread replacements in the log and the consumer lag show.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (isKafkasOwn(exception)) {
            LOG.warn("Record {}-{}@{} could not be processed in {} for a Kafka error, not for what it holds; the stream thread "
                    + "fails and the record is decided again: {}", context.topic(), context.partition(), context.offset(),
                    context.processorNodeId(), exception.toString());
            return Response.fail();
        }
        LOG.warn("Record {}-{}@{} failed in {} and was sent to the failed topic: {}", context.topic(),
                context.partition(), context.offset(), context.processorNodeId(), exception.getMessage());
        var source = new FailedRecords.Source(context.topic(), context.partition(), context.offset(),
                context.timestamp(), context.headers());
        return Response.resume(List.of(FailedRecords.build(FailedRecords.STAGE_ISSUER, source,
                context.sourceRawKey(), context.sourceRawValue(), exception)));
    }

    /**
     * An error of Kafka's own (a client, a producer's transaction, Streams, a state store) among the
     * causes; a SerializationException (Kafka's name for unreadable content) or an InvalidMessageException
     * anywhere among them means the record itself is at fault.
     */
    static boolean isKafkasOwn(Throwable exception) {
        List<Throwable> causes = new ArrayList<>();
        for (Throwable cause = exception; cause != null && !causes.contains(cause); cause = cause.getCause()) {
            causes.add(cause);
        }
        if (causes.stream().anyMatch(cause -> cause instanceof SerializationException || cause instanceof InvalidMessageException)) {
            return false;
        }
        return causes.stream().anyMatch(cause -> cause instanceof KafkaException);
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
