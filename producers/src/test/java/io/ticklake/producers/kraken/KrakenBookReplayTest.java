package io.ticklake.producers.kraken;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Real Kraken book recordings (see {@code captures/kraken/PROVENANCE.md} under test resources)
 * replayed through the parser and the book sync with Kraken's rules: every checksum the venue sent
 * is computed on the collector's own book, and must match; a level altered on the way must be
 * caught once, as one gap and one resubscription of that symbol.
 */
class KrakenBookReplayTest {
  static final String V1_20230529 = "/captures/kraken/v1-book10-xbtusd-20230529.jsonl";
  static final String V1_20230830 = "/captures/kraken/v1-book10-xbtusd-20230830.jsonl";
  static final String V1_DOCS = "/captures/kraken/v1-book10-xbtusd-20190505-docs.jsonl";
  static final String V2_CCXT = "/captures/kraken/v2-book10-ccxt-2026.jsonl";
  static final String V2_ALGO = "/captures/kraken/v2-book10-algousd-20241003.jsonl";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

  static List<String> frames(String resource) throws IOException {
    try (InputStream in = KrakenBookReplayTest.class.getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
  }

  /** What a replay did. */
  static final class Replay {
    final Map<String, BookSync> syncs = new LinkedHashMap<>();
    final List<GapEvent> gaps = new ArrayList<>();
    final List<String> resubscribed = new ArrayList<>();
    final List<BookDelta> written = new ArrayList<>();
    int updates;
    int snapshotsWithChecksum;

    long verified() {
      return syncs.values().stream().mapToLong(BookSync::checksumsVerified).sum();
    }

    long failed() {
      return syncs.values().stream().mapToLong(BookSync::checksumFailures).sum();
    }
  }

  static Replay replay(List<String> frames, KrakenProtocol protocol, KrakenPairs pairs) throws Exception {
    FrameParser parser = KrakenVenue.parser(protocol, pairs);
    BookRules rules = KrakenVenue.rules(10, pairs);
    Replay r = new Replay();
    for (String frame : frames) {
      ParsedFrame parsed = parser.parse(frame, CLOCK.instant());
      for (SpecificRecord record : parsed.records()) {
        if (!(record instanceof BookDelta d)) {
          continue;
        }
        BookSync sync = r.syncs.computeIfAbsent(d.getSymbol(), s -> new BookSync("kraken", s, rules,
            (symbol, id) -> r.resubscribed.add(symbol), new BookSync.Output() {
              @Override
              public void book(BookDelta delta) {
                r.written.add(delta);
              }

              @Override
              public void gap(GapEvent gap) {
                r.gaps.add(gap);
              }
            }, CLOCK));
        if (d.getSnapshot()) {
          if (d.getChecksum() != null) {
            r.snapshotsWithChecksum++;
          }
          sync.onStreamSnapshot(d);
        } else {
          r.updates++;
          sync.onDiff(d);
        }
      }
    }
    return r;
  }

  @Test
  void everyChecksumOfARealV1RecordingIsVerified() throws Exception {
    for (String resource : List.of(V1_20230529, V1_20230830, V1_DOCS)) {
      Replay r = replay(frames(resource), KrakenProtocol.V1, new KrakenPairs());
      assertThat(r.updates).as(resource).isPositive();
      // v1 sends no checksum on the snapshot: every update's is verified.
      assertThat(r.verified()).as(resource).isEqualTo(r.updates);
      assertThat(r.failed()).as(resource).isZero();
      assertThat(r.gaps).as(resource).isEmpty();
      assertThat(r.resubscribed).as(resource).isEmpty();
      assertThat(r.written).as(resource).allMatch(d -> d.getSnapshot() || d.getChecksumVerified());
    }
    assertThat(replay(frames(V1_20230529), KrakenProtocol.V1, new KrakenPairs()).updates).isEqualTo(110);
  }

  @Test
  void everyChecksumOfRealV2RecordingsIsVerifiedWithThePairsDecimals() throws Exception {
    KrakenPairs pairs = new KrakenPairs();
    // AssetPairs' pair_decimals / lot_decimals (v2 numbers lose trailing zeros: the text cannot say).
    pairs.reference("BTC/USD", 1, 8);
    pairs.reference("DOGE/USDT", 5, 8);
    Replay r = replay(frames(V2_CCXT), KrakenProtocol.V2, pairs);
    assertThat(r.updates).isEqualTo(10);
    assertThat(r.verified()).isEqualTo(r.updates + r.snapshotsWithChecksum).isEqualTo(14);
    assertThat(r.failed()).isZero();
    assertThat(r.gaps).isEmpty();

    KrakenPairs algo = new KrakenPairs();
    algo.reference("ALGO/USD", 5, 8);
    Replay a = replay(frames(V2_ALGO), KrakenProtocol.V2, algo);
    assertThat(a.verified()).isEqualTo(2);
    assertThat(a.failed()).isZero();
  }

  @Test
  void withoutReferenceDataTheNumbersOwnDecimalsAreUsed() throws Exception {
    // No instrument channel, no AssetPairs: the most decimals seen in the book's numbers stand in
    // (a 10-level snapshot shows the pair's full precision here), and every checksum still holds.
    KrakenPairs pairs = new KrakenPairs();
    Replay r = replay(frames(V2_CCXT), KrakenProtocol.V2, pairs);
    assertThat(r.verified()).isEqualTo(14);
    assertThat(r.failed()).isZero();
    assertThat(pairs.priceDecimals("BTC/USD")).isEqualTo(1);
    assertThat(pairs.qtyDecimals("BTC/USD")).isEqualTo(8);
    assertThat(pairs.hasReference("BTC/USD")).isFalse();
  }

  @Test
  void theShippedCaptureIsAValidFeed() throws Exception {
    List<String> frames = io.ticklake.producers.sim.CaptureFile.readResource(KrakenSimulation.DEMO_CAPTURE).stream()
        .map(io.ticklake.producers.sim.CaptureFile.Entry::frame).toList();
    KrakenPairs pairs = new KrakenPairs();
    pairs.reference("BTC/USD", 1, 8);
    Replay r = replay(frames, KrakenProtocol.V2, pairs);
    assertThat(r.updates).isEqualTo(218);
    assertThat(r.failed()).isZero();
    assertThat(r.verified()).isEqualTo(219);
  }

  @Test
  void aPlantedWrongLevelCausesOneGapAndOneResubscription() throws Exception {
    List<String> frames = new ArrayList<>(frames(V1_20230529));
    // The 40th update: its first level's volume changed by one unit in the last place.
    int target = 40;
    String original = frames.get(target);
    int open = original.indexOf("[[\"") + 3;
    int volume = original.indexOf("\",\"", open) + 3;
    int end = original.indexOf('"', volume);
    String v = original.substring(volume, end);
    String altered = v.substring(0, v.length() - 1) + (v.charAt(v.length() - 1) == '9' ? '8' : (char) (v.charAt(v.length() - 1) + 1));
    frames.set(target, original.substring(0, volume) + altered + original.substring(end));

    Replay r = replay(frames, KrakenProtocol.V1, new KrakenPairs());
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.gaps).hasSize(1);
    GapEvent gap = r.gaps.get(0);
    assertThat(gap.getKind()).isEqualTo(GapKind.SEQUENCE);
    assertThat(gap.getSymbol()).isEqualTo("XBT/USD");
    assertThat(gap.getStream()).isEqualTo("book:XBT/USD");
    assertThat(gap.getCause()).contains("checksum mismatch");
    assertThat(r.resubscribed).containsExactly("XBT/USD");
    // Everything before the altered update was verified; what follows waits for a new snapshot.
    assertThat(r.verified()).isEqualTo(target - 1);
    assertThat(r.syncs.get("XBT/USD").state()).isEqualTo(BookSync.State.AWAITING_SNAPSHOT);
  }
}
