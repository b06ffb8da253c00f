package io.ticklake.producers.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitPolicyTest {
  private static final long T0 = 28_333_334L * 60_000L; // a window start
  private static final String HEADER = "X-MBX-USED-WEIGHT-1M";

  @Test
  void perEndpointTakesFromTheMatchingRuleAndFromTheSharedBudget() {
    WeightPolicy shared = new WeightPolicy(100, 1.0, 60_000, HEADER);
    LimitPolicy policy =
        LimitPolicy.perEndpoint(shared, Map.of("/api/v3/depth", new TokenBucketPolicy(1, 1)));

    assertThat(policy.acquire("/api/v3/depth", 10, T0)).isZero();
    assertThat(shared.used()).isEqualTo(10);
    // The endpoint's bucket is empty: wait, and the shared weight is not taken.
    assertThat(policy.acquire("/api/v3/depth", 10, T0)).isEqualTo(1_000);
    assertThat(shared.used()).isEqualTo(10);
    // Another path has no endpoint limit: only the shared budget counts.
    assertThat(policy.acquire("/api/v3/trades", 10, T0)).isZero();
    assertThat(policy.acquire("/api/v3/trades", 10, T0)).isZero();
    assertThat(shared.used()).isEqualTo(30);
  }

  @Test
  void theEndpointShareIsTakenEvenWhenTheSharedBudgetSaysWait() {
    WeightPolicy shared = new WeightPolicy(100, 1.0, 60_000, null);
    LimitPolicy policy =
        LimitPolicy.perEndpoint(shared, Map.of("/api/v3/depth", new TokenBucketPolicy(1, 1)));
    assertThat(policy.acquire("/api/v3/trades", 100, T0)).isZero(); // shared budget spent
    // The endpoint bucket has its token: it is taken, then the shared budget holds the call.
    assertThat(policy.acquire("/api/v3/depth", 1, T0 + 1_000)).isEqualTo(60_000 - 1_000 + 50);
    // So the endpoint bucket is empty now, and says so before the shared budget is asked.
    assertThat(policy.acquire("/api/v3/depth", 1, T0 + 1_000)).isEqualTo(1_000);
    // Next window: the bucket refilled, the weight reset.
    assertThat(policy.acquire("/api/v3/depth", 1, T0 + 60_000)).isZero();
  }

  @Test
  void observeReachesEveryPolicyAndThrottlesAreTheSharedPolicys() {
    WeightPolicy shared = new WeightPolicy(100, 0.8, 60_000, HEADER);
    WeightPolicy endpoint = new WeightPolicy(50, 1.0, 60_000, HEADER);
    LimitPolicy throttling = new LimitPolicy() {
      @Override
      public long acquire(String path, int cost, long nowMillis) {
        return 0;
      }

      @Override
      public boolean isThrottle(int status, String body) {
        return true;
      }

      @Override
      public String describe() {
        return "always throttled";
      }
    };
    LimitPolicy policy = LimitPolicy.perEndpoint(shared, Map.of("/a", endpoint, "/b", throttling));
    policy.observe(200, HttpHeaders.of(Map.of(HEADER, List.of("7")), (a, b) -> true), T0 + 5);
    assertThat(shared.used()).isEqualTo(7);
    assertThat(endpoint.used()).isEqualTo(7);
    // Only the shared policy says what a throttle looks like.
    assertThat(policy.isThrottle(200, "{\"error\":[\"EGeneral:Too many requests\"]}")).isFalse();
    assertThat(policy.describe()).contains("/a: ").contains("/b: always throttled");
  }

  @Test
  void unlimitedNeverWaits() {
    LimitPolicy policy = LimitPolicy.unlimited();
    for (int i = 0; i < 1_000; i++) {
      assertThat(policy.acquire("/x", 1_000, T0)).isZero();
    }
    assertThat(policy.isThrottle(429, "")).isFalse();
  }
}
