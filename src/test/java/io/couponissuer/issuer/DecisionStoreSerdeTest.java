package io.couponissuer.issuer;

import io.couponissuer.kafka.JsonSerde;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.Decision;
import io.couponissuer.message.RejectReason;
import io.couponissuer.message.Rejection;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecisionStoreSerdeTest {
    private final DecisionStoreSerde serde = new DecisionStoreSerde();

    private static List<Decision> examples() {
        Instant at = Instant.parse("2026-11-25T10:00:00.123456789Z");
        return List.of(
                Decision.issued(new CouponIssued("e1-7", "e1", "user:1.a_b", "req-1", 7, at)),
                Decision.rejected(new Rejection("req-2", "e1", "u2", RejectReason.SOLD_OUT, at, null)),
                new Decision("req-3", "e1", "u3", Decision.Status.REJECTED, null, null, null, null),
                new Decision("r".repeat(64), "e".repeat(64), "u".repeat(64), Decision.Status.ISSUED, null,
                        "c".repeat(100), Long.MAX_VALUE, Instant.EPOCH));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        for (Decision decision : examples()) {
            assertThat(serde.deserialize("t", serde.serialize("t", decision))).isEqualTo(decision);
        }
    }

    @Test
    void readsTheJsonThatEarlierVersionsStored() {
        JsonSerde<Decision> json = new JsonSerde<>(Decision.class);
        for (Decision decision : examples()) {
            assertThat(serde.deserialize("t", json.serialize("t", decision))).isEqualTo(decision);
        }
    }

    @Test
    void isSmallerThanTheJson() {
        JsonSerde<Decision> json = new JsonSerde<>(Decision.class);
        Decision sold = examples().get(1);
        assertThat(serde.serialize("t", sold).length).isLessThan(json.serialize("t", sold).length);
    }

    @Test
    void refusesUnknownVersionsAndCutValuesWithAClearError() {
        byte[] good = serde.serialize("t", examples().get(0));
        byte[] future = good.clone();
        future[0] = 9;
        assertThatThrownBy(() -> serde.deserialize("t", future)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("version 9");
        assertThatThrownBy(() -> serde.deserialize("t", Arrays.copyOf(good, good.length - 5)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("corrupt");
        assertThatThrownBy(() -> serde.deserialize("t", new byte[0])).isInstanceOf(SerializationException.class)
                .hasMessageContaining("empty");
    }
}
