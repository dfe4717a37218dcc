package io.couponissuer.kafka;

import io.couponissuer.json.Json;
import io.couponissuer.json.JsonErrors;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.lang.reflect.Modifier;

/**
 * JSON serde for one message record. Reading validates (the records' constructors check their
 * fields), so a record that breaks the contract fails here, names the field, and goes to the
 * failed topic instead of into the decision.
 */
public final class JsonSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final Class<T> type;
    /** Resolved once: the issuer reads and writes these per record. */
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public JsonSerde(Class<T> type) {
        this(Json.MAPPER, type);
    }

    /** @param mapper {@link Json#MAPPER}, or one built from it with readers of its own (ApplicationJson) */
    JsonSerde(ObjectMapper mapper, Class<T> type) {
        this.type = type;
        this.reader = mapper.readerFor(type);
        // A fixed root type for records; an interface (IssuerCommand) must be written as its runtime class.
        this.writer = Modifier.isFinal(type.getModifiers()) ? mapper.writerFor(type) : mapper.writer();
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            return writer.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        String name = type.getSimpleName();
        if (data == null || data.length == 0) {
            throw new SerializationException("cannot read " + name + " from " + topic + ": empty value");
        }
        try {
            T value = reader.readValue(data);
            if (value == null) {
                throw new SerializationException("cannot read " + name + " from " + topic + ": null");
            }
            return value;
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException("cannot read " + name + " from " + topic + ": "
                    + JsonErrors.describe(e).message(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
