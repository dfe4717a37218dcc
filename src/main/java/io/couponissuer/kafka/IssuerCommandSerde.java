package io.couponissuer.kafka;

import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.Claim;
import io.couponissuer.message.ClaimDecided;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.EventSoldOut;
import io.couponissuer.message.WindowOpened;
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
 * value is; without the header it is an {@link ApplyRequest}, so a plain producer can apply. Made with
 * a {@link RecordAuthenticator}, it signs every record it writes (gateways and issuers); without one it
 * only reads and writes (tools, tests), and the issuer refuses what needs an authenticator.
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
    /** Several applications of one event in one record, from a producer that writes the topic directly. */
    public static final String TYPE_APPLY_BATCH = "ApplyBatch";
    /** The records of a spread event's two stages, written by the issuer only. */
    public static final String TYPE_CLAIM = "Claim";
    public static final String TYPE_CLAIM_DECIDED = "ClaimDecided";
    public static final String TYPE_WINDOW_OPENED = "WindowOpened";
    public static final String TYPE_EVENT_SOLD_OUT = "EventSoldOut";

    private final JsonSerde<IssuerCommand> writer = new JsonSerde<>(IssuerCommand.class);
    /** Null: records go unsigned. */
    private final RecordAuthenticator signer;
    private final JsonSerde<ApplyRequest> applications = new JsonSerde<>(ApplicationJson.MAPPER, ApplyRequest.class);
    private final JsonSerde<EventDefinition> definitions = new JsonSerde<>(EventDefinition.class);
    private final JsonSerde<ApplyBatch> batches = new JsonSerde<>(ApplicationJson.MAPPER, ApplyBatch.class);
    private final JsonSerde<Claim> claims = new JsonSerde<>(Claim.class);
    private final JsonSerde<ClaimDecided> claimOutcomes = new JsonSerde<>(ClaimDecided.class);
    private final JsonSerde<WindowOpened> windows = new JsonSerde<>(WindowOpened.class);
    private final JsonSerde<EventSoldOut> soldOuts = new JsonSerde<>(EventSoldOut.class);

    /** Reads, and writes unsigned. */
    public IssuerCommandSerde() {
        this(null);
    }

    /** @param signer signs every record written (null: none) */
    public IssuerCommandSerde(RecordAuthenticator signer) {
        this.signer = signer;
    }

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
            if (!(data instanceof ApplyRequest)) {
                headers.add(TYPE_HEADER, typeOf(data).getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] value = serialize(topic, data);
        if (signer != null && data != null && headers != null) {
            signer.sign(headers, typeOf(data), value);
        }
        return value;
    }

    @Override
    public IssuerCommand deserialize(String topic, byte[] data) {
        return applications.deserialize(topic, data);
    }

    /** The record type a record on the topic declares: its {@value #TYPE_HEADER} header, {@value #TYPE_APPLY} without one. */
    public static String typeOf(Headers headers) {
        Header type = headers == null ? null : headers.lastHeader(TYPE_HEADER);
        return type == null || type.value() == null ? TYPE_APPLY : new String(type.value(), StandardCharsets.UTF_8);
    }

    @Override
    public IssuerCommand deserialize(String topic, Headers headers, byte[] data) {
        String name = typeOf(headers);
        return switch (name) {
            case TYPE_APPLY -> applications.deserialize(topic, data);
            case TYPE_DEFINITION -> definitions.deserialize(topic, data);
            case TYPE_APPLY_BATCH -> batches.deserialize(topic, data);
            case TYPE_CLAIM -> claims.deserialize(topic, data);
            case TYPE_CLAIM_DECIDED -> claimOutcomes.deserialize(topic, data);
            case TYPE_WINDOW_OPENED -> windows.deserialize(topic, data);
            case TYPE_EVENT_SOLD_OUT -> soldOuts.deserialize(topic, data);
            default -> throw new SerializationException("cannot read " + topic + ": unknown " + TYPE_HEADER
                    + " header '" + name + "' (expected one of " + String.join(", ", TYPES) + ")");
        };
    }

    private static final java.util.List<String> TYPES = java.util.List.of(TYPE_APPLY, TYPE_APPLY_BATCH, TYPE_DEFINITION, TYPE_CLAIM,
            TYPE_CLAIM_DECIDED, TYPE_WINDOW_OPENED, TYPE_EVENT_SOLD_OUT);

    public static String typeOf(IssuerCommand command) {
        if (command instanceof EventDefinition) {
            return TYPE_DEFINITION;
        } else if (command instanceof ApplyBatch) {
            return TYPE_APPLY_BATCH;
        } else if (command instanceof Claim) {
            return TYPE_CLAIM;
        } else if (command instanceof ClaimDecided) {
            return TYPE_CLAIM_DECIDED;
        } else if (command instanceof WindowOpened) {
            return TYPE_WINDOW_OPENED;
        } else if (command instanceof EventSoldOut) {
            return TYPE_EVENT_SOLD_OUT;
        }
        return TYPE_APPLY;
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
