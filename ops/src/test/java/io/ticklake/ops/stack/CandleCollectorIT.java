package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.AvroWireSerdeConfig;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.GapEvent;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The multi-venue candle collector's promises, on Kraken's and OKX's simulators playing today's
 * clock (as {@code ./ticklake up --simulate} does), in one stack, in order:
 *
 * <ol>
 *   <li>the candle self-audit: with nothing lost, every audited minute of both venues matches and
 *       no data-quality event is raised;
 *   <li>a trade the OKX simulator drops from its WebSocket (but counts in its candle; OKX trade ids
 *       are not a sequence, so nothing else notices) raises exactly one data-quality event, naming
 *       the stream and the minute;
 *   <li>the crash drill of {@code ops/runbooks/crash-drill.md}: both collectors {@code kill -9}ed
 *       and kept down for five minutes of the venues' time, then started: one gap event per
 *       affected stream, logged {@code gap_detected}, each FILLED from the venue's REST API within
 *       15 minutes; every venue minute of the outage is in the lake once, and after compaction
 *       {@code ./ticklake qa} passes for both venues' trades, candles and trade-derived minutes (no
 *       duplicate key, no missing candle, no silence).
 * </ol>
 *
 * <p>A scenario of about twenty minutes: {@code benchmarks/run scenarios} runs it (Maven profile
 * {@code scenarios}), not CI.
 */
@Tag("scenario")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CandleCollectorIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient http = HttpClient.newHttpClient();
  static final List<String> VENUES = List.of("kraken", "okx");
  static final Duration DOWN = Duration.ofMinutes(5);

  static Path dataDir;
  static List<String> sets;
  static StackConfig config;
  static Map<String, String> simulators = new LinkedHashMap<>();

  @BeforeAll
  static void up() throws Exception {
    dataDir = StackCli.freshDataDir("candle-collector-it");
    List<String> ports = new ArrayList<>(StackCli.PORTS);
    ports.add(StackConfig.STREAMS_PORT_CONFIG);
    Map<String, String> flags = StackCli.baseSettings(dataDir, ports);
    flags.put(StackConfig.VENUES_CONFIG, String.join(",", VENUES));
    // A real venue plays on while a collector is away: what it sent meanwhile is missed.
    flags.put(StackConfig.SIMULATE_UNSUBSCRIBED_CONFIG, "play");
    sets = StackCli.sets(flags);
    config = StackConfig.load(null, Map.of(), flags);
    int port = Integer.parseInt(flags.get(StackConfig.SIMULATOR_PORT_CONFIG));
    for (int i = 0; i < VENUES.size(); i++) {
      simulators.put(VENUES.get(i), "http://" + config.bindAddress() + ":" + (port + i));
    }
    // Today's clock at the recorded pace, as ./ticklake up --simulate runs: the drill's five minutes are real ones.
    assertThat(cli("up", "--detach", "--simulate")).isZero();
  }

  @AfterAll
  static void down() throws Exception {
    cli("down");
  }

  static int cli(String... args) throws Exception {
    return StackCli.run(dataDir, StackCli.setOptions(sets), args);
  }

  @Test
  @Order(1)
  void withNothingLostEveryAuditedMinuteMatches() throws Exception {
    await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
      JsonNode venues = audit().path("venues");
      for (String v : VENUES) {
        assertThat(venues.path(v).path("audited").asLong()).as(v + " minutes audited").isGreaterThanOrEqualTo(3);
      }
    });
    JsonNode venues = audit().path("venues");
    for (String v : VENUES) {
      assertThat(venues.path(v).path("differed").asLong()).as(v + ": " + venues.path(v)).isZero();
    }
    assertThat(auditEvents()).isEmpty();
    // The status page and /dq show it per venue.
    String page = get(config.httpUrl() + "/").body();
    assertThat(page).contains("Candle self-audit").contains("<td>kraken</td>").contains("<td>okx</td>");
    assertThat(JSON.readTree(get(config.httpUrl() + "/dq").body()).path("candleAudit").path("venues").has("okx")).isTrue();
  }

  @Test
  @Order(2)
  void aTradeDroppedFromTheWebSocketIsOneEventForItsStreamAndMinute() throws Exception {
    long auditedBefore = audit().path("venues").path("okx").path("audited").asLong();
    assertThat(get(simulators.get("okx") + "/sim/faults?fault=drop-trade").statusCode()).isEqualTo(200);
    JsonNode status = await().atMost(Duration.ofMinutes(1)).until(() -> simStatus("okx"), s -> s.path("droppedTrades").asLong() == 1);
    JsonNode dropped = JSON.readTree(status.path("lastDroppedTrade").asText()).path("data").get(0);
    Instant minute = Instant.ofEpochMilli(dropped.path("ts").asLong()).truncatedTo(ChronoUnit.MINUTES);

    // Its minute and two more audited: the difference is reported once, for that minute only.
    await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(5)).ignoreExceptions().until(
        () -> audit().path("venues").path("okx").path("audited").asLong() >= auditedBefore + 3);
    List<DataQualityEvent> events = auditEvents();
    assertThat(events).as("audit events").hasSize(1);
    DataQualityEvent e = events.get(0);
    assertThat(e.getVenue()).isEqualTo("okx");
    assertThat(e.getSymbol()).isEqualTo(dropped.path("instId").asText());
    assertThat(e.getWindowStart()).isEqualTo(minute);
    assertThat(e.getDetail()).contains("candles-1m " + minute).contains("volume venue");
    assertThat(audit().path("venues").path("kraken").path("differed").asLong()).isZero();
  }

  @Test
  @Order(3)
  void crashDrillGapsAreDetectedPerStreamBackfilledAndTheLakePassesQa() throws Exception {
    Instant killedAt = Instant.now();
    Map<String, Instant> venueTimeAtKill = new HashMap<>();
    for (String v : VENUES) {
      String collector = "collector-" + v;
      // The supervisor would start it again within a second: hold it (as ./ticklake stop does), then kill -9.
      Files.writeString(ManagedProcess.holdFile(dataDir, collector), killedAt.toString());
      long pid = Long.parseLong(Files.readString(dataDir.resolve("run").resolve(collector + ".pid")).trim());
      assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
      venueTimeAtKill.put(v, Instant.parse(simStatus(v).path("playedThrough").asText()));
    }
    // Five minutes of the venues' time, which runs on without them.
    for (String v : VENUES) {
      await().atMost(DOWN.plus(Duration.ofMinutes(2))).pollInterval(Duration.ofSeconds(2)).until(
          () -> Instant.parse(simStatus(v).path("playedThrough").asText()).isAfter(venueTimeAtKill.get(v).plus(DOWN)));
    }
    for (String v : VENUES) {
      assertThat(cli("start", "collector-" + v)).isZero();
    }
    Instant restartedAt = Instant.now();

    // One gap per affected stream, each FILLED within 15 minutes of the restart.
    Map<String, List<GapEvent>> byStream = new TreeMap<>();
    await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
      byStream.clear();
      for (GapEvent g : latestGaps(killedAt)) {
        byStream.computeIfAbsent(g.getVenue() + " " + g.getSymbol() + " " + g.getStream(), k -> new ArrayList<>()).add(g);
      }
      // Each venue's candles and trades; the trade-derived minutes (ohlcv-1m) only where the trades'
      // backfill had not rebuilt them before the first live minute closed.
      Set<String> streams = byStream.keySet();
      for (String v : VENUES) {
        assertThat(streams).anyMatch(s -> s.startsWith(v + " ") && s.endsWith(" candles-1m"));
        assertThat(streams).anyMatch(s -> s.startsWith(v + " ") && (s.endsWith(" trades") || s.endsWith(" trade")));
      }
      byStream.forEach((stream, gaps) -> {
        assertThat(gaps).as(stream + ": one gap").hasSize(1);
        // Trades and candles are fetched back; top of book has no history to fetch (UNFILLABLE), a
        // book is resynced from a fresh snapshot (NOT_APPLICABLE).
        boolean fetchable = stream.endsWith(" trade") || stream.endsWith(" trades") || stream.contains(" candles-") || stream.endsWith(" ohlcv-1m");
        if (fetchable) {
          assertThat(gaps.get(0).getBackfillStatus()).as(stream + ": " + gaps.get(0)).isEqualTo(BackfillStatus.FILLED);
        } else {
          assertThat(gaps.get(0).getBackfillStatus()).as(stream + ": " + gaps.get(0))
              .isIn(BackfillStatus.UNFILLABLE, BackfillStatus.NOT_APPLICABLE);
        }
      });
    });
    System.out.printf("crash drill: %d streams with one gap each, all FILLED %s after the restart: %s%n", byStream.size(),
        Duration.between(restartedAt, Instant.now()).truncatedTo(ChronoUnit.SECONDS), byStream.keySet());
    for (String v : VENUES) {
      String log = Files.readString(dataDir.resolve("logs").resolve("collector-" + v + ".log"));
      assertThat(log).containsPattern("gap_detected venue=" + v + " symbol=\\S+ stream=candles-1m kind=MISSING_CANDLE from=\\S+ to=\\S+ minutes=\\d+");
      assertThat(log).contains("gap_filled venue=" + v);
    }

    // The lake: every minute of the outage, once, of the venue's candles and of those built from
    // trades (the outage's minutes rebuilt from the backfilled trades).
    for (String v : VENUES) {
      Instant from = venueTimeAtKill.get(v).truncatedTo(ChronoUnit.MINUTES);
      Instant to = from.plus(DOWN).plus(Duration.ofMinutes(2));
      for (String kind : List.of("candles", "ohlcv-1m")) {
        await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
          List<Long> minutes = minutes(kind, v, from, to);
          assertThat(minutes).as(v + " " + kind + " 1m candles from " + from + " to " + to).hasSize((int) Duration.between(from, to).toMinutes());
          assertThat(new TreeSet<>(minutes)).hasSameSizeAs(minutes);
        });
      }
    }
    // The backfilled records landed after newer live ones (sink files are in offset order):
    // compaction sorts them; then QA of what the backfill restores: trades, the venue's candles and
    // the trade-derived minutes. (Quotes, books and what is derived from them keep the outage's
    // hole: no venue keeps their history. The runbook says so.)
    for (String v : VENUES) {
      assertThat(cli("compact", "--all", "--force", "--venue", v)).isZero();
      for (String kind : List.of("trades", "candles", "ohlcv-1m")) {
        Path report = dataDir.resolve("qa-" + v + "-" + kind + ".json");
        assertThat(cli("qa", "--venue", v, "--kind", kind, "--report", report.toString())).as("qa " + v + " " + kind + ": " + report).isZero();
        assertThat(JSON.readTree(report.toFile()).path("status").asText()).isEqualTo("PASS");
      }
    }
  }

  static JsonNode audit() throws Exception {
    HttpResponse<String> r = get(config.httpUrl() + "/api/v1/audit");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static JsonNode simStatus(String venue) throws Exception {
    return JSON.readTree(get(simulators.get(venue) + "/sim/status").body());
  }

  static HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The 1m candles of a lake kind ({@code candles}, {@code ohlcv-1m}) of a venue with openTime in [from, to), as epoch micros. */
  static List<Long> minutes(String kind, String venue, Instant from, Instant to) throws Exception {
    Path lake = dataDir.resolve("s3").resolve(config.get(StackConfig.S3_BUCKET_CONFIG)).resolve("lake");
    String glob = lake.resolve(kind).resolve("venue=" + venue) + "/**/*.parquet";
    List<Long> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT epoch_us(openTime) FROM read_parquet('" + glob + "', hive_partitioning = false)"
            + " WHERE \"interval\" = '1m' AND epoch_us(openTime) >= " + micros(from) + " AND epoch_us(openTime) < " + micros(to)
            + " ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  /** Every gap of the venues detected after {@code since}, each once with its latest status. */
  static List<GapEvent> latestGaps(Instant since) {
    Map<String, GapEvent> byId = new LinkedHashMap<>();
    for (GapEvent g : consumeAll(Topics.GAPS, GapEvent.class)) {
      if (VENUES.contains(g.getVenue()) && !g.getDetectedTime().isBefore(since)) {
        byId.put(g.getGapId(), g);
      }
    }
    return List.copyOf(byId.values());
  }

  static List<DataQualityEvent> auditEvents() {
    return consumeAll(Topics.DATA_QUALITY, DataQualityEvent.class).stream().filter(e -> "candle-audit".equals(e.getCheck())).toList();
  }

  static <T> List<T> consumeAll(String topic, Class<T> type) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, config.registryUrl());
    p.put(AvroWireSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
    AvroWireDeserializer<T> values = new AvroWireDeserializer<>(type);
    values.configure(p, false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> c = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(10))) {
        tps.add(new TopicPartition(topic, pi.partition()));
      }
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, T> r : c.poll(Duration.ofSeconds(1))) {
          if (r.value() != null) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }
}
