package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The whole real capture through the parser and the order-book sync, without a network, with the
 * REST snapshot delivered when it really arrived: after the diff that straddles its lastUpdateId.
 */
class CaptureReplayTest {
  static final String CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  static final String SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  @Test
  void replayMatchesFrameCountsAndAnIndependentBook() throws Exception {
    List<CaptureFile.Entry> entries = CaptureFile.readResource(CAPTURE);
    assertThat(entries).hasSize(3291);
    String snapshotBody = readResource(SNAPSHOTS).strip();

    BinanceMessageParser parser = new BinanceMessageParser();
    List<Trade> trades = new ArrayList<>();
    List<Quote> quotes = new ArrayList<>();
    List<BookDelta> books = new ArrayList<>();
    List<GapEvent> gaps = new ArrayList<>();
    long[] requested = {0};
    BookSync sync =
        new BookSync(
            "binance-usdm", "BTCUSDT", BinanceBookSyncTest.binanceRules(), (s, id) -> requested[0] = id,
            new BookSync.Output() {
              @Override
              public void book(BookDelta d) {
                books.add(d);
              }

              @Override
              public void gap(GapEvent g) {
                gaps.add(g);
              }
            },
            Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    BookDelta snapshot = parser.parseDepthSnapshot("BTCUSDT", snapshotBody, Instant.EPOCH);
    long lastUpdateId = snapshot.getFinalUpdateId();
    boolean snapshotDelivered = false;
    int depthFrames = 0;
    for (CaptureFile.Entry e : entries) {
      ParsedFrame f = parser.parse(e.frame(), e.receiveTime());
      if (f.record() instanceof Trade t) {
        trades.add(t);
      } else if (f.record() instanceof Quote q) {
        quotes.add(q);
      } else if (f.record() instanceof BookDelta d) {
        depthFrames++;
        sync.onDiff(d);
        if (!snapshotDelivered && d.getFinalUpdateId() >= lastUpdateId) {
          // As recorded: the straddling diff came first, then the REST answer.
          sync.onSnapshot(requested[0], snapshot);
          snapshotDelivered = true;
        }
      }
    }
    assertThat(trades).hasSize(491);
    assertThat(quotes).hasSize(2563);
    assertThat(depthFrames).isEqualTo(237);
    assertThat(gaps).isEmpty();
    assertThat(sync.state()).isEqualTo(BookSync.State.SYNCED);
    assertThat(books.get(0).getSnapshot()).isTrue();

    Reference ref = Reference.replay(entries, snapshotBody);
    assertThat(books).hasSize(1 + ref.applied);
    assertThat(sync.droppedStaleDiffs()).isEqualTo(ref.dropped);
    assertThat(sync.lastUpdateId()).isEqualTo(ref.lastU);
    assertThat(toMap(sync.book().topBids(Integer.MAX_VALUE))).isEqualTo(ref.bids);
    assertThat(toMap(sync.book().topAsks(Integer.MAX_VALUE))).isEqualTo(ref.asks);
    assertThat(ref.bids).hasSizeGreaterThan(1000);
    // The book must not be crossed.
    assertThat(sync.book().topBids(1).get(0).getPrice()).isLessThan(sync.book().topAsks(1).get(0).getPrice());
  }

  private static Map<BigDecimal, BigDecimal> toMap(List<io.ticklake.schema.v1.Level> levels) {
    Map<BigDecimal, BigDecimal> m = new TreeMap<>();
    for (var l : levels) {
      m.put(l.getPrice().stripTrailingZeros(), l.getSize().stripTrailingZeros());
    }
    return m;
  }

  static String readResource(String name) throws Exception {
    try (InputStream in = CaptureReplayTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * The documented rules written as plainly as possible, with Jackson trees and no code shared
   * with the production classes.
   */
  static final class Reference {
    final Map<BigDecimal, BigDecimal> bids = new TreeMap<>(Comparator.reverseOrder());
    final Map<BigDecimal, BigDecimal> asks = new TreeMap<>();
    int applied;
    int dropped;
    long lastU = -1;

    static Reference replay(List<CaptureFile.Entry> entries, String snapshotBody) throws Exception {
      ObjectMapper json = new ObjectMapper();
      JsonNode snap = json.readTree(snapshotBody);
      long lastUpdateId = snap.get("lastUpdateId").asLong();
      Reference r = new Reference();
      for (JsonNode l : snap.get("bids")) {
        r.set(r.bids, l);
      }
      for (JsonNode l : snap.get("asks")) {
        r.set(r.asks, l);
      }
      boolean first = true;
      for (CaptureFile.Entry e : entries) {
        JsonNode data = json.readTree(e.frame()).get("data");
        if (!"depthUpdate".equals(data.get("e").asText())) {
          continue;
        }
        long bigU = data.get("U").asLong();
        long u = data.get("u").asLong();
        long pu = data.get("pu").asLong();
        if (u < lastUpdateId) { // drop any event where u < lastUpdateId
          r.dropped++;
          continue;
        }
        if (first) {
          if (!(bigU <= lastUpdateId && u >= lastUpdateId)) {
            throw new AssertionError("first event does not straddle the snapshot");
          }
          first = false;
        } else if (pu != r.lastU) {
          throw new AssertionError("pu break at u=" + u);
        }
        for (JsonNode l : data.get("b")) {
          r.set(r.bids, l);
        }
        for (JsonNode l : data.get("a")) {
          r.set(r.asks, l);
        }
        r.lastU = u;
        r.applied++;
      }
      Map<BigDecimal, BigDecimal> b = new TreeMap<>();
      r.bids.forEach((k, v) -> b.put(k, v));
      r.bids.clear();
      r.bids.putAll(b);
      return r;
    }

    void set(Map<BigDecimal, BigDecimal> side, JsonNode level) {
      BigDecimal price = new BigDecimal(level.get(0).asText()).stripTrailingZeros();
      BigDecimal size = new BigDecimal(level.get(1).asText()).stripTrailingZeros();
      if (size.signum() == 0) {
        side.remove(price);
      } else {
        side.put(price, size);
      }
    }
  }
}
