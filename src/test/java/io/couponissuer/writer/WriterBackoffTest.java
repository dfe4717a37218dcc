package io.couponissuer.writer;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriterBackoffTest {
    @Test
    void doublesWithJitterUpToTheCapAndStartsOverAfterReset() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));

        assertThat(backoff.next().toMillis()).isBetween(80L, 100L);
        assertThat(backoff.next().toMillis()).isBetween(160L, 200L);
        assertThat(backoff.next().toMillis()).isBetween(320L, 400L);
        assertThat(backoff.next().toMillis()).isBetween(640L, 800L);
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.next().toMillis()).isBetween(800L, 1000L);
        }
        assertThat(backoff.failures()).isEqualTo(104);

        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next().toMillis()).isBetween(80L, 100L);
    }

    @Test
    void refusesAnInitialAboveTheCap() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
