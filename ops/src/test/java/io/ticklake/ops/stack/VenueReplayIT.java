package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Acceptance of the venue kit: a stack replays a venue's real recording, {@code up --simulate
 * --replay VENUE=FILE}, and what the query API answers and the lake holds is checked against
 * computations made here from the capture's JSON alone. One stack per recording: they were made
 * three months apart, and a stack's Streams app keeps one clock per partition, so April's trades
 * after July's would be too late for their windows (a live stack's venues share today's clock).
 *
 * <ul>
 *   <li>Binance USD-M, a four-symbol recording with {@code kline_1m} and one REST snapshot per
 *       symbol beside it (as {@code ./ticklake record} lays them out, found by name): each symbol's
 *       OFI and CVD equal the independent computation, each symbol's book syncs and reaches the
 *       lake's {@code book/} kind, and the closed venue candles land in {@code candles/}.
 *   <li>Coinbase, an Exchange-feed recording of ten products: each product's CVD (aggressor = the
 *       side opposite the maker's {@code side}, {@code last_match} counted) equals the independent
 *       one; DuckDB reads exactly one lake row per trade id; each product's top ten levels rebuilt
 *       from the lake's {@code book/} rows equal an independent replay of the capture.
 * </ul>
 */
@Tag("integration")
class VenueReplayIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path BINANCE = ROOT.resolve("producers/src/test/resources/captures/binance-usdm/four-symbols-20210722.jsonl");
  static final Path COINBASE = ROOT.resolve("producers/src/main/resources/captures/coinbase/coinbase-20210417.capture");
  static final List<String> BINANCE_SYMBOLS = List.of("SUSHIUSDT", "AKROUSDT", "KEEPUSDT", "CTKUSDT");

  static final HttpClient http = HttpClient.newHttpClient();

  /** One stack's settings and data directory. */
  record Stack(Path dataDir, List<String> sets, StackConfig config) {
    int cli(String... args) throws Exception {
      return StackCli.run(dataDir, StackCli.setOptions(sets), args);
    }

    Path lake() {
      return dataDir.resolve("s3").resolve(config.get(StackConfig.S3_BUCKET_CONFIG)).resolve("lake");
    }

    JsonNode json(String kind, String venue, String symbol) throws Exception {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create(config.httpUrl() + "/api/v1/" + kind + "/" + venue + "/" + symbol)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(kind + " " + venue + "/" + symbol + ": " + r.body()).isEqualTo(200);
      return JSON.readTree(r.body());
    }
  }

  /** Starts a stack replaying {@code capture} as {@code venue}'s, at five times the recorded pace. */
  static Stack up(String name, String venue, Path capture) throws Exception {
    Path dataDir = StackCli.freshDataDir(name);
    List<String> ports = new ArrayList<>(StackCli.PORTS);
    ports.add(StackConfig.STREAMS_PORT_CONFIG);
    Map<String, String> flags = StackCli.baseSettings(dataDir, ports);
    flags.put(StackConfig.VENUES_CONFIG, venue);
    Stack stack = new Stack(dataDir, StackCli.sets(flags), StackConfig.load(null, Map.of(), flags));
    assertThat(stack.cli("up", "--detach", "--simulate", "--replay", venue + "=" + capture, "--speed", "5")).isZero();
    return stack;
  }

  @Test
  void aFourSymbolBinanceRecordingReplaysWhole() throws Exception {
    Stack stack = up("venue-replay-binance-it", "binance-usdm", BINANCE);
    try {
      // Each symbol's OFI and CVD as computed from its frames.
      for (String symbol : BINANCE_SYMBOLS) {
        StreamsQueryIT.Expected want = StreamsQueryIT.expected(BINANCE, symbol);
        assertThat(want.trades()).as(symbol + " trades in the capture").isPositive();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() -> {
          JsonNode ofi = stack.json("ofi", "binance-usdm", symbol);
          JsonNode cvd = stack.json("cvd", "binance-usdm", symbol);
          assertThat(ofi.get("updates").asLong()).as(symbol + " OFI terms").isEqualTo(want.ofiTerms());
          assertThat(ofi.get("ofi").asText()).as(symbol + " OFI").isEqualTo(plain(want.ofi()));
          assertThat(cvd.get("cumulative").asText()).as(symbol + " CVD").isEqualTo(plain(want.cvd()));
        });
      }
      Path lake = stack.lake();
      // The lake: every Binance symbol's book synced (a snapshot, then diffs), and its closed 1m candle.
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
        Map<String, String> books = new TreeMap<>();
        for (List<Object> row : duckDb("SELECT symbol, count(*) FILTER (WHERE snapshot), count(*) FILTER (WHERE NOT snapshot)"
            + " FROM read_parquet('" + lake + "/book/venue=binance-usdm/*/*/*.parquet') GROUP BY symbol")) {
          books.put((String) row.get(0), ((Number) row.get(1)).longValue() > 0 && ((Number) row.get(2)).longValue() > 0 ? "synced" : row.toString());
        }
        assertThat(books).containsOnlyKeys(BINANCE_SYMBOLS).allSatisfy((symbol, state) -> assertThat(state).isEqualTo("synced"));
        List<String> candles = new ArrayList<>();
        for (List<Object> row : duckDb("SELECT symbol, \"interval\", closed, epoch_us(openTime)"
            + " FROM read_parquet('" + lake + "/candles/venue=binance-usdm/*/*/*.parquet') ORDER BY symbol")) {
          candles.add(row.get(0) + " " + row.get(1) + " " + row.get(2) + " "
              + java.time.Instant.EPOCH.plus(((Number) row.get(3)).longValue(), java.time.temporal.ChronoUnit.MICROS));
        }
        assertThat(candles).containsExactly("AKROUSDT 1m true 2021-07-22T22:25:00Z", "CTKUSDT 1m true 2021-07-22T22:25:00Z",
            "KEEPUSDT 1m true 2021-07-22T22:25:00Z", "SUSHIUSDT 1m true 2021-07-22T22:25:00Z");
      });
      assertThat(stack.cli("qa")).as("QA on the lake as written, before any compaction").isZero();
    } finally {
      stack.cli("down");
    }
  }

  @Test
  void aTenProductCoinbaseRecordingReplaysWhole() throws Exception {
    Stack stack = up("venue-replay-coinbase-it", "coinbase", COINBASE);
    try {
      // Coinbase: each product's CVD, the aggressor being the side opposite the maker's.
      Map<String, BigDecimal> coinbaseCvd = new TreeMap<>();
      Map<String, Set<Long>> coinbaseTrades = new TreeMap<>();
      try (BufferedReader r = Files.newBufferedReader(COINBASE)) {
        String line;
        while ((line = r.readLine()) != null) {
          int brace = line.indexOf('{');
          if (brace < 0) {
            continue;
          }
          JsonNode f = JSON.readTree(line.substring(brace));
          String type = f.path("type").asText();
          if ((type.equals("match") || type.equals("last_match"))
              && coinbaseTrades.computeIfAbsent(f.get("product_id").asText(), k -> new HashSet<>()).add(f.get("trade_id").asLong())) {
            BigDecimal size = new BigDecimal(f.get("size").asText());
            coinbaseCvd.merge(f.get("product_id").asText(), f.get("side").asText().equals("sell") ? size : size.negate(), BigDecimal::add);
          }
        }
      }
      assertThat(coinbaseCvd).hasSize(10);
      assertThat(coinbaseTrades.values().stream().mapToInt(Set::size).sum()).isEqualTo(34);
      for (Map.Entry<String, BigDecimal> e : coinbaseCvd.entrySet()) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).ignoreExceptions().untilAsserted(() ->
            assertThat(stack.json("cvd", "coinbase", e.getKey()).get("cumulative").asText()).as(e.getKey() + " CVD").isEqualTo(plain(e.getValue())));
      }

      Path lake = stack.lake();

      // The lake: exactly one row per Coinbase trade id.
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
        Map<String, Set<Long>> rows = new TreeMap<>();
        long count = 0;
        for (List<Object> row : duckDb("SELECT symbol, tradeId FROM read_parquet('" + lake + "/trades/venue=coinbase/*/*/*.parquet')")) {
          rows.computeIfAbsent((String) row.get(0), k -> new HashSet<>()).add(Long.parseLong((String) row.get(1)));
          count++;
        }
        assertThat(count).as("trade rows").isEqualTo(34);
        assertThat(rows).isEqualTo(coinbaseTrades);
      });

      // The lake: each Coinbase product's top ten levels, rebuilt from its book rows (the last
      // snapshot, then the diffs after it in sequence order), equal an independent replay.
      Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> reference = replayCoinbaseBooks();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
        Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> rebuilt = new TreeMap<>();
        for (List<Object> row : duckDb("SELECT symbol, sequence, snapshot, side, price, size FROM ("
            + " SELECT symbol, sequence, snapshot, 'bid' AS side, unnest(bids, recursive := true) FROM read_parquet('" + lake + "/book/venue=coinbase/*/*/*.parquet')"
            + " UNION ALL SELECT symbol, sequence, snapshot, 'ask' AS side, unnest(asks, recursive := true) FROM read_parquet('" + lake + "/book/venue=coinbase/*/*/*.parquet')"
            + " UNION ALL SELECT symbol, sequence, snapshot, 'none', NULL, NULL FROM read_parquet('" + lake + "/book/venue=coinbase/*/*/*.parquet'))"
            + " ORDER BY symbol, sequence, side = 'none' DESC")) {
          String symbol = (String) row.get(0);
          boolean snapshot = (Boolean) row.get(2);
          if (row.get(3).equals("none")) {
            if (snapshot) {
              rebuilt.put(symbol, List.of(new TreeMap<>(Collections.reverseOrder()), new TreeMap<>()));
            }
            continue;
          }
          List<NavigableMap<BigDecimal, BigDecimal>> book = rebuilt.get(symbol);
          if (book != null) {
            set(book.get(row.get(3).equals("bid") ? 0 : 1), (BigDecimal) row.get(4), (BigDecimal) row.get(5));
          }
        }
        assertThat(rebuilt.keySet()).isEqualTo(reference.keySet());
        for (String product : reference.keySet()) {
          assertThat(top(rebuilt.get(product).get(0))).as(product + " bids").isEqualTo(top(reference.get(product).get(0)));
          assertThat(top(rebuilt.get(product).get(1))).as(product + " asks").isEqualTo(top(reference.get(product).get(1)));
        }
      });

      assertThat(stack.cli("qa")).as("QA on the lake as written, before any compaction").isZero();
    } finally {
      stack.cli("down");
    }
  }

  /** Each product's book replayed from the capture's snapshot and l2updates with plain JSON. */
  private static Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> replayCoinbaseBooks() throws Exception {
    Map<String, List<NavigableMap<BigDecimal, BigDecimal>>> books = new TreeMap<>();
    for (String line : Files.readAllLines(COINBASE)) {
      int brace = line.indexOf('{');
      if (brace < 0) {
        continue;
      }
      JsonNode f = JSON.readTree(line.substring(brace));
      String product = f.path("product_id").asText();
      switch (f.path("type").asText()) {
        case "snapshot" -> {
          List<NavigableMap<BigDecimal, BigDecimal>> book = List.of(new TreeMap<>(Collections.reverseOrder()), new TreeMap<>());
          f.get("bids").forEach(l -> set(book.get(0), new BigDecimal(l.get(0).asText()), new BigDecimal(l.get(1).asText())));
          f.get("asks").forEach(l -> set(book.get(1), new BigDecimal(l.get(0).asText()), new BigDecimal(l.get(1).asText())));
          books.put(product, book);
        }
        case "l2update" -> f.get("changes").forEach(c -> set(books.get(product).get(c.get(0).asText().equals("buy") ? 0 : 1),
            new BigDecimal(c.get(1).asText()), new BigDecimal(c.get(2).asText())));
        default -> { }
      }
    }
    return books;
  }

  private static void set(NavigableMap<BigDecimal, BigDecimal> side, BigDecimal price, BigDecimal size) {
    if (size.signum() == 0) {
      side.remove(price.stripTrailingZeros());
    } else {
      side.put(price.stripTrailingZeros(), size.stripTrailingZeros());
    }
  }

  private static List<String> top(NavigableMap<BigDecimal, BigDecimal> side) {
    return side.entrySet().stream().limit(10).map(e -> e.getKey().toPlainString() + "x" + e.getValue().toPlainString()).toList();
  }

  private static String plain(BigDecimal v) {
    return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
  }

  private static List<List<Object>> duckDb(String sql) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
