package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.topic.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Acceptance of the Streams app in the local stack: {@code ticklake up --simulate --replay FILE}
 * on the real BTCUSDT capture, then the query API on ticklake's HTTP port must answer OFI and CVD
 * equal to a computation made here, straight from the capture's JSON frames with the documented
 * formulas (none of the product's classes). Then the stack is stopped and started again on the
 * same data: the simulator re-sends every frame, the collector produces every record a second
 * time, and the answers must not move.
 */
@Tag("integration")
class StreamsQueryIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path CAPTURE =
      Path.of("").toAbsolutePath().getParent().resolve(StackCli.DEMO_CAPTURE);
  static final Path SNAPSHOTS =
      Path.of("").toAbsolutePath().getParent().resolve(StackCli.DEMO_SNAPSHOTS);
  static final String KEY = "binance-usdm/BTCUSDT";

  /** Under target/, kept after a run: its logs/ explain a failure. */
  static Path dataDir;
  static final List<String> sets = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static StackConfig config;

  @BeforeAll
  static void ports() throws Exception {
    dataDir = StackCli.freshDataDir("streams-query-it");
    List<String> ports = new ArrayList<>(StackCli.PORTS);
    ports.add(StackConfig.STREAMS_PORT_CONFIG);
    Map<String, String> flags = StackCli.baseSettings(dataDir, ports);
    // The lake is not what this test is about: spare the two cores.
    flags.put(StackConfig.LAKE_CONNECTOR_CONFIG, "false");
    sets.addAll(StackCli.sets(flags));
    config = StackConfig.load(null, Map.of(), flags);
  }

  @AfterAll
  static void down() throws Exception {
    cli("down");
  }

  /** What the capture says, computed from its frames alone. */
  record Expected(BigDecimal ofi, long ofiTerms, BigDecimal cvd, long trades, int frames, BookTicker last) {}

  record BookTicker(long u, BigDecimal bid, BigDecimal bidQty, BigDecimal ask, BigDecimal askQty) {}

  /**
   * OFI (Cont, Kukanov and Stoikov 2014) over consecutive bookTicker frames in arrival order, a
   * frame whose update id {@code u} is not above the last one skipped; e_n with the inclusive
   * (>=, <=) cases. CVD over trade frames with {@code X=MARKET} (aggTrade: all), each trade id once:
   * −q when {@code m} (the buyer was the maker, so the aggressor sold), +q otherwise.
   */
  static Expected expected(Path capture) throws IOException {
    return expected(capture, null);
  }

  /** {@link #expected(Path)} of one symbol's frames ({@code s} of the payload); {@code null}: every frame. */
  static Expected expected(Path capture, String symbol) throws IOException {
    BigDecimal ofi = BigDecimal.ZERO;
    long terms = 0;
    BigDecimal cvd = BigDecimal.ZERO;
    Set<Long> tradeIds = new HashSet<>();
    BookTicker prev = null;
    int frames = 0;
    try (BufferedReader r = Files.newBufferedReader(capture)) {
      String line;
      while ((line = r.readLine()) != null) {
        int brace = line.indexOf('{');
        if (brace < 0) {
          continue;
        }
        JsonNode data = JSON.readTree(line.substring(brace)).path("data");
        if (symbol != null && !symbol.equals(data.path("s").asText())) {
          continue;
        }
        frames++;
        switch (data.path("e").asText()) {
          case "bookTicker" -> {
            BookTicker q =
                new BookTicker(
                    data.get("u").asLong(),
                    new BigDecimal(data.get("b").asText()),
                    new BigDecimal(data.get("B").asText()),
                    new BigDecimal(data.get("a").asText()),
                    new BigDecimal(data.get("A").asText()));
            if (prev != null && q.u() <= prev.u()) {
              continue;
            }
            if (prev != null) {
              BigDecimal e = BigDecimal.ZERO;
              if (q.bid().compareTo(prev.bid()) >= 0) {
                e = e.add(q.bidQty());
              }
              if (q.bid().compareTo(prev.bid()) <= 0) {
                e = e.subtract(prev.bidQty());
              }
              if (q.ask().compareTo(prev.ask()) <= 0) {
                e = e.subtract(q.askQty());
              }
              if (q.ask().compareTo(prev.ask()) >= 0) {
                e = e.add(prev.askQty());
              }
              ofi = ofi.add(e);
              terms++;
            }
            prev = q;
          }
          case "trade", "aggTrade" -> {
            boolean agg = data.path("e").asText().equals("aggTrade");
            if (!agg && !"MARKET".equals(data.path("X").asText())) {
              continue;
            }
            if (!tradeIds.add(data.get(agg ? "a" : "t").asLong())) {
              continue;
            }
            BigDecimal q = new BigDecimal(data.get("q").asText());
            cvd = data.get("m").asBoolean() ? cvd.subtract(q) : cvd.add(q);
          }
          default -> {}
        }
      }
    }
    return new Expected(ofi, terms, cvd, tradeIds.size(), frames, prev);
  }

  @Test
  void queryApiAnswersOfiAndCvdOfTheCaptureAndResentFramesChangeNothing() throws Exception {
    Expected want = expected(CAPTURE);
    // The capture's content, so the test cannot pass on an empty computation.
    assertThat(want.frames()).isEqualTo(3291);
    assertThat(want.trades()).isEqualTo(491);
    assertThat(want.ofiTerms()).isGreaterThan(2000);

    assertThat(up()).isZero();
    JsonNode[] answers = awaitAnswers(want);
    JsonNode ofi = answers[0];
    JsonNode cvd = answers[1];
    assertThat(ofi.get("ofi").asText()).isEqualTo(want.ofi().stripTrailingZeros().toPlainString());
    assertThat(ofi.get("updates").asLong()).isEqualTo(want.ofiTerms());
    assertThat(ofi.get("windowStart").asText()).isEqualTo("2024-08-08T00:00:00Z");
    assertThat(cvd.get("cumulative").asText()).isEqualTo(want.cvd().stripTrailingZeros().toPlainString());
    assertThat(cvd.get("openTrades").asLong()).isEqualTo(want.trades());
    // Every answer says how old its data is: venue time of the newest record, and now minus that.
    assertThat(cvd.get("asOf").asText()).startsWith("2024-08-08T23:54:");
    assertThat(cvd.get("ageMs").asLong()).isGreaterThan(Duration.ofDays(365).toMillis());
    JsonNode quote = json("quotes");
    assertThat(quote.get("updateId").asLong()).isEqualTo(want.last().u());
    assertThat(quote.get("askSize").asText())
        .isEqualTo(want.last().askQty().stripTrailingZeros().toPlainString());
    JsonNode candles = json("candles", "?interval=1m&limit=5");
    assertThat(candles.get("candles")).hasSize(1);
    assertThat(candles.get("candles").get(0).get("tradeCount").asLong()).isEqualTo(want.trades());
    long framesOnce = rawFrames();
    assertThat(framesOnce).isEqualTo(want.frames());

    // Stop and start on the same data: every frame is sent and produced again.
    assertThat(cli("down")).isZero();
    assertThat(up()).isZero();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> rawFrames() == 2L * want.frames());
    awaitStreamsCaughtUp();
    // Caught up is not necessarily answering: a rebalance after the restart (for instance when a
    // store is restored from its changelog) answers 503 until the app is RUNNING again.
    JsonNode[] again = new JsonNode[3];
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              again[0] = json("ofi");
              again[1] = json("cvd");
              again[2] = json("candles", "?interval=1m&limit=5");
            });
    JsonNode ofiAgain = again[0];
    JsonNode cvdAgain = again[1];
    assertThat(ofiAgain.get("ofi").asText()).isEqualTo(ofi.get("ofi").asText());
    assertThat(ofiAgain.get("updates").asLong()).isEqualTo(want.ofiTerms());
    assertThat(cvdAgain.get("cumulative").asText()).isEqualTo(cvd.get("cumulative").asText());
    assertThat(cvdAgain.get("openTrades").asLong()).isEqualTo(want.trades());
    assertThat(again[2].get("candles").get(0).get("tradeCount").asLong()).isEqualTo(want.trades());
  }

  /** Waits until the answers cover the whole capture (the last quote and every trade). */
  private static JsonNode[] awaitAnswers(Expected want) {
    JsonNode[] out = new JsonNode[2];
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              // The stores are read one after the other while the Streams thread may still be
              // writing: each answer is awaited on its own count, never inferred from another's.
              assertThat(json("quotes").get("updateId").asLong()).isEqualTo(want.last().u());
              out[0] = json("ofi");
              out[1] = json("cvd");
              assertThat(out[0].get("updates").asLong()).isEqualTo(want.ofiTerms());
              assertThat(out[1].get("openTrades").asLong()).isEqualTo(want.trades());
            });
    return out;
  }

  /** Until the Streams app has committed every input record (quotes and trades). */
  private static void awaitStreamsCaughtUp() {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () -> {
              try (Admin admin = admin()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin
                        .listConsumerGroupOffsets("ticklake-streams")
                        .partitionsToOffsetAndMetadata()
                        .get(10, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, Long> end : ends(admin, List.of(Topics.TRADES, Topics.QUOTES)).entrySet()) {
                  OffsetAndMetadata c = committed.get(end.getKey());
                  long at = c == null ? 0 : c.offset();
                  if (at < end.getValue()) {
                    return false;
                  }
                }
                return true;
              }
            });
  }

  private static long rawFrames() throws Exception {
    try (Admin admin = admin()) {
      return ends(admin, List.of(Topics.raw("binance-usdm"))).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static Map<TopicPartition, Long> ends(Admin admin, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .forEach((name, d) -> d.partitions().forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> out = new LinkedHashMap<>();
    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
        admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).entrySet()) {
      out.put(e.getKey(), e.getValue().offset());
    }
    return out;
  }

  private static Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return Admin.create(p);
  }

  private static JsonNode json(String kind) throws Exception {
    return json(kind, "");
  }

  /** GET on ticklake's HTTP port (the launcher's proxy), 200 required. */
  private static JsonNode json(String kind, String query) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(config.httpUrl() + "/api/v1/" + kind + "/" + KEY + query)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(kind + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static int up() throws Exception {
    return cli(
        "up", "--detach", "--simulate", "--replay", CAPTURE.toString(), "--snapshots", SNAPSHOTS.toString(),
        "--speed", "20");
  }

  static int cli(String... args) throws Exception {
    return StackCli.run(dataDir, StackCli.setOptions(sets), args);
  }

  static int freePort() throws IOException {
    return StackCli.freePort();
  }
}
