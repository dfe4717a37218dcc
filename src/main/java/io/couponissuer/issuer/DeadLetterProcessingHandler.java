package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * A record that is readable but cannot be decided (for example its key is not its eventId) goes
 * to coupon.failed with the original bytes, and the task goes on. The decider validates before it
 * touches a store, so a failed record leaves no state behind.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        LOG.warn("Record {}-{}@{} failed in {} and was sent to the failed topic: {}", context.topic(),
                context.partition(), context.offset(), context.processorNodeId(), exception.getMessage());
        var source = new FailedRecords.Source(context.topic(), context.partition(), context.offset(),
                context.timestamp(), context.headers());
        return Response.resume(List.of(FailedRecords.build(FailedRecords.STAGE_ISSUER, source,
                context.sourceRawKey(), context.sourceRawValue(), exception)));
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
