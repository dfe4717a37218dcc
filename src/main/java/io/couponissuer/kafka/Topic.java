package io.couponissuer.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Objects;

/**
 * One topic of the system with the serdes of its records, so the name and the way to read it
 * travel together (the shape of Confluent's {@code Schemas.Topics}). Every key is a String: the
 * eventId, which is what keeps one event's records in one partition and in order.
 */
public record Topic<V>(String name, Serde<V> valueSerde) {
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    public Serde<String> keySerde() {
        return Serdes.String();
    }

    /** Reads a record fetched as bytes (headers included: the apply topic's type is one). */
    public V read(ConsumerRecord<?, byte[]> record) {
        return read(record.headers(), record.value());
    }

    /** Reads a value of this topic; a value that breaks its record's contract throws SerializationException. */
    public V read(Headers headers, byte[] value) {
        return valueSerde.deserializer().deserialize(name, headers, value);
    }

    /** Writes a value of this topic as bytes. */
    public byte[] write(V value) {
        return valueSerde.serializer().serialize(name, value);
    }

    @Override
    public String toString() {
        return name;
    }
}
