package io.ticklake.ops.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.schema.v1.AlertSeverity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VenueHealthTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2024-08-08T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  final ManualClock clock = new ManualClock();
  final VenueHealth health = new VenueHealth("binance-usdm", HealthThresholds.DEFAULT, clock);
  final List<Transition> transitions = new ArrayList<>();

  void fail(int times, String reason) {
    for (int i = 0; i < times; i++) {
      health.failure(reason).ifPresent(transitions::add);
      clock.advance(Duration.ofSeconds(10));
    }
  }

  void succeed(int times) {
    for (int i = 0; i < times; i++) {
      health.success("data flowing").ifPresent(transitions::add);
      clock.advance(Duration.ofSeconds(10));
    }
  }

  @Test
  void degradesAtThreeFailuresAndGoesDownAtTenWithOneTransitionEach() {
    fail(2, "timeout");
    assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
    assertThat(transitions).isEmpty();

    fail(1, "timeout");
    assertThat(health.state()).isEqualTo(HealthState.DEGRADED);
    assertThat(transitions).hasSize(1);
    assertThat(transitions.get(0).message())
        .isEqualTo("binance-usdm: HEALTHY → DEGRADED | failures 3/10 in 60m | reason: timeout");
    assertThat(transitions.get(0).severity()).isEqualTo(AlertSeverity.WARNING);

    fail(6, "connection refused");
    assertThat(health.state()).isEqualTo(HealthState.DEGRADED);
    assertThat(transitions).hasSize(1);

    fail(1, "connection refused");
    assertThat(health.state()).isEqualTo(HealthState.DOWN);
    assertThat(transitions).hasSize(2);
    assertThat(transitions.get(1).message())
        .isEqualTo("binance-usdm: DEGRADED → DOWN | failures 10/10 in 60m | reason: connection refused");
    assertThat(transitions.get(1).severity()).isEqualTo(AlertSeverity.CRITICAL);

    fail(20, "connection refused");
    assertThat(transitions).as("no repeats while the state stays").hasSize(2);
  }

  @Test
  void recoversAfterThreeConsecutiveSuccessesAndStartsOver() {
    fail(10, "connection refused");
    assertThat(health.state()).isEqualTo(HealthState.DOWN);
    succeed(2);
    fail(1, "connection refused"); // breaks the run
    succeed(2);
    assertThat(health.state()).isEqualTo(HealthState.DOWN);
    succeed(1);
    assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
    Transition back = transitions.get(transitions.size() - 1);
    assertThat(back.from()).isEqualTo(HealthState.DOWN);
    assertThat(back.message())
        .isEqualTo("binance-usdm: DOWN → HEALTHY | successes 3/3 in a row | reason: data flowing");
    assertThat(back.severity()).isEqualTo(AlertSeverity.INFO);
    // The window was cleared: it takes three new failures to degrade again.
    assertThat(health.failuresInWindow()).isZero();
    fail(2, "timeout");
    assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
    succeed(5);
    assertThat(transitions).hasSize(3);
  }

  @Test
  void degradedRecoversToo() {
    fail(3, "timeout");
    succeed(3);
    assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
    assertThat(transitions).extracting(Transition::to).containsExactly(HealthState.DEGRADED, HealthState.HEALTHY);
  }

  @Test
  void failuresOlderThanTheWindowDoNotCount() {
    fail(2, "timeout");
    clock.advance(Duration.ofMinutes(60));
    fail(2, "timeout");
    assertThat(health.state()).isEqualTo(HealthState.HEALTHY);
    assertThat(health.failuresInWindow()).isEqualTo(2);
    fail(1, "timeout");
    assertThat(health.state()).isEqualTo(HealthState.DEGRADED);
  }

  @Test
  void successesWhileHealthyDoNotHideFailures() {
    fail(2, "timeout");
    succeed(10);
    fail(1, "timeout");
    assertThat(health.state()).isEqualTo(HealthState.DEGRADED);
  }

  @Test
  void downStaysDownWhenItsFailuresAgeOutUntilDataFlowsAgain() {
    fail(10, "connection refused");
    clock.advance(Duration.ofHours(2));
    assertThat(health.failuresInWindow()).isZero();
    fail(1, "connection refused");
    assertThat(health.state()).isEqualTo(HealthState.DOWN);
    assertThat(transitions).hasSize(2);
  }

  @Test
  void configurableThresholds() {
    VenueHealth h =
        new VenueHealth("okx", new HealthThresholds(1, 2, Duration.ofSeconds(90), 1), clock);
    Optional<Transition> t = h.failure("timeout");
    assertThat(t).map(Transition::message).contains("okx: HEALTHY → DEGRADED | failures 1/2 in 90s | reason: timeout");
    assertThat(h.failure("timeout")).map(Transition::to).contains(HealthState.DOWN);
    assertThat(h.success("ok")).map(Transition::to).contains(HealthState.HEALTHY);
  }

  @Test
  void invalidThresholdsAreRefused() {
    assertThatThrownBy(() -> new HealthThresholds(3, 3, Duration.ofMinutes(1), 1))
        .hasMessageContaining("down threshold");
    assertThatThrownBy(() -> new HealthThresholds(0, 3, Duration.ofMinutes(1), 1))
        .hasMessageContaining("degraded threshold");
    assertThatThrownBy(() -> new HealthThresholds(1, 3, Duration.ZERO, 1)).hasMessageContaining("window");
    assertThatThrownBy(() -> new HealthThresholds(1, 3, Duration.ofMinutes(1), 0))
        .hasMessageContaining("recovery");
  }
}
