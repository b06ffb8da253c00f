package io.ticklake.streams.dq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeenIdsTest {

  @Test
  void consecutiveIdsStayOneRangeAndRepeatsAreDuplicates() {
    SeenIds ids = new SeenIds();
    for (long id = 1000; id < 11_000; id++) {
      assertThat(ids.add(id, id)).isTrue();
    }
    assertThat(ids.ranges()).isEqualTo(1);
    assertThat(ids.add(1000, 20_000)).isFalse();
    assertThat(ids.add(10_999, 20_000)).isFalse();
    assertThat(ids.contains(999)).isFalse();
    assertThat(ids.contains(11_000)).isFalse();
  }

  @Test
  void aHoleIsARangeUntilABackfillClosesIt() {
    SeenIds ids = new SeenIds();
    for (long id = 1; id <= 10; id++) {
      ids.add(id, 0);
    }
    for (long id = 21; id <= 30; id++) {
      ids.add(id, 0);
    }
    assertThat(ids.ranges()).isEqualTo(2);
    assertThat(ids.contains(15)).isFalse();
    for (long id = 20; id >= 11; id--) {
      assertThat(ids.add(id, 0)).isTrue();
    }
    assertThat(ids.ranges()).isEqualTo(1);
    for (long id = 1; id <= 30; id++) {
      assertThat(ids.add(id, 0)).as("id %d", id).isFalse();
    }
  }

  /** Against a plain set: any order, any repeats, the same answers. */
  @Test
  void agreesWithASetOnShuffledIdsWithRepeats() {
    Random random = new Random(7);
    SeenIds ids = new SeenIds();
    Set<Long> set = new HashSet<>();
    for (int i = 0; i < 20_000; i++) {
      long id = random.nextInt(3_000);
      assertThat(ids.add(id, i)).isEqualTo(set.add(id));
    }
    for (long id = 0; id < 3_000; id++) {
      assertThat(ids.contains(id)).isEqualTo(set.contains(id));
    }
  }

  @Test
  void rangesOlderThanTheTtlAndBeyondTheLimitAreForgottenTheNewestNever() {
    SeenIds ids = new SeenIds();
    ids.add(1, 100); // old
    ids.add(10, 5_000);
    ids.add(20, 6_000);
    assertThat(ids.forget(1_000, 10)).isEqualTo(1);
    assertThat(ids.contains(1)).isFalse();
    assertThat(ids.contains(10)).isTrue();
    assertThat(ids.forget(1_000, 1)).isEqualTo(1);
    assertThat(ids.contains(10)).isFalse();
    assertThat(ids.contains(20)).isTrue();
    // Everything is older than the ttl: the range touched last stays.
    assertThat(ids.forget(1_000_000, 10)).isZero();
    assertThat(ids.contains(20)).isTrue();
  }

  @Test
  void serdeRoundTripsEveryRange() {
    SeenIds ids = new SeenIds();
    for (long id : new long[] {5, 6, 7, 100, 102, Long.MAX_VALUE, 0}) {
      ids.add(id, id % 1000);
    }
    byte[] bytes = SeenIds.serde().serializer().serialize("t", ids);
    SeenIds back = SeenIds.serde().deserializer().deserialize("t", bytes);
    assertThat(back).hasToString(ids.toString());
    assertThat(back.add(101, 0)).isTrue();
    assertThat(back.ranges()).isEqualTo(ids.ranges() - 1);
  }

  @Test
  void onlyCanonicalDecimalLongsAreSequenceNumbers() {
    assertThat(Deduplication.canonicalLong("42")).isEqualTo(42L);
    assertThat(Deduplication.canonicalLong("0")).isEqualTo(0L);
    assertThat(Deduplication.canonicalLong("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(Deduplication.canonicalLong("9223372036854775808")).isNull();
    assertThat(Deduplication.canonicalLong("042")).isNull();
    assertThat(Deduplication.canonicalLong("+42")).isNull();
    assertThat(Deduplication.canonicalLong("-1")).isNull();
    assertThat(Deduplication.canonicalLong("0xdeadbeef")).isNull();
    assertThat(Deduplication.canonicalLong("")).isNull();
    assertThat(Deduplication.canonicalLong(null)).isNull();
  }

  @Test
  void joinsTellsAnIdThatExtendsOrIsInARangeFromOneThatOpensARange() {
    SeenIds ids = new SeenIds();
    for (long id = 10; id <= 20; id++) {
      ids.add(id, 0);
    }
    ids.add(30, 0);
    assertThat(ids.joins(15)).as("inside").isTrue();
    assertThat(ids.joins(21)).as("after a range").isTrue();
    assertThat(ids.joins(9)).as("before a range").isTrue();
    assertThat(ids.joins(29)).as("before the second range").isTrue();
    assertThat(ids.joins(25)).as("in the hole, touching nothing").isFalse();
    assertThat(ids.joins(100)).isFalse();
    assertThat(new SeenIds().joins(1)).as("a key's first id").isFalse();
  }
}
