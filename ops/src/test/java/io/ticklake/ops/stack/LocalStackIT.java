package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.io.IOException;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The local stack as a user runs it: {@code ticklake up --detach} in its own JVM, real child JVMs
 * for the broker, registry, Connect and S3Proxy; the replayed 2024 capture lands in the lake, the
 * Streams app's candles, OFI and CVD included, and passes compaction and QA; then {@code kill -9} of
 * every one of them and {@code up} again, which must bring the stack back with its data.
 */
@Tag("integration")
class LocalStackIT {
  /** Under target/, kept after a run: its logs/ and s3/ explain a failure. */
  static Path dataDir;
  static final List<String> sets = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();
  static StackConfig config;

  @BeforeAll
  static void ports() throws Exception {
    dataDir = StackCli.freshDataDir("local-stack-it");
    List<String> ports = new ArrayList<>(StackCli.PORTS);
    ports.add(StackConfig.STREAMS_PORT_CONFIG);
    Map<String, String> flags = StackCli.baseSettings(dataDir, ports);
    // The real venue is unreachable here: the collector replays the shipped capture, fast.
    flags.put(StackConfig.SIMULATE_CONFIG, "true");
    // Four minutes of recorded time (23:54:16 to about 23:58:20, ids and times shifted per loop),
    // so that 1-minute candles, CVD, OFI and a 5-minute rollup close, all before midnight. At 10x
    // the replay lasts about 25 s: Kafka Streams emits closed windows on a record at most once a
    // wall-clock second (emit.interval.ms.kstreams.window.close), so a faster replay would leave
    // the windows that close in its last second unemitted until the next record.
    flags.put(StackConfig.SIMULATE_SPEED_CONFIG, "10");
    flags.put(StackConfig.SIMULATE_LOOP_SECONDS_CONFIG, "240");
    sets.addAll(StackCli.sets(flags));
    config = StackConfig.load(null, Map.of(), flags);
  }

  @AfterAll
  static void down() throws Exception {
    cli("down");
  }

  @Test
  void upServesEveryPartAndComesBackWithItsDataAfterKillMinus9() throws Exception {
    assertThat(cli("up", "--detach")).isZero();

    // Registry, Connect, S3 and the broker answer as their clients expect.
    HttpResponse<String> subjects = get(config.registryUrl() + "/subjects");
    assertThat(subjects.statusCode()).isEqualTo(200);
    assertThat(subjects.body()).startsWith("[").doesNotContain("probe-value");
    HttpResponse<String> plugins = get(config.connectUrl() + "/connector-plugins");
    assertThat(plugins.statusCode()).isEqualTo(200);
    assertThat(plugins.body()).startsWith("[");
    assertThat(bucketExists()).isTrue();
    assertTopicsAsDocumented();
    assertThat(get(config.httpUrl() + "/health").statusCode()).isEqualTo(200);

    // The whole pipeline: simulator -> collector -> Kafka -> Connect sink -> Parquet in S3,
    // under the documented layout, partitioned by the trades' event date (2024-08-08 UTC).
    String prefix = "lake/trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-08-08/";
    await()
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(2))
        .until(() -> objects(prefix).stream().anyMatch(k -> k.matches(
            java.util.regex.Pattern.quote(prefix) + "md\\.norm\\.trades\\.v1\\+\\d+\\+\\d{20}\\.parquet")));

    assertDerivedKindsLandByEventTime();
    // Compaction and QA over the replayed day, derived kinds included.
    assertThat(cli("compact", "--all")).isZero();
    Path report = dataDir.resolve("qa-2024-08-08.json");
    assertThat(cli("qa", "--date", "2024-08-08", "--report", report.toString())).isZero();
    JsonNode qa = JSON.readTree(report.toFile());
    assertThat(qa.get("status").asText()).isEqualTo("PASS");
    List<String> checked = new ArrayList<>();
    qa.get("partitions").forEach(p -> checked.add(p.get("partition").asText().split("/")[0]));
    assertThat(checked).contains("trades", "quotes", "book", "ohlcv-1m", "ohlcv-5m", "ofi", "cvd");

    String schema =
        "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Probe\\\","
            + "\\\"fields\\\":[{\\\"name\\\":\\\"a\\\",\\\"type\\\":\\\"long\\\"}]}\"}";
    HttpResponse<String> reg =
        http.send(
            HttpRequest.newBuilder(URI.create(config.registryUrl() + "/subjects/probe-value/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(schema))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reg.statusCode()).isEqualTo(200);
    String id = reg.body();

    // kill -9 of every stack process, the launcher included.
    List<ProcessHandle> victims = new ArrayList<>();
    try (Stream<Path> pids = Files.list(dataDir.resolve("run"))) {
      for (Path p : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(p).trim())).ifPresent(victims::add);
      }
    }
    assertThat(victims).hasSizeGreaterThanOrEqualTo(7);
    for (ProcessHandle h : victims) {
      h.destroyForcibly();
    }
    for (ProcessHandle h : victims) {
      h.onExit().get(30, TimeUnit.SECONDS);
    }

    assertThat(cli("up", "--detach")).isZero();
    // The pipeline registered its own schemas meanwhile; the probe's survived the kill.
    assertThat(get(config.registryUrl() + "/subjects").body())
        .contains("\"probe-value\"", "\"md.norm.trades.v1-value\"");
    assertThat(get(config.registryUrl() + "/subjects/probe-value/versions/1").body())
        .contains(id.replaceAll("[{}]", ""));
    assertThat(bucketExists()).isTrue();
    assertTopicsAsDocumented();
    assertThat(cli("status")).isZero();
  }

  /**
   * The Streams app's candles, OFI and CVD reach the lake under the documented layout, partitioned
   * by event time (the replayed 2024 day, though their Kafka timestamps are the broker's clock), and
   * DuckDB, a reader outside the project's code path, reads each closed 1-minute candle back
   * exactly as the query API answers it.
   */
  private static void assertDerivedKindsLandByEventTime() throws Exception {
    String day = "venue=binance-usdm/symbol=BTCUSDT/date=2024-08-08/";
    for (String topic : List.of(Topics.OHLCV_1M, Topics.OHLCV_5M, Topics.OFI, Topics.CVD)) {
      String prefix = "lake/" + topic.split("\\.")[2] + "/" + day;
      await()
          .atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> objects(prefix).stream().anyMatch(k -> k.matches(
              Pattern.quote(prefix + topic) + "\\+\\d+\\+\\d{20}\\.parquet")));
    }
    // The lake holds the candles whose minute closed in stream time and was emitted (the last
    // replayed minute never closes: no later trade arrives); the query API answers from its store.
    List<String> closed = List.of("2024-08-08T23:54:00Z", "2024-08-08T23:55:00Z", "2024-08-08T23:56:00Z");
    Path ohlcv = dataDir.resolve("s3").resolve("ticklake").resolve("lake").resolve("ohlcv-1m").resolve(day);
    Map<String, String> lake = new TreeMap<>();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> {
          lake.clear();
          lake.putAll(duckDbCandles(ohlcv));
          assertThat(lake.keySet()).containsAll(closed);
        });
    Map<String, String> answered = new TreeMap<>();
    HttpResponse<String> r = get(config.httpUrl() + "/api/v1/candles/binance-usdm/BTCUSDT?interval=1m&limit=60");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    for (JsonNode c : JSON.readTree(r.body()).get("candles")) {
      answered.put(c.get("openTime").asText(), c.get("closeTime").asText() + " o=" + c.get("open").asText()
          + " h=" + c.get("high").asText() + " l=" + c.get("low").asText() + " c=" + c.get("close").asText()
          + " v=" + c.get("volume").asText() + " n=" + c.get("tradeCount").asLong());
    }
    assertThat(answered).containsAllEntriesOf(lake);
    System.out.printf("DuckDB reads %d 1m candles from the lake, each equal to the query API's: %s%n", lake.size(), lake);
  }

  /** The 1-minute candles in the lake, as DuckDB reads them; a candle twice would fail the test. */
  private static Map<String, String> duckDbCandles(Path partition) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT epoch_us(openTime), epoch_us(closeTime), epoch_us(eventTime), open, high, low,"
            + " close, volume, tradeCount, \"interval\", closed FROM read_parquet('" + partition + "/*.parquet')")) {
      while (rs.next()) {
        assertThat(rs.getString(10)).isEqualTo("1m");
        assertThat(rs.getBoolean(11)).isTrue();
        // A candle's eventTime is its close: that is what places it in its date partition.
        assertThat(rs.getLong(3)).isEqualTo(rs.getLong(2));
        String key = micros(rs.getLong(1));
        String value = micros(rs.getLong(2)) + " o=" + plain(rs.getBigDecimal(4)) + " h=" + plain(rs.getBigDecimal(5))
            + " l=" + plain(rs.getBigDecimal(6)) + " c=" + plain(rs.getBigDecimal(7)) + " v=" + plain(rs.getBigDecimal(8))
            + " n=" + rs.getLong(9);
        assertThat(out.put(key, value)).as("candle " + key + " once").isNull();
      }
    }
    return out;
  }

  private static String micros(long epochMicros) {
    return Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS).toString();
  }

  private static String plain(BigDecimal v) {
    return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
  }

  private static void assertTopicsAsDocumented() throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      List<TopicSpec> specs = Topics.all(io.ticklake.producers.core.Venues.ids());
      Map<String, org.apache.kafka.clients.admin.TopicDescription> d =
          admin
              .describeTopics(specs.stream().map(TopicSpec::name).toList())
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      for (TopicSpec s : specs) {
        assertThat(d.get(s.name()).partitions()).hasSize(s.partitions());
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, s.name());
        Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
        s.configs().forEach((k, v) -> assertThat(c.get(k).value()).as(s.name() + " " + k).isEqualTo(v));
      }
    }
  }

  private static List<String> objects(String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (io.minio.Result<io.minio.messages.Item> r :
        minio()
            .listObjects(
                io.minio.ListObjectsArgs.builder()
                    .bucket("ticklake")
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
      keys.add(r.get().objectName());
    }
    return keys;
  }

  private static MinioClient minio() {
    return MinioClient.builder()
        .endpoint(config.s3Endpoint())
        .credentials(
            config.get(StackConfig.S3_ACCESS_KEY_CONFIG),
            config.get(StackConfig.S3_SECRET_KEY_CONFIG))
        .build();
  }

  private static boolean bucketExists() throws Exception {
    return minio()
        .bucketExists(BucketExistsArgs.builder().bucket("ticklake").build());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static int cli(String... args) throws Exception {
    return StackCli.run(dataDir, StackCli.setOptions(sets), args);
  }

  static int freePort() throws IOException {
    return StackCli.freePort();
  }
}
