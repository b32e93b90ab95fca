package io.icn.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void movesOnlyWhenAdvancedOrSet() {
        ManualClock clock = new ManualClock(START);
        assertThat(clock.instant()).isEqualTo(START);
        assertThat(clock.millis()).isEqualTo(START.toEpochMilli());
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);

        assertThat(clock.advance(Duration.ofSeconds(6))).isEqualTo(START.plusSeconds(6));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(6));
        clock.set(START.minusSeconds(60));
        assertThat(clock.instant()).isEqualTo(START.minusSeconds(60));
        assertThat(clock.advance(Duration.ZERO)).isEqualTo(START.minusSeconds(60));
    }

    @Test
    void refusesToAdvanceBackwards() {
        ManualClock clock = new ManualClock(START);
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
        assertThat(clock.instant()).isEqualTo(START);
    }

    @Test
    void zonedViewsShareTheInstant() {
        ManualClock clock = new ManualClock(START);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);

        clock.advance(Duration.ofMinutes(5));
        assertThat(paris.instant()).isEqualTo(START.plusSeconds(300));
        ((ManualClock) paris).advance(Duration.ofMinutes(5));
        assertThat(clock.instant()).isEqualTo(START.plusSeconds(600));
    }
}
