package io.couponissuer.kafka;

import io.couponissuer.message.RejectionBatch;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serde of the batch shape of {@code coupon.rejected}: writes the header
 * {@code coupon.type: RejectionBatch} that tells a reader the record holds many rejections
 * ({@link Topics#readDecisions}); a record without it holds one.
 */
public final class RejectionBatchSerde implements Serde<RejectionBatch>, Serializer<RejectionBatch>,
        Deserializer<RejectionBatch> {
    public static final String TYPE = "RejectionBatch";
    private static final byte[] TYPE_BYTES = TYPE.getBytes(StandardCharsets.UTF_8);

    private final JsonSerde<RejectionBatch> json = new JsonSerde<>(RejectionBatch.class);

    /** Whether a record of coupon.rejected with these headers holds a batch. */
    public static boolean isBatch(Headers headers) {
        return TYPE.equals(IssuerCommandSerde.typeOf(headers));
    }

    @Override
    public byte[] serialize(String topic, RejectionBatch data) {
        return json.serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, RejectionBatch data) {
        if (data != null && headers != null) {
            headers.remove(IssuerCommandSerde.TYPE_HEADER);
            headers.add(IssuerCommandSerde.TYPE_HEADER, TYPE_BYTES);
        }
        return serialize(topic, data);
    }

    @Override
    public RejectionBatch deserialize(String topic, byte[] data) {
        return json.deserialize(topic, data);
    }

    @Override
    public Serializer<RejectionBatch> serializer() {
        return this;
    }

    @Override
    public Deserializer<RejectionBatch> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
