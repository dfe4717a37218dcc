package io.couponissuer.issuer;

import io.couponissuer.kafka.Topics;
import io.couponissuer.message.InvalidMessageException;
import io.couponissuer.message.IssuerCommand;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads and validates the raw command. Parsing here rather than in the source's deserializer
 * sends every bad record through the processing exception handler, which puts it on
 * coupon.failed with the original bytes inside the task's transaction, and the records behind it
 * go on. The key must be the eventId: any other key would put one event on two partitions.
 */
final class CommandParser implements Processor<String, byte[], String, IssuerCommand> {
    private ProcessorContext<String, IssuerCommand> context;

    @Override
    public void init(ProcessorContext<String, IssuerCommand> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        IssuerCommand command = Topics.APPLY_REQUESTS.read(record.headers(), record.value());
        if (!command.eventId().equals(record.key())) {
            throw new InvalidMessageException("key", "must equal eventId '" + command.eventId()
                    + "' but was '" + record.key() + "'");
        }
        context.forward(record.withValue(command));
    }
}
