package io.ticklake.producers.binance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.producers.sim.VenueProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Binance USD-M futures for the {@link io.ticklake.producers.sim.VenueSimulator}: combined-stream
 * frames, and {@code GET /fapi/v1/depth} answered from a recorded snapshot.
 *
 * <p>The recorded snapshot is served to the first request only once the diff that straddles its
 * {@code lastUpdateId} has been played, as it happened when recording (the REST answer came after
 * that diff). Later requests get the venue's book as it stands: the recorded snapshot plus every
 * diff played since (sent or dropped), with {@code lastUpdateId} = the last diff's {@code u}, so a
 * client can resync after a break or a reconnect. Weight: 20 per depth call (limit 1000), reported
 * in {@code X-MBX-USED-WEIGHT-1M} per minute.
 */
public final class BinanceUsdmSimProfile implements VenueProfile {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEPTH_WEIGHT = 20;

  private final Map<String, SymbolBook> books = new HashMap<>();
  private long weightMinute = -1;
  private int usedWeight;

  private static final class SymbolBook {
    final long recordedLastUpdateId;
    final String recordedBody;
    final NavigableMap<BigDecimal, String[]> bids = new TreeMap<>(Collections.reverseOrder());
    final NavigableMap<BigDecimal, String[]> asks = new TreeMap<>();
    boolean straddlePlayed;
    boolean recordedServed;
    long lastU;
    long lastE;
    long lastT;

    SymbolBook(JsonNode snapshot, String body) {
      recordedLastUpdateId = snapshot.get("lastUpdateId").asLong();
      recordedBody = body;
      lastU = recordedLastUpdateId;
      lastE = snapshot.path("E").asLong();
      lastT = snapshot.path("T").asLong();
      apply(bids, snapshot.get("bids"));
      apply(asks, snapshot.get("asks"));
    }
  }

  /**
   * @param snapshotsBySymbol recorded {@code /fapi/v1/depth} response bodies keyed by symbol
   */
  public BinanceUsdmSimProfile(Map<String, String> snapshotsBySymbol) {
    snapshotsBySymbol.forEach(
        (symbol, body) -> {
          try {
            books.put(symbol.toUpperCase(Locale.ROOT), new SymbolBook(JSON.readTree(body), body.strip()));
          } catch (IOException e) {
            throw new UncheckedIOException("bad recorded snapshot of " + symbol, e);
          }
        });
  }

  @Override
  public String streamOf(String frame) {
    int i = frame.indexOf("\"stream\":\"");
    if (i < 0) {
      return "";
    }
    int start = i + 10;
    return frame.substring(start, frame.indexOf('"', start));
  }

  @Override
  public boolean isBookDiff(String stream) {
    return stream.contains("@depth");
  }

  @Override
  public synchronized void played(String frame) {
    if (!frame.contains("depthUpdate")) {
      return;
    }
    try {
      JsonNode data = JSON.readTree(frame).path("data");
      SymbolBook book = books.get(data.path("s").asText());
      if (book == null || !"depthUpdate".equals(data.path("e").asText())) {
        return;
      }
      long u = data.get("u").asLong();
      if (u < book.recordedLastUpdateId) {
        return; // already in the recorded snapshot
      }
      apply(book.bids, data.get("b"));
      apply(book.asks, data.get("a"));
      book.lastU = u;
      book.lastE = data.path("E").asLong();
      book.lastT = data.path("T").asLong();
      book.straddlePlayed = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public synchronized RestAnswer rest(String path, Map<String, List<String>> query) {
    if (path.equals("/fapi/v1/ping")) {
      return new RestAnswer(200, "{}", weight()); // Binance's connectivity test (weight 1)
    }
    if (!path.equals("/fapi/v1/depth")) {
      return new RestAnswer(404, "{\"code\":-1000,\"msg\":\"unknown path " + path + "\"}", Map.of());
    }
    String symbol = query.getOrDefault("symbol", List.of("")).get(0).toUpperCase(Locale.ROOT);
    int limit = Integer.parseInt(query.getOrDefault("limit", List.of("500")).get(0));
    SymbolBook book = books.get(symbol);
    if (book == null) {
      return new RestAnswer(400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", weight());
    }
    if (!book.straddlePlayed) {
      return null; // not yet: the venue answered after the straddling diff
    }
    if (!book.recordedServed) {
      book.recordedServed = true;
      return new RestAnswer(200, book.recordedBody, weight());
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("lastUpdateId", book.lastU);
    body.put("E", book.lastE);
    body.put("T", book.lastT);
    body.set("bids", levels(book.bids, limit));
    body.set("asks", levels(book.asks, limit));
    return new RestAnswer(200, body.toString(), weight());
  }

  private Map<String, String> weight() {
    long minute = System.currentTimeMillis() / 60_000;
    if (minute != weightMinute) {
      weightMinute = minute;
      usedWeight = 0;
    }
    usedWeight += DEPTH_WEIGHT;
    return Map.of("X-MBX-USED-WEIGHT-1M", Integer.toString(usedWeight));
  }

  private static ArrayNode levels(NavigableMap<BigDecimal, String[]> side, int limit) {
    ArrayNode out = JSON.createArrayNode();
    Iterator<String[]> it = side.values().iterator();
    for (int i = 0; i < limit && it.hasNext(); i++) {
      String[] l = it.next();
      out.addArray().add(l[0]).add(l[1]);
    }
    return out;
  }

  private static void apply(NavigableMap<BigDecimal, String[]> side, JsonNode levels) {
    for (JsonNode l : levels) {
      String price = l.get(0).asText();
      String size = l.get(1).asText();
      BigDecimal p = new BigDecimal(price);
      if (new BigDecimal(size).signum() == 0) {
        side.remove(p);
      } else {
        side.put(p, new String[] {price, size});
      }
    }
  }
}
