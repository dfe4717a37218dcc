package io.couponissuer.kafka;

import io.couponissuer.message.ApplyRequest;
import io.couponissuer.message.CouponIssued;
import io.couponissuer.message.EventDefinition;
import io.couponissuer.message.RejectReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's reader skips the coupons of an event once it is left to the issuer
 * ({@link CommittedEvents}): sound only if nothing read after that changes an answer.
 */
class CommittedEventTest {
    private static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    @Test
    void anEventWithASeqMissingIsLeftToTheIssuerAndProvesNothingWhateverFollows() {
        CommittedEvent event = new CommittedEvent("e");
        event.defined(new EventDefinition("e", 3, null, null), 0);
        event.issued(coupon(1, "u1"), true);
        assertThat(event.leftToIssuer()).isFalse();

        event.issued(coupon(3, "u3"), true);
        assertThat(event.leftToIssuer()).isTrue();
        event.issued(coupon(2, "u2"), true);
        event.defined(new EventDefinition("e", 3, null, null), 3); // the sold-out notice

        assertThat(event.leftToIssuer()).isTrue();
        for (String user : new String[] {"u1", "u2", "u3", "u4"}) {
            assertThat(event.proves(application(user))).as(user).isEmpty();
            assertThat(event.holding(user)).as(user).isEmpty();
        }
    }

    @Test
    void anEventOverTheGatewaysBoundIsLeftToTheIssuer() {
        CommittedEvent event = new CommittedEvent("e");
        event.defined(new EventDefinition("e", 2, null, null), 0);
        assertThat(event.issued(coupon(1, "u1"), true)).isEqualTo(1);
        assertThat(event.issued(coupon(2, "u2"), false)).isEqualTo(-1);
        event.defined(new EventDefinition("e", 2, null, null), 2);

        assertThat(event.leftToIssuer()).isTrue();
        assertThat(event.proves(application("u1"))).isEmpty();
        assertThat(event.proves(application("u9"))).isEmpty();
    }

    @Test
    void aCompleteEventProvesTheHoldersDuplicateAndTheSellOut() {
        CommittedEvent event = new CommittedEvent("e");
        event.defined(new EventDefinition("e", 1, null, null), 0);
        event.issued(coupon(1, "u1"), true);
        event.defined(new EventDefinition("e", 1, null, null), 1);

        assertThat(event.leftToIssuer()).isFalse();
        assertThat(event.proves(application("u1"))).get().extracting(r -> r.reason()).isEqualTo(RejectReason.DUPLICATE);
        assertThat(event.proves(application("u2"))).get().extracting(r -> r.reason()).isEqualTo(RejectReason.SOLD_OUT);
    }

    private static CouponIssued coupon(long seq, String user) {
        return new CouponIssued(CouponIssued.couponIdOf("e", seq), "e", user, "r-" + user, seq, NOW);
    }

    private static ApplyRequest application(String user) {
        return new ApplyRequest("q-" + user, "e", user, NOW);
    }
}
