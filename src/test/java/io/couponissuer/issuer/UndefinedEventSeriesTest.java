package io.couponissuer.issuer;

import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anybody may apply for a made-up event, straight on the topic too: the issuer's series stay one per
 * defined event, and every undefined one shares {@link RejectionCounter#UNDEFINED_EVENT}.
 */
class UndefinedEventSeriesTest {
    @TempDir
    Path stateDir;
    IssuerDriver issuer;

    @BeforeEach
    void start() {
        issuer = new IssuerDriver(stateDir);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    @Test
    void madeUpEventsShareOneSeriesWhetherKeyedByEventOrByUser() {
        issuer.define("real", 1);
        issuer.apply("real", "u-1");
        issuer.apply("real", "u-2");
        for (int i = 0; i < 2_000; i++) {
            issuer.apply("fake-" + i, "u-" + i);
            issuer.applySpread("spread-fake-" + i, "u-" + i);
        }

        assertThat(issuer.rejected()).hasSize(1 + 4_000);
        Set<String> events = issuer.registry.getMeters().stream().map(Meter::getId)
                .filter(id -> id.getName().startsWith("coupon.issuer"))
                .map(id -> id.getTag("event")).collect(Collectors.toSet());
        assertThat(events).containsExactlyInAnyOrder("real", RejectionCounter.UNDEFINED_EVENT);
        assertThat(issuer.registry.getMeters()).hasSizeLessThan(10);
        assertThat(issuer.registry.get("coupon.issuer.rejections").tag("event", RejectionCounter.UNDEFINED_EVENT)
                .counter().count()).isEqualTo(4_000);
    }
}
