package io.couponissuer.kafka;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.IssuerCommand;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * Serde of {@code coupon.apply-requests}: the header {@value #TYPE_HEADER} says which record the
 * value is; without the header it is an {@link ApplyRequest}, so a plain producer can apply.
 */
public final class IssuerCommandSerde implements Serde<IssuerCommand>, Serializer<IssuerCommand>,
        Deserializer<IssuerCommand> {
    public static final String TYPE_HEADER = "coupon.type";
    /**
     * On an application whose client waits for the answer ({@code ?waitMs}): the issuer hands the
     * decision to that client as it makes it (issuer.DecisionFeed). Absent otherwise.
     */
    public static final String AWAITED_HEADER = "coupon.awaited";
    public static final String TYPE_APPLY = "ApplyRequest";
    public static final String TYPE_DEFINITION = "EventDefinition";

    private final JsonSerde<IssuerCommand> writer = new JsonSerde<>(IssuerCommand.class);
    private final JsonSerde<ApplyRequest> applications = new JsonSerde<>(ApplyRequest.class);
    private final JsonSerde<EventDefinition> definitions = new JsonSerde<>(EventDefinition.class);

    @Override
    public byte[] serialize(String topic, IssuerCommand data) {
        return writer.serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, IssuerCommand data) {
        if (data != null && headers != null) {
            headers.remove(TYPE_HEADER);
            // An application, by far the most common record, goes without the header (its type when
            // there is none): Kafka Streams copies an input's headers onto every record it writes for it
            // and reads each header on every record it consumes and produces (for its size metrics).
            if (data instanceof EventDefinition) {
                headers.add(TYPE_HEADER, TYPE_DEFINITION.getBytes(StandardCharsets.UTF_8));
            }
        }
        return serialize(topic, data);
    }

    @Override
    public IssuerCommand deserialize(String topic, byte[] data) {
        return applications.deserialize(topic, data);
    }

    @Override
    public IssuerCommand deserialize(String topic, Headers headers, byte[] data) {
        Header type = headers == null ? null : headers.lastHeader(TYPE_HEADER);
        String name = type == null || type.value() == null ? TYPE_APPLY
                : new String(type.value(), StandardCharsets.UTF_8);
        return switch (name) {
            case TYPE_APPLY -> applications.deserialize(topic, data);
            case TYPE_DEFINITION -> definitions.deserialize(topic, data);
            default -> throw new SerializationException("cannot read " + topic + ": unknown " + TYPE_HEADER
                    + " header '" + name + "' (expected " + TYPE_APPLY + " or " + TYPE_DEFINITION + ")");
        };
    }

    static String typeOf(IssuerCommand command) {
        return command instanceof EventDefinition ? TYPE_DEFINITION : TYPE_APPLY;
    }

    @Override
    public Serializer<IssuerCommand> serializer() {
        return this;
    }

    @Override
    public Deserializer<IssuerCommand> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
