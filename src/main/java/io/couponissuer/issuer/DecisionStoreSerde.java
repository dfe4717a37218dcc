package io.couponissuer.issuer;

import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.message.Decision;
import io.couponissuer.message.RejectReason;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The decisions store's value format: a few bytes instead of a JSON document. Every applicant's
 * decision is written once and read on each repeat, and Jackson on this path was a tenth of the
 * stream thread. The store and its changelog are internal; the messages on the topics stay JSON.
 *
 * <p>Layout (big-endian): version 1; status 0=ISSUED 1=REJECTED; reason ordinal + 1 (0 = none);
 * requestId, eventId, userId, couponId as length-prefixed UTF-8 (-1 = null); seq (-1 = null);
 * decidedAt as epoch second and nano, after a presence byte. A value that starts with '{' is the JSON
 * that stores written before this format hold, and is still read.
 */
final class DecisionStoreSerde implements Serde<Decision>, Serializer<Decision>, Deserializer<Decision> {
    private static final byte VERSION = 1;
    private static final RejectReason[] REASONS = RejectReason.values();
    private static final Decision.Status[] STATUSES = Decision.Status.values();

    private final JsonSerde<Decision> legacyJson = new JsonSerde<>(Decision.class);

    @Override
    public byte[] serialize(String topic, Decision decision) {
        if (decision == null) {
            return null;
        }
        byte[] requestId = utf8(decision.requestId());
        byte[] eventId = utf8(decision.eventId());
        byte[] userId = utf8(decision.userId());
        byte[] couponId = utf8(decision.couponId());
        int size = 3 + 4 * 4 + length(requestId) + length(eventId) + length(userId) + length(couponId) + 8 + 1 + 12;
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        out.put((byte) decision.status().ordinal());
        out.put((byte) (decision.reason() == null ? 0 : decision.reason().ordinal() + 1));
        putString(out, requestId);
        putString(out, eventId);
        putString(out, userId);
        putString(out, couponId);
        out.putLong(decision.seq() == null ? -1 : decision.seq());
        if (decision.decidedAt() == null) {
            out.put((byte) 0);
        } else {
            out.put((byte) 1).putLong(decision.decidedAt().getEpochSecond()).putInt(decision.decidedAt().getNano());
        }
        return out.position() == size ? out.array() : Arrays.copyOf(out.array(), out.position());
    }

    @Override
    public Decision deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 0 && data[0] == '{') {
            return legacyJson.deserialize(topic, data);
        }
        if (data.length == 0 || data[0] != VERSION) {
            throw new SerializationException("cannot read Decision from " + topic + ": unknown format "
                    + (data.length == 0 ? "(empty)" : "version " + data[0]));
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
            Decision.Status status = STATUSES[in.get()];
            int reason = in.get();
            String requestId = getString(in);
            String eventId = getString(in);
            String userId = getString(in);
            String couponId = getString(in);
            long seq = in.getLong();
            Instant decidedAt = in.get() == 0 ? null : Instant.ofEpochSecond(in.getLong(), in.getInt());
            return new Decision(requestId, eventId, userId, status, reason == 0 ? null : REASONS[reason - 1], couponId,
                    seq < 0 ? null : seq, decidedAt);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException
                 | DateTimeException e) {
            throw new SerializationException("cannot read Decision from " + topic + ": corrupt value", e);
        }
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putString(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(-1);
        } else {
            out.putInt(bytes.length).put(bytes);
        }
    }

    private static String getString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }

    @Override
    public Serializer<Decision> serializer() {
        return this;
    }

    @Override
    public Deserializer<Decision> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
