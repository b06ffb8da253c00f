package io.ticklake.producers.okx;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
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
 * OKX books replayed through the parser and the book sync with OKX's rules: a real recording from
 * before seqId (every non-zero checksum verified on the collector's book), and the seqId chain of
 * the shipped capture (checksums 0, as OKX sends since June 2026), a missing message of which is one
 * gap and one resubscription.
 */
class OkxBookReplayTest {
  static final String LEGACY = "/captures/okx/books-l2-tbt-cryptofeed-20220228.capture";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

  static final class Replay {
    final Map<String, BookSync> syncs = new LinkedHashMap<>();
    final List<GapEvent> gaps = new ArrayList<>();
    final List<String> resubscribed = new ArrayList<>();
    final List<BookDelta> written = new ArrayList<>();
    int checksummed;
    int updates;

    long verified() {
      return syncs.values().stream().mapToLong(BookSync::checksumsVerified).sum();
    }

    long failed() {
      return syncs.values().stream().mapToLong(BookSync::checksumFailures).sum();
    }
  }

  static Replay replay(List<String> frames, boolean seqId) throws Exception {
    OkxMessageParser parser = new OkxMessageParser("okx", false);
    BookRules rules = OkxVenue.rules(seqId);
    Replay r = new Replay();
    for (String frame : frames) {
      ParsedFrame parsed = parser.parse(frame, CLOCK.instant());
      for (SpecificRecord record : parsed.records()) {
        if (!(record instanceof BookDelta d)) {
          continue;
        }
        BookSync sync = r.syncs.computeIfAbsent(d.getSymbol(), s -> new BookSync("okx", s, rules,
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
        if (d.getChecksum() != null) {
          r.checksummed++;
        }
        if (d.getSnapshot()) {
          sync.onStreamSnapshot(d);
        } else {
          r.updates++;
          sync.onDiff(d);
        }
      }
    }
    return r;
  }

  static List<String> frames(String resource) {
    return CaptureFile.readResource(resource).stream().map(CaptureFile.Entry::frame).toList();
  }

  @Test
  void everyChecksumOfARealRecordingFromBeforeSeqIdIsVerified() throws Exception {
    Replay r = replay(frames(LEGACY), false);
    assertThat(r.checksummed).isEqualTo(22);
    assertThat(r.verified()).isEqualTo(22);
    assertThat(r.failed()).isZero();
    assertThat(r.gaps).isEmpty();
    assertThat(r.syncs.get("PROPS-ETH").appliedDiffs()).isEqualTo(7);
  }

  @Test
  void aPlantedWrongLevelInARealRecordingIsOneGapAndOneResubscription() throws Exception {
    List<String> frames = new ArrayList<>(frames(LEGACY));
    int target = -1;
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i).contains("\"instId\":\"PROPS-ETH\"},\"action\":\"update\"")) {
        target = i; // the last PROPS-ETH update
      }
    }
    frames.set(target, frames.get(target).replaceFirst("\"1259.60433753\"", "\"1259.60433754\""));
    Replay r = replay(frames, false);
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.gaps).hasSize(1);
    assertThat(r.gaps.get(0).getCause()).contains("checksum mismatch");
    assertThat(r.resubscribed).containsExactly("PROPS-ETH");
    assertThat(r.verified()).isEqualTo(21);
  }

  @Test
  void theShippedCaptureChainsOnSeqIdAloneAndABreakResubscribesOnce() throws Exception {
    List<String> frames = frames(OkxSimulation.DEMO_CAPTURE);
    Replay whole = replay(frames, true);
    assertThat(whole.checksummed).as("OKX sends checksum 0 since June 2026: nothing to verify").isZero();
    assertThat(whole.updates).isEqualTo(232);
    assertThat(whole.syncs.get("BTC-USDT").appliedDiffs()).isEqualTo(232);
    assertThat(whole.gaps).isEmpty();
    // Each record carries the venue's seqId as its sequence, and the previous one's as prevSequence.
    for (int i = 1; i < whole.written.size(); i++) {
      assertThat(whole.written.get(i).getPrevSequence()).isEqualTo(whole.written.get(i - 1).getSequence());
    }

    List<String> broken = new ArrayList<>(frames);
    int dropped = -1;
    for (int i = 0, seen = 0; i < broken.size(); i++) {
      if (broken.get(i).contains("\"action\":\"update\"") && ++seen == 100) {
        dropped = i;
      }
    }
    broken.remove(dropped);
    Replay r = replay(broken, true);
    assertThat(r.gaps).hasSize(1);
    assertThat(r.gaps.get(0).getKind()).isEqualTo(GapKind.SEQUENCE);
    assertThat(r.gaps.get(0).getCause()).startsWith("prevSeqId ");
    assertThat(r.resubscribed).containsExactly("BTC-USDT");
    assertThat(r.syncs.get("BTC-USDT").appliedDiffs()).isEqualTo(99);
  }
}
