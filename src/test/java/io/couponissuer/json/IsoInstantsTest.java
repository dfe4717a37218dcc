package io.couponissuer.json;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The fast path accepts exactly what {@link Instant#parse} accepts, with the same value. */
class IsoInstantsTest {
    @Test
    void agreesWithInstantParseOnRandomInstantsOfEveryPrecision() {
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = randomInstant(random, i, -62_135_596_800L, 253_402_300_799L); // years 0001-9999
            String text = instant.toString();
            assertThat(IsoInstants.parseUtc(text)).as(text).isEqualTo(instant);
            assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void formatsExactlyAsInstantToString() {
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            // a day beyond 0000-9999 on both sides, where format falls back to toString
            Instant instant = randomInstant(random, i, -62_167_219_200L - 86_400, 253_402_300_799L + 86_400);
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
        }
        for (Instant edge : List.of(Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1, 999_999_999),
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"))) {
            assertThat(IsoInstants.format(edge)).isEqualTo(edge.toString());
        }
    }

    @Test
    void theMapperWritesInstantsThroughTheFastPath() throws Exception {
        assertThat(Json.MAPPER.getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(Json.IsoInstantSerializer.class);
        Instant instant = Instant.parse("2026-11-25T10:00:00.120Z");
        assertThat(Json.MAPPER.writeValueAsString(instant)).isEqualTo("\"2026-11-25T10:00:00.120Z\"");
        assertThat(Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(instant), Instant.class)).isEqualTo(instant);
    }

    /** Seconds in [from, to); whole seconds, milli, micro and nano precision in turn. */
    private static Instant randomInstant(Random random, int i, long from, long to) {
        int nanos = switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(random.nextLong(from, to), nanos);
    }

    @Test
    void otherAndBadFormsEndExactlyAsWithInstantParse() {
        for (String text : List.of("2026-11-25T10:00:00+01:00", "2026-11-25T10:00:00.5+09:00", "+12026-01-01T00:00:00Z",
                "2026-11-25T24:00:00Z", "2026-11-25T23:59:60Z", "2026-02-30T10:00:00Z", "2026-11-25T10:00:00.Z",
                "2026-11-25T10:00:00.1234567890Z", "2026-11-25 10:00:00Z", "2026-1a-25T10:00:00Z", "tomorrow", "")) {
            Instant fast = IsoInstants.parseUtc(text);
            Instant expected;
            try {
                expected = Instant.parse(text);
            } catch (DateTimeParseException e) {
                assertThat(fast).as(text).isNull();
                assertThatThrownBy(() -> IsoInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(IsoInstants.parse(text)).as(text).isEqualTo(expected);
            if (fast != null) {
                assertThat(fast).as(text).isEqualTo(expected);
            }
        }
    }
}
