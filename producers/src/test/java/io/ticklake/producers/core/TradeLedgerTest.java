package io.ticklake.producers.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TradeLedgerTest {

  @Test
  void consecutiveIdsStayOneRange() {
    TradeLedger ledger = new TradeLedger();
    assertThat(ledger.lastId()).isNull();
    for (long id = 1000; id < 1100; id++) {
      assertThat(ledger.firstDelivery(Long.toString(id))).as("id %d", id).isTrue();
    }
    assertThat(ledger.ranges()).isEqualTo(1);
    assertThat(ledger.lastId()).isEqualTo(1099L);
    assertThat(ledger.delivered(1000)).isTrue();
    assertThat(ledger.delivered(1099)).isTrue();
    assertThat(ledger.delivered(999)).isFalse();
    assertThat(ledger.delivered(1100)).isFalse();
  }

  /**
   * Ids an earlier run delivered are refused without becoming the latest; a repeat of one after a
   * restart (Coinbase's last_match on subscribe) does become it, so the next jump is noticed.
   */
  @Test
  void seededIdsAreRefusedAndARepeatOfOneBecomesTheLatest() {
    TradeLedger ledger = new TradeLedger();
    ledger.seed("40");
    ledger.seed("41");
    ledger.seed("42");
    assertThat(ledger.lastId()).isNull();
    assertThat(ledger.firstDelivery("41")).isFalse();
    assertThat(ledger.lastId()).isEqualTo(41L);
    assertThat(ledger.firstDelivery("42")).isFalse(); // the earlier run's trades played again: the latest moves with them
    assertThat(ledger.lastId()).isEqualTo(42L);
    assertThat(ledger.firstDelivery("45")).isTrue();
    assertThat(ledger.lastId()).isEqualTo(45L);
    assertThat(ledger.firstDelivery("40")).isFalse(); // an older repeat leaves the latest alone
    assertThat(ledger.lastId()).isEqualTo(45L);
  }

  @Test
  void repeatsAreRefused() {
    TradeLedger ledger = new TradeLedger();
    assertThat(ledger.firstDelivery("7")).isTrue();
    assertThat(ledger.firstDelivery("8")).isTrue();
    assertThat(ledger.firstDelivery("8")).isFalse(); // the last one again (Coinbase's last_match)
    assertThat(ledger.firstDelivery("7")).isFalse(); // an older one again (a backfill overlapping)
    assertThat(ledger.firstDelivery("9")).isTrue();
    assertThat(ledger.ranges()).isEqualTo(1);
    assertThat(ledger.lastId()).isEqualTo(9L);
  }

  @Test
  void olderIdFillsAHoleAndJoinsItsNeighbours() {
    TradeLedger ledger = new TradeLedger();
    assertThat(ledger.firstDelivery("100")).isTrue();
    assertThat(ledger.firstDelivery("101")).isTrue();
    assertThat(ledger.firstDelivery("105")).isTrue(); // a jump: 102..104 missing
    assertThat(ledger.ranges()).isEqualTo(2);
    assertThat(ledger.lastId()).isEqualTo(105L);
    assertThat(ledger.delivered(103)).isFalse();

    // Backfill delivers the hole out of order.
    assertThat(ledger.firstDelivery("103")).isTrue();
    assertThat(ledger.ranges()).isEqualTo(3); // [100,101] [103] [105]
    assertThat(ledger.firstDelivery("102")).isTrue();
    assertThat(ledger.ranges()).isEqualTo(2); // [100,103] [105]
    assertThat(ledger.firstDelivery("104")).isTrue();
    assertThat(ledger.ranges()).isEqualTo(1); // [100,105]
    for (long id = 100; id <= 105; id++) {
      assertThat(ledger.delivered(id)).as("id %d", id).isTrue();
    }
    // Filling a hole does not move the last id back.
    assertThat(ledger.lastId()).isEqualTo(105L);
    // And every id of the joined range is a repeat now.
    assertThat(ledger.firstDelivery("102")).isFalse();
    assertThat(ledger.firstDelivery("104")).isFalse();
    assertThat(ledger.firstDelivery("106")).isTrue();
    assertThat(ledger.ranges()).isEqualTo(1);
  }

  @Test
  void idOlderThanEveryRangeIsInsertedInFrontAndJoinsTheFirst() {
    TradeLedger ledger = new TradeLedger();
    ledger.firstDelivery("50");
    ledger.firstDelivery("60");
    assertThat(ledger.firstDelivery("10")).isTrue();
    assertThat(ledger.ranges()).isEqualTo(3);
    assertThat(ledger.firstDelivery("49")).isTrue(); // joins [50]
    assertThat(ledger.ranges()).isEqualTo(3);
    assertThat(ledger.delivered(49)).isTrue();
    assertThat(ledger.delivered(48)).isFalse();
    assertThat(ledger.firstDelivery("10")).isFalse();
    assertThat(ledger.lastId()).isEqualTo(60L);
  }

  @Test
  void nonNumericIdsAreDeduplicatedThroughTheSet() {
    TradeLedger ledger = new TradeLedger();
    String a = "3f2b8c1e-7d4a-4e0b-9c55-1a2b3c4d5e6f";
    String b = "a9e1f0c2-1111-4222-8333-944455556666";
    assertThat(ledger.firstDelivery(a)).isTrue();
    assertThat(ledger.firstDelivery(b)).isTrue();
    assertThat(ledger.firstDelivery(a)).isFalse();
    assertThat(ledger.firstDelivery(b)).isFalse();
    // Not numeric ids: they neither make ranges nor a last id.
    assertThat(ledger.ranges()).isZero();
    assertThat(ledger.lastId()).isNull();
  }

  @Test
  void idsThatAreNotPlainDecimalNumbersAreKeptAsStrings() {
    TradeLedger ledger = new TradeLedger();
    // A leading zero is not a number here: "0123" and "123" are different ids.
    assertThat(TradeLedger.numeric("0123")).isNull();
    assertThat(TradeLedger.numeric("0")).isEqualTo(0L);
    assertThat(TradeLedger.numeric("123")).isEqualTo(123L);
    assertThat(TradeLedger.numeric("-5")).isNull();
    assertThat(TradeLedger.numeric("")).isNull();
    assertThat(TradeLedger.numeric("1234567890123456789")).isNull(); // 19 digits: could overflow
    assertThat(TradeLedger.numeric("123456789012345678")).isEqualTo(123456789012345678L);

    assertThat(ledger.firstDelivery("0123")).isTrue();
    assertThat(ledger.firstDelivery("123")).isTrue();
    assertThat(ledger.firstDelivery("0123")).isFalse();
    assertThat(ledger.firstDelivery("1234567890123456789")).isTrue();
    assertThat(ledger.firstDelivery("1234567890123456789")).isFalse();
    assertThat(ledger.ranges()).isEqualTo(1); // only 123
    assertThat(ledger.lastId()).isEqualTo(123L);
  }

  @Test
  void theSetOfOtherIdsIsBoundedAndForgetsTheOldest() {
    TradeLedger ledger = new TradeLedger();
    for (int i = 0; i <= TradeLedger.MAX_OTHER_IDS; i++) { // one more than it holds
      assertThat(ledger.firstDelivery("t-" + i)).isTrue();
    }
    // The newest are still known...
    assertThat(ledger.firstDelivery("t-" + TradeLedger.MAX_OTHER_IDS)).isFalse();
    assertThat(ledger.firstDelivery("t-1")).isFalse();
    // ...the very first was forgotten, so it counts as new again.
    assertThat(ledger.firstDelivery("t-0")).isTrue();
  }

  @Test
  void deliveredAnswersForNumericIdsOnly() {
    TradeLedger ledger = new TradeLedger();
    assertThat(ledger.delivered(1)).isFalse();
    ledger.firstDelivery("1");
    ledger.firstDelivery("3");
    assertThat(ledger.delivered(1)).isTrue();
    assertThat(ledger.delivered(2)).isFalse();
    assertThat(ledger.delivered(3)).isTrue();
    assertThat(ledger.delivered(4)).isFalse();
  }

  @Test
  void rangeCapForgetsTheOldestRanges() {
    TradeLedger ledger = new TradeLedger();
    // Every other id: each delivery opens a range of its own.
    int n = TradeLedger.MAX_RANGES + 10;
    for (int i = 0; i < n; i++) {
      assertThat(ledger.firstDelivery(Long.toString(1000L + 2L * i))).isTrue();
    }
    assertThat(ledger.ranges()).isEqualTo(TradeLedger.MAX_RANGES);
    assertThat(ledger.lastId()).isEqualTo(1000L + 2L * (n - 1));
    // The ten oldest (lowest) ranges are forgotten; the rest remembered.
    for (int i = 0; i < 10; i++) {
      assertThat(ledger.delivered(1000L + 2L * i)).as("forgotten %d", i).isFalse();
    }
    for (int i = 10; i < n; i++) {
      assertThat(ledger.delivered(1000L + 2L * i)).as("kept %d", i).isTrue();
    }
    // A hole-filler between two remembered ranges joins them, lowering the count.
    assertThat(ledger.firstDelivery(Long.toString(1000L + 2L * 20 + 1))).isTrue();
    assertThat(ledger.ranges()).isEqualTo(TradeLedger.MAX_RANGES - 1);
    // The cap never lets the ranges grow past it.
    assertThat(ledger.firstDelivery(Long.toString(1_000_000L))).isTrue();
    assertThat(ledger.firstDelivery(Long.toString(1_000_002L))).isTrue();
    assertThat(ledger.ranges()).isEqualTo(TradeLedger.MAX_RANGES);
  }
}
