package io.couponissuer.issuer;

import io.couponissuer.kafka.IssuerCommandSerde;
import io.couponissuer.kafka.RecordAuthenticator;
import io.couponissuer.kafka.Topics;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.InvalidMessageException;
import io.couponissuer.message.IssuerCommand;
import io.couponissuer.message.WindowOpened;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

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
    /** The longest coupon.awaited header passed on (a gateway's id); a longer one is not a gateway's. */
    static final int MAX_AWAITED_BYTES = 64;

    private final RecordAuthenticator authenticator;
    private ProcessorContext<String, IssuerCommand> context;

    CommandParser(RecordAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void init(ProcessorContext<String, IssuerCommand> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String type = IssuerCommandSerde.typeOf(record.headers());
        IssuerCommand command = Topics.APPLY_REQUESTS.read(record.headers(), record.value());
        RecordAuthenticator.Authenticity check = authenticator.check(record.headers(), type, record.value());
        boolean application = type.equals(IssuerCommandSerde.TYPE_APPLY) || type.equals(IssuerCommandSerde.TYPE_APPLY_BATCH);
        if (check == RecordAuthenticator.Authenticity.INVALID || (!application && check != RecordAuthenticator.Authenticity.VALID)) {
            throw new InvalidMessageException(RecordAuthenticator.HEADER, (check == RecordAuthenticator.Authenticity.INVALID
                    ? "is not valid for this record" : "is missing") + ": only gateways and issuers may write " + type
                    + " records (a producer may write applications, unsigned)");
        }
        if (check == RecordAuthenticator.Authenticity.MISSING) {
            // An application straight from a producer: made when the broker appended it (the topic's
            // timestamps are LogAppendTime), not when it says, so it cannot move itself into a window.
            // The timestamp is in the log, so a replay decides the same.
            Instant appended = Instant.ofEpochMilli(record.timestamp());
            command = command instanceof ApplyBatch batch ? batch.at(appended) : ((ApplyRequest) command).at(appended);
        }
        // Of the input's headers only its type (for a record that fails further on, on coupon.failed) and
        // whether a client waits ride on what is derived from it: a header is the one part of a record no
        // parser bounds, and a derived record is bigger. The authenticator stays here, so no reader of the
        // ledger holds one to replay.
        Record<String, IssuerCommand> parsed = record.withKey(command.eventId()).withValue(command)
                .withHeaders(passedOn(record.headers()));
        boolean byEvent = isKeyOf(record.key(), command.eventId());
        if (command instanceof ApplyRequest request) {
            if (byEvent || isKeyOf(record.key(), request.eventUserKey())) {
                context.forward(parsed, byEvent ? CouponTopology.DECIDER : CouponTopology.SPREAD_GATE);
                return;
            }
            throw wrongKey(record, "eventId '" + command.eventId() + "' or '" + request.eventUserKey() + "'");
        }
        if (command instanceof ClaimDecided decided) {
            if (isKeyOf(record.key(), decided.eventUserKey())) {
                context.forward(parsed, CouponTopology.SPREAD_GATE);
                return;
            }
            throw wrongKey(record, "'" + decided.eventUserKey() + "'");
        }
        if (!byEvent) {
            throw wrongKey(record, "eventId '" + command.eventId() + "'");
        }
        boolean notice = command instanceof WindowOpened || command instanceof EventSoldOut;
        context.forward(parsed, notice ? CouponTopology.SPREAD_GATE : CouponTopology.DECIDER);
    }

    private static Headers passedOn(Headers input) {
        Headers kept = new RecordHeaders();
        Header type = input.lastHeader(IssuerCommandSerde.TYPE_HEADER);
        if (type != null) {
            kept.add(type); // a known type (it was read by it), so a few bytes
        }
        Header awaited = input.lastHeader(IssuerCommandSerde.AWAITED_HEADER);
        if (awaited != null && awaited.value() != null && awaited.value().length <= MAX_AWAITED_BYTES) {
            kept.add(awaited);
        }
        return kept;
    }

    private static InvalidMessageException wrongKey(Record<byte[], byte[]> record, String expected) {
        return new InvalidMessageException("key", "must equal " + expected + " but was "
                + (record.key() == null ? "null" : "'" + new String(record.key(), StandardCharsets.UTF_8) + "'"));
    }

    /**
     * The key read as bytes against the expected key: a valid id is ASCII (Ids), one byte per char.
     * Decoding every key into a String only to compare it shows in a profile of the stream thread.
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
