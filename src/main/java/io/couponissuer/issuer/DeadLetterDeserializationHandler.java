package io.couponissuer.issuer;

import io.couponissuer.kafka.FailedRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/** An unreadable input record goes to coupon.failed (stage issuer) and the task goes on. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        LOG.warn("Unreadable record {}-{}@{} sent to the failed topic: {}", record.topic(), record.partition(),
                record.offset(), exception.getMessage());
        var source = new FailedRecords.Source(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.headers());
        return Response.resume(List.of(FailedRecords.build(FailedRecords.STAGE_ISSUER, source, record.key(),
                record.value(), exception)));
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}
