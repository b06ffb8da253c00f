package io.ticklake.producers.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
  @Test
  void readsWhatInstantParseReads() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextInt(Integer.MAX_VALUE) * (random.nextBoolean() ? 1L : -1L),
          random.nextInt(1_000_000_000));
      String iso = t.toString(); // 0, 3, 6 or 9 fraction digits
      int cut = random.nextInt(10);
      if (iso.contains(".") && iso.length() - cut > iso.indexOf('.') + 2) {
        iso = iso.substring(0, iso.length() - 1 - cut) + "Z"; // any number of fraction digits
      }
      assertThat(IsoInstants.parse(iso)).as(iso).isEqualTo(Instant.parse(iso));
    }
    for (String iso : List.of("2024-08-08T23:54:16.123456Z", "2024-02-29T00:00:00Z", "1970-01-01T00:00:00.1Z",
        "2024-08-08T23:54:16.123456+00:00", "2016-12-31T23:59:60Z", "2024-08-08T24:00:00Z", "2024-08-08T23:54:16.Z",
        "+12024-01-01T00:00:00Z")) {
      assertThat(IsoInstants.parse(iso)).as(iso).isEqualTo(Instant.parse(iso));
    }
  }

  @Test
  void refusesWhatInstantParseRefuses() {
    for (String bad : List.of("2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-08-08T25:00:00Z",
        "2024-08-08T23:54:16.1234567890Z", "2024-08-08 23:54:16Z", "2024-08-08T23:54:1xZ",
        "")) {
      assertThatThrownBy(() -> Instant.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
      assertThatThrownBy(() -> IsoInstants.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
    }
  }
}
