package io.couponissuer.ops.lag;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LagRulesTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(10);

    /** Samples one second apart: each pair is (committed, lag). */
    private static List<LagSample> samples(long... committedAndLag) {
        List<LagSample> samples = new ArrayList<>();
        for (int i = 0; i < committedAndLag.length; i += 2) {
            long committed = committedAndLag[i];
            long lag = committedAndLag[i + 1];
            samples.add(new LagSample(T0.plusSeconds(i / 2), committed, committed + lag, lag));
        }
        return samples;
    }

    private static Instant at(int second) {
        return T0.plusSeconds(second);
    }

    @Test
    void caughtUpIsOkEvenWhenTheOffsetDoesNotMove() {
        assertThat(LagRules.status(samples(5, 0, 5, 0, 5, 0), at(0), WINDOW)).isEqualTo(LagStatus.OK);
        assertThat(LagRules.status(samples(5, 0), at(-100), WINDOW)).isEqualTo(LagStatus.OK);
    }

    @Test
    void movingWithSteadyOrShrinkingLagIsOk() {
        assertThat(LagRules.status(samples(10, 5, 20, 5, 30, 5), at(0), WINDOW)).isEqualTo(LagStatus.OK);
        assertThat(LagRules.status(samples(10, 9, 20, 4, 30, 2), at(2), WINDOW)).isEqualTo(LagStatus.OK);
    }

    @Test
    void movingWithLagGrowingAcrossTheWindowIsWarn() {
        assertThat(LagRules.status(samples(10, 5, 20, 8, 30, 12), at(2), WINDOW)).isEqualTo(LagStatus.WARN);
        // A dip breaks the trend; two samples are too few to call a trend.
        assertThat(LagRules.status(samples(10, 5, 20, 3, 30, 12), at(2), WINDOW)).isEqualTo(LagStatus.OK);
        assertThat(LagRules.status(samples(10, 5, 20, 8), at(1), WINDOW)).isEqualTo(LagStatus.OK);
    }

    @Test
    void lagWithACommittedOffsetThatDidNotMoveSinceThePreviousSampleIsStall() {
        assertThat(LagRules.status(samples(10, 5, 20, 5, 20, 9), at(1), WINDOW)).isEqualTo(LagStatus.STALL);
    }

    @Test
    void lagWithNoCommitProgressForLongerThanTheWindowIsStop() {
        // the newest sample is at second 1: unmoved since second -10 is 11 s, longer than the window
        assertThat(LagRules.status(samples(20, 5, 20, 5), at(-10), WINDOW)).isEqualTo(LagStatus.STOP);
        // exactly the window is not longer than the window
        assertThat(LagRules.status(samples(20, 5, 20, 5), at(-9), WINDOW)).isEqualTo(LagStatus.STALL);
    }
}
