package io.ticklake.producers.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketPolicyTest {
  private static final long T = 1_700_000_000_000L;

  @Test
  void aFullBucketAllowsTheBurstThenWaitsForARefill() {
    TokenBucketPolicy policy = new TokenBucketPolicy(10, 15); // Coinbase: 10/s, bursts of 15
    for (int i = 0; i < 15; i++) {
      assertThat(policy.acquire("/products/BTC-USD/book", 1, T)).as("call %d", i).isZero();
    }
    // Empty: one token takes 100 ms at 10 a second.
    assertThat(policy.acquire("/products/BTC-USD/book", 1, T)).isEqualTo(100);
    // Half refilled: half the wait left; a refused call takes nothing.
    assertThat(policy.acquire("/products/BTC-USD/book", 1, T + 50)).isEqualTo(50);
    assertThat(policy.acquire("/products/BTC-USD/book", 1, T + 100)).isZero();
    assertThat(policy.acquire("/products/BTC-USD/book", 1, T + 100)).isEqualTo(100);
  }

  @Test
  void refillIsCappedAtTheBurst() {
    TokenBucketPolicy policy = new TokenBucketPolicy(10, 15);
    assertThat(policy.acquire("/x", 1, T)).isZero();
    // An hour idle refills 36,000 tokens' worth, but the bucket holds 15.
    long later = T + 3_600_000;
    for (int i = 0; i < 15; i++) {
      assertThat(policy.acquire("/x", 1, later)).as("call %d", i).isZero();
    }
    assertThat(policy.acquire("/x", 1, later)).isPositive();
  }

  @Test
  void costIsTakenInTokensAndACallCostlierThanTheBurstTakesTheWholeBucket() {
    TokenBucketPolicy policy = new TokenBucketPolicy(1, 3);
    assertThat(policy.acquire("/x", 2, T)).isZero();
    // One token left, two needed: one second to wait at one a second.
    assertThat(policy.acquire("/x", 2, T)).isEqualTo(1_000);
    assertThat(policy.acquire("/x", 2, T + 1_000)).isZero();

    TokenBucketPolicy small = new TokenBucketPolicy(1, 3);
    // Cost 5 could never fit a bucket of 3; it takes all 3 rather than waiting forever.
    assertThat(small.acquire("/x", 5, T)).isZero();
    assertThat(small.acquire("/x", 1, T)).isEqualTo(1_000);
  }

  @Test
  void aClockSteppingBackRefillsNothing() {
    TokenBucketPolicy policy = new TokenBucketPolicy(1, 1);
    assertThat(policy.acquire("/x", 1, T + 10_000)).isZero();
    assertThat(policy.acquire("/x", 1, T)).isEqualTo(1_000);
    // Time is measured from the latest instant seen, not from the earlier one.
    assertThat(policy.acquire("/x", 1, T + 10_500)).isPositive();
    assertThat(policy.acquire("/x", 1, T + 11_000)).isZero();
  }

  @Test
  void rejectsNonsenseLimits() {
    assertThatThrownBy(() -> new TokenBucketPolicy(0, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucketPolicy(-1, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucketPolicy(10, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new TokenBucketPolicy(10, 15).describe()).contains("burst 15");
  }
}
