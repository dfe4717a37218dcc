package io.couponissuer.issuer;

import io.couponissuer.kafka.Topics;
import io.couponissuer.message.InvalidMessageException;
import io.couponissuer.message.IssuerCommand;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * Reads and validates the raw command. Parsing here rather than in the source's deserializer
 * sends every bad record through the processing exception handler, which puts it on
 * coupon.failed with the original bytes inside the task's transaction, and the records behind it
 * go on. The key must be the eventId: any other key would put one event on two partitions.
 */
final class CommandParser implements Processor<byte[], byte[], String, IssuerCommand> {
    private ProcessorContext<String, IssuerCommand> context;

    @Override
    public void init(ProcessorContext<String, IssuerCommand> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        IssuerCommand command = Topics.APPLY_REQUESTS.read(record.headers(), record.value());
        if (!isKeyOf(record.key(), command.eventId())) {
            throw new InvalidMessageException("key", "must equal eventId '" + command.eventId() + "' but was "
                    + (record.key() == null ? "null" : "'" + new String(record.key(), StandardCharsets.UTF_8) + "'"));
        }
        context.forward(record.withKey(command.eventId()).withValue(command));
    }

    /**
     * The key read as bytes against the eventId: a valid id is ASCII (Ids), one byte per char. Decoding
     * every key into a String only to compare it was a twentieth of the stream thread in a profile.
     */
    static boolean isKeyOf(byte[] key, String eventId) {
        if (key == null || key.length != eventId.length()) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != eventId.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
