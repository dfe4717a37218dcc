package io.couponissuer.issuer;

import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.InvalidMessageException;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.WindowOpened;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * Reads and validates the raw command, and hands it to the step that takes it: a spread event's
 * stage-1 gate (applications and claim outcomes keyed by eventId/userId, a counter's notices) or the decider
 * (everything keyed by eventId). Parsing here rather than in the source's deserializer sends every
 * bad record through the processing exception handler, which puts it on coupon.failed with the
 * original bytes inside the task's transaction, and the records behind it go on. The key must be the
 * eventId, or for an application eventId/userId: any other key would put one event's or one user's
 * records on two partitions.
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
        Record<String, IssuerCommand> parsed = record.withKey(command.eventId()).withValue(command);
        boolean byEvent = isKeyOf(record.key(), command.eventId());
        if (command instanceof ApplyRequest request) {
            if (byEvent || isKeyOf(record.key(), request.spreadKey())) {
                context.forward(parsed, byEvent ? CouponTopology.DECIDER : CouponTopology.SPREAD_GATE);
                return;
            }
            throw wrongKey(record, "eventId '" + command.eventId() + "' or '" + request.spreadKey() + "'");
        }
        if (command instanceof ClaimDecided decided) {
            if (isKeyOf(record.key(), decided.spreadKey())) {
                context.forward(parsed, CouponTopology.SPREAD_GATE);
                return;
            }
            throw wrongKey(record, "'" + decided.spreadKey() + "'");
        }
        if (!byEvent) {
            throw wrongKey(record, "eventId '" + command.eventId() + "'");
        }
        boolean notice = command instanceof WindowOpened || command instanceof EventSoldOut;
        context.forward(parsed, notice ? CouponTopology.SPREAD_GATE : CouponTopology.DECIDER);
    }

    private static InvalidMessageException wrongKey(Record<byte[], byte[]> record, String expected) {
        return new InvalidMessageException("key", "must equal " + expected + " but was "
                + (record.key() == null ? "null" : "'" + new String(record.key(), StandardCharsets.UTF_8) + "'"));
    }

    /**
     * The key read as bytes against the expected key: a valid id is ASCII (Ids), one byte per char.
     * Decoding every key into a String only to compare it was a twentieth of the stream thread in a profile.
     */
    static boolean isKeyOf(byte[] key, String expected) {
        if (key == null || expected == null || key.length != expected.length()) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != expected.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
