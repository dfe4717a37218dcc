package io.couponissuer.kafka;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.couponissuer.json.Json;
import io.couponissuer.message.ApplyBatch;
import io.couponissuer.message.ApplyRequest;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the applications on coupon.apply-requests ({@link ApplyRequest}, {@link ApplyBatch}), the
 * issuer's hot path, field by field from Jackson's streaming parser, under the mapper's rules: ids
 * are strings, instants ISO-8601 strings, unknown fields are ignored, trailing tokens and a field given
 * twice are refused (ApplicationJsonTest holds both to the same answers). One difference: a key twice
 * inside an ignored field is not looked at, since the field is skipped unread.
 *
 * <p>Why not the mapper's own record binding: with ten or more applications per record the issuer's
 * stream thread spends a large part of its time reading them, much of it in the parser's duplicate
 * detection (it builds a HashSet for every object of more than two fields) and in binding through a
 * buffer and a reflective constructor call (JFR, docs/bench-log/2026-11-30-hot-event-against-raw.md). Here
 * the parser's detection is off and each known field is checked by one bit (an unknown one by a set
 * made only when there is one); the records' constructors still validate.
 */
final class ApplicationJson {
    /** The one mapper's configuration, with these two readers and without the parser's duplicate detection. */
    static final ObjectMapper MAPPER = ((JsonMapper) Json.MAPPER).rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .addModule(new SimpleModule("applications")
                    .addDeserializer(ApplyRequest.class, new ApplyRequestReader())
                    .addDeserializer(ApplyBatch.class, new ApplyBatchReader()))
            .build();

    private ApplicationJson() {
    }

    static final class ApplyRequestReader extends StdDeserializer<ApplyRequest> {
        private static final int REQUEST_ID = 1;
        private static final int EVENT_ID = 2;
        private static final int USER_ID = 4;
        private static final int REQUESTED_AT = 8;

        ApplyRequestReader() {
            super(ApplyRequest.class);
        }

        @Override
        public ApplyRequest deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.isExpectedStartObjectToken()) {
                return (ApplyRequest) context.handleUnexpectedToken(ApplyRequest.class, parser);
            }
            String requestId = null;
            String eventId = null;
            String userId = null;
            Instant requestedAt = null;
            int seen = 0;
            Set<String> unknown = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                parser.nextToken();
                int field = switch (name) {
                    case "requestId" -> REQUEST_ID;
                    case "eventId" -> EVENT_ID;
                    case "userId" -> USER_ID;
                    case "requestedAt" -> REQUESTED_AT;
                    default -> 0;
                };
                if (field == 0) {
                    unknown = skipUnknown(parser, unknown, name);
                    continue;
                }
                seen = once(parser, seen, field, name);
                switch (field) {
                    case REQUEST_ID -> requestId = text(parser, context, name);
                    case EVENT_ID -> eventId = text(parser, context, name);
                    case USER_ID -> userId = text(parser, context, name);
                    default -> requestedAt = instant(parser, context, name);
                }
            }
            return new ApplyRequest(requestId, eventId, userId, requestedAt);
        }
    }

    static final class ApplyBatchReader extends StdDeserializer<ApplyBatch> {
        private static final int EVENT_ID = 1;
        private static final int APPLICATIONS = 2;
        private final ApplyRequestReader applications = new ApplyRequestReader();

        ApplyBatchReader() {
            super(ApplyBatch.class);
        }

        @Override
        public ApplyBatch deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (!parser.isExpectedStartObjectToken()) {
                return (ApplyBatch) context.handleUnexpectedToken(ApplyBatch.class, parser);
            }
            String eventId = null;
            List<ApplyRequest> list = null;
            int seen = 0;
            Set<String> unknown = null;
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                parser.nextToken();
                if (name.equals("eventId")) {
                    seen = once(parser, seen, EVENT_ID, name);
                    eventId = text(parser, context, name);
                } else if (name.equals("applications")) {
                    seen = once(parser, seen, APPLICATIONS, name);
                    list = list(parser, context, name);
                } else {
                    unknown = skipUnknown(parser, unknown, name);
                }
            }
            return new ApplyBatch(eventId, list);
        }

        private List<ApplyRequest> list(JsonParser parser, DeserializationContext context, String name)
                throws IOException {
            if (parser.hasToken(JsonToken.VALUE_NULL)) {
                return null;
            }
            if (!parser.isExpectedStartArrayToken()) {
                throw JsonMappingException.wrapWithPath(context.wrongTokenException(parser, List.class,
                        JsonToken.START_ARRAY, null), ApplyBatch.class, name);
            }
            List<ApplyRequest> list = new ArrayList<>();
            // The constructor refuses more than MAX_APPLICATIONS; reading stops one past it.
            while (parser.nextToken() != JsonToken.END_ARRAY && list.size() <= ApplyBatch.MAX_APPLICATIONS) {
                try {
                    list.add(parser.hasToken(JsonToken.VALUE_NULL) ? null : applications.deserialize(parser, context));
                } catch (JsonMappingException e) {
                    throw JsonMappingException.wrapWithPath(JsonMappingException.wrapWithPath(e, list, list.size()),
                            ApplyBatch.class, name);
                }
            }
            return list;
        }
    }

    /**
     * Skips a field no record has, refusing it the second time as the mapper does; the set of such
     * names exists only once there is one, so an application without them pays nothing.
     */
    private static Set<String> skipUnknown(JsonParser parser, Set<String> unknown, String name) throws IOException {
        Set<String> names = unknown == null ? new HashSet<>(4) : unknown;
        if (!names.add(name)) {
            throw new JsonParseException(parser, "Duplicate field '" + name + "'");
        }
        parser.skipChildren();
        return names;
    }

    /** Marks a known field as seen; the second time it is refused as the parser's detection would. */
    private static int once(JsonParser parser, int seen, int field, String name) throws JsonParseException {
        if ((seen & field) != 0) {
            throw new JsonParseException(parser, "Duplicate field '" + name + "'");
        }
        return seen | field;
    }

    private static String text(JsonParser parser, DeserializationContext context, String name) throws IOException {
        if (parser.hasToken(JsonToken.VALUE_STRING)) {
            return parser.getText();
        }
        if (parser.hasToken(JsonToken.VALUE_NULL)) {
            return null;
        }
        throw JsonMappingException.wrapWithPath(context.wrongTokenException(parser, String.class,
                JsonToken.VALUE_STRING, null), ApplyRequest.class, name);
    }

    private static Instant instant(JsonParser parser, DeserializationContext context, String name) throws IOException {
        if (parser.hasToken(JsonToken.VALUE_NULL)) {
            return null;
        }
        if (!parser.hasToken(JsonToken.VALUE_STRING)) {
            throw JsonMappingException.wrapWithPath(context.wrongTokenException(parser, Instant.class,
                    JsonToken.VALUE_STRING, null), ApplyRequest.class, name);
        }
        String text = parser.getText();
        try {
            return Json.parseInstant(text);
        } catch (DateTimeParseException e) {
            throw JsonMappingException.wrapWithPath(context.weirdStringException(text, Instant.class,
                    Json.INSTANT_EXPECTED), ApplyRequest.class, name);
        }
    }
}
