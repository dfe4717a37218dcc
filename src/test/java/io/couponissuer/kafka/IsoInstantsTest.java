package io.couponissuer.kafka;

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
            long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 0001-9999
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            String text = instant.toString();
            assertThat(IsoInstants.parseUtc(text)).as(text).isEqualTo(instant);
            assertThat(IsoInstants.parse(text)).isEqualTo(Instant.parse(text));
        }
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
