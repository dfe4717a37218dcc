package io.couponissuer.ops.lag;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EndOffsetTimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void interpolatesTheCommittedOffsetBetweenTheSamplesAroundIt() {
        EndOffsetTimeline timeline = new EndOffsetTimeline();
        timeline.record(100, T0);
        timeline.record(200, T0.plusSeconds(10));
        timeline.record(200, T0.plusSeconds(15)); // flat: the time 200 was first reached stays
        timeline.record(400, T0.plusSeconds(20));
        Instant now = T0.plusSeconds(30);
        // offset 150 was written half-way between T0 and T0+10s
        assertThat(timeline.lag(150, now)).isEqualTo(Duration.ofSeconds(25));
        // offset 300: half-way between 200 (first seen T0+10) and 400 (T0+20)
        assertThat(timeline.lag(300, now)).isEqualTo(Duration.ofSeconds(15));
        assertThat(timeline.lag(400, now)).isEqualTo(Duration.ZERO);
    }

    @Test
    void extrapolatesBelowTheOldestSampleAndBoundsWithOnePoint() {
        EndOffsetTimeline timeline = new EndOffsetTimeline();
        timeline.record(100, T0);
        assertThat(timeline.lag(50, T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(4));
        timeline.record(200, T0.plusSeconds(10)); // 10 offsets per second
        assertThat(timeline.lag(50, T0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void aShrinkingEndOffsetStartsANewTimeline() {
        EndOffsetTimeline timeline = new EndOffsetTimeline();
        timeline.record(1000, T0);
        timeline.record(10, T0.plusSeconds(5));
        assertThat(timeline.lag(5, T0.plusSeconds(6))).isEqualTo(Duration.ofSeconds(1));
    }
}
