package io.ticklake.producers.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightPolicyTest {
  /** The start of a one-minute window (a multiple of 60,000 ms). */
  private static final long T0 = 28_333_334L * 60_000L;
  private static final String HEADER = "X-MBX-USED-WEIGHT-1M";

  private static HttpHeaders headers(String name, String value) {
    return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
  }

  @Test
  void callsGoUntilTheStopFractionAndAreHeldUntilTheNextWindow() {
    WeightPolicy policy = new WeightPolicy(100, 0.8, 60_000, HEADER);
    assertThat(policy.acquire("/fapi/v1/depth", 20, T0 + 10)).isZero();
    assertThat(policy.acquire("/fapi/v1/depth", 20, T0 + 20)).isZero();
    assertThat(policy.acquire("/fapi/v1/depth", 20, T0 + 30)).isZero();
    assertThat(policy.acquire("/fapi/v1/depth", 20, T0 + 40)).isZero(); // exactly 80: still allowed
    assertThat(policy.used()).isEqualTo(80);

    // 81 > 80% of 100: held until the next window starts (plus a margin), nothing taken.
    long wait = policy.acquire("/fapi/v1/depth", 1, T0 + 1_000);
    assertThat(wait).isEqualTo(60_000 - 1_000 + 50);
    assertThat(policy.used()).isEqualTo(80);
    // Asking again later in the same window: the wait shrinks with the time left.
    assertThat(policy.acquire("/fapi/v1/depth", 1, T0 + 59_000)).isEqualTo(1_050);
    assertThat(policy.used()).isEqualTo(80);

    // Next window: the budget is whole again.
    assertThat(policy.acquire("/fapi/v1/depth", 80, T0 + 60_000)).isZero();
    assertThat(policy.used()).isEqualTo(80);
    assertThat(policy.acquire("/fapi/v1/depth", 1, T0 + 60_001)).isEqualTo(60_000 - 1 + 50);
  }

  @Test
  void aCallCostlierThanTheStopLevelWaitsEvenInAFreshWindow() {
    WeightPolicy policy = new WeightPolicy(100, 0.5, 60_000, null);
    assertThat(policy.acquire("/x", 51, T0)).isEqualTo(60_000 + 50);
    assertThat(policy.acquire("/x", 50, T0)).isZero();
  }

  @Test
  void learnsTheVenuesUsedWeightFromTheHeader() {
    WeightPolicy policy = new WeightPolicy(100, 0.8, 60_000, HEADER);
    assertThat(policy.acquire("/fapi/v1/depth", 10, T0 + 100)).isZero();
    // The venue counted more than we did (another process on the same IP): its count wins.
    policy.observe(200, headers(HEADER, "75"), T0 + 200);
    assertThat(policy.used()).isEqualTo(75);
    assertThat(policy.acquire("/fapi/v1/depth", 5, T0 + 300)).isZero();
    assertThat(policy.acquire("/fapi/v1/depth", 1, T0 + 400)).isPositive();

    // A lower count in the same window does not lower ours (calls in flight it has not seen yet).
    policy.observe(200, headers(HEADER, "20"), T0 + 500);
    assertThat(policy.used()).isEqualTo(80);
  }

  @Test
  void headerNameIsMatchedWhateverItsCase() {
    WeightPolicy policy = new WeightPolicy(100, 0.8, 60_000, HEADER);
    policy.observe(200, headers("x-mbx-used-weight-1m", " 42 "), T0 + 1);
    assertThat(policy.used()).isEqualTo(42);
  }

  @Test
  void headerFromANewWindowReplacesTheOldCount() {
    WeightPolicy policy = new WeightPolicy(100, 0.8, 60_000, HEADER);
    assertThat(policy.acquire("/x", 70, T0 + 10)).isZero();
    // The first answer of the next window says 30 used (counted by the venue in that window).
    policy.observe(200, headers(HEADER, "30"), T0 + 60_500);
    assertThat(policy.used()).isEqualTo(30);
    // And acquire in that same window does not reset it to zero.
    assertThat(policy.acquire("/x", 50, T0 + 61_000)).isZero();
    assertThat(policy.used()).isEqualTo(80);
    assertThat(policy.acquire("/x", 1, T0 + 61_000)).isEqualTo(60_000 - 1_000 + 50);
  }

  @Test
  void unreadableOrAbsentHeaderTeachesNothing() {
    WeightPolicy policy = new WeightPolicy(100, 0.8, 60_000, HEADER);
    assertThat(policy.acquire("/x", 12, T0)).isZero();
    policy.observe(200, headers(HEADER, "lots"), T0 + 1);
    assertThat(policy.used()).isEqualTo(12);
    policy.observe(200, headers("Content-Type", "application/json"), T0 + 2);
    assertThat(policy.used()).isEqualTo(12);

    WeightPolicy headless = new WeightPolicy(100, 0.8, 60_000, null);
    assertThat(headless.acquire("/x", 12, T0)).isZero();
    headless.observe(200, headers(HEADER, "99"), T0 + 1);
    assertThat(headless.used()).isEqualTo(12);
  }

  @Test
  void rejectsNonsenseLimits() {
    assertThatThrownBy(() -> new WeightPolicy(0, 0.8, 60_000, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WeightPolicy(100, 0, 60_000, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WeightPolicy(100, 1.5, 60_000, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WeightPolicy(100, 0.8, 0, null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new WeightPolicy(2400, 0.8, 60_000, HEADER).describe()).contains("2400").contains("80%");
  }
}
