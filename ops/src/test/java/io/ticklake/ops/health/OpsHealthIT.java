package io.ticklake.ops.health;

import io.ticklake.ops.stack.StackCli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.ops.metrics.PrometheusText;
import io.ticklake.ops.stack.StackConfig;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.AvroWireSerdeConfig;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Alert;
import io.ticklake.schema.v1.AlertKind;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations on one real stack ({@code ticklake up --simulate --detach} in its own JVM, every part a
 * child JVM): the venue's health follows the simulator being stopped and started again, with one
 * alert per transition in the log and on the alerts topic; {@code /health} follows; {@code
 * /metrics} is valid Prometheus text whose counters move while data flows; the status page renders
 * in headless Chromium (screenshot in {@code ops/target/status-page.png}); a crashing collector is
 * restarted with backoff and reported; on {@code down} the collector flushes what it received.
 */
@Tag("integration")
class OpsHealthIT {
  static final String VENUE = "binance-usdm";
  @TempDir static Path dataDir;
  static final List<String> sets = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static StackConfig config;

  @BeforeAll
  static void ports() throws Exception {
    Map<String, String> flags = StackCli.baseSettings(dataDir, StackCli.PORTS);
    flags.put(StackConfig.SIMULATE_CONFIG, "true");
    // The 12 s demo capture played over a minute: data flows through every step of the test.
    flags.put(StackConfig.SIMULATE_SPEED_CONFIG, "0.2");
    // Probe every second (default 5 s) so the thresholds (3 and 10 failures) are reached quickly.
    flags.put(StackConfig.HEALTH_CHECK_INTERVAL_CONFIG, "1000");
    flags.put(StackConfig.HEALTH_SUMMARY_INTERVAL_CONFIG, "2");
    sets.addAll(StackCli.sets(flags));
    config = StackConfig.load(null, Map.of(), flags);
  }

  @AfterAll
  static void down() throws Exception {
    cli("down");
  }

  @Test
  void venueHealthAlertsMetricsStatusPageAndSupervision() throws Exception {
    assertThat(cli("up", "--detach")).isZero();
    String base = config.httpUrl();

    // Data flows: HEALTHY, /health 200, and the collector's counters move between two scrapes.
    await().atMost(Duration.ofMinutes(1)).until(() -> get(base + "/health").statusCode() == 200);
    assertThat(get(base + "/health").body()).contains("venue binance-usdm: HEALTHY");
    Map<String, String> trade = Map.of("component", "collector-binance-usdm", "venue", VENUE);
    double before = metric("ticklake_producer_msg_received_total", trade);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> metric("ticklake_producer_msg_received_total", trade) > before && before > 0);
    List<PrometheusText.Sample> samples = PrometheusText.samples(get(base + "/metrics").body());
    for (String family :
        List.of(
            "ticklake_producer_msg_written_total",
            "ticklake_producer_raw_written_total",
            "ticklake_producer_ws_reconnects_total",
            "ticklake_producer_gaps_total",
            "ticklake_producer_dead_letters_total",
            "ticklake_producer_latency_seconds_bucket",
            "ticklake_venue_health_state",
            "ticklake_component_up")) {
      assertThat(samples).as(family).anyMatch(s -> s.name().equals(family));
    }
    assertThat(PrometheusText.sum(samples, "ticklake_producer_msg_written_total", trade)).isPositive();
    // Kafka's own client metrics: the collector's producers, the supervisor's alert producer.
    assertThat(samples).anyMatch(s -> s.name().startsWith("kafka_producer_") && "collector-binance-usdm".equals(s.labels().get("component")));
    assertThat(samples).anyMatch(s -> s.name().startsWith("kafka_producer_") && !s.labels().containsKey("component"));

    screenshotStatusPage(base);

    // /dq: a clear 404 until the validator wrote a report, then the newest report.
    HttpResponse<String> noDq = get(base + "/dq");
    assertThat(noDq.statusCode()).isEqualTo(404);
    assertThat(noDq.body()).contains("no data-quality report yet");

    // The venue goes away: DEGRADED at 3 failures, DOWN at 10, /health 503.
    assertThat(cli("stop", "simulator")).isZero();
    await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/health").body().contains("venue binance-usdm: DEGRADED"));
    assertThat(get(base + "/health").statusCode()).isEqualTo(503);
    await().atMost(Duration.ofSeconds(90)).until(() -> get(base + "/health").body().contains("venue binance-usdm: DOWN"));
    assertThat(get(base + "/health").statusCode()).isEqualTo(503);

    // And comes back: HEALTHY after 3 successful probes, /health 200 again.
    assertThat(cli("start", "simulator")).isZero();
    await().atMost(Duration.ofSeconds(90)).until(() -> get(base + "/health").statusCode() == 200);
    assertThat(get(base + "/health").body()).contains("venue binance-usdm: HEALTHY");

    // Exactly one alert per transition, in the log and on the alerts topic.
    String log = Files.readString(dataDir.resolve("logs").resolve("ticklake.log"));
    List<String> alertLines = lines(log, "ALERT \\[\\w+\\] binance-usdm: .*");
    assertThat(alertLines).hasSize(3);
    assertThat(alertLines.get(0)).startsWith("ALERT [WARNING] binance-usdm: HEALTHY → DEGRADED | failures 3/10 in 60m | reason: ");
    assertThat(alertLines.get(1)).startsWith("ALERT [CRITICAL] binance-usdm: DEGRADED → DOWN | failures 10/10 in 60m | reason: ");
    assertThat(alertLines.get(2)).isEqualTo("ALERT [INFO] binance-usdm: DOWN → HEALTHY | successes 3/3 in a row | reason: data flowing");
    List<Alert> records = alerts();
    List<Alert> venueAlerts = records.stream().filter(a -> a.getSource().equals(VENUE)).toList();
    assertThat(venueAlerts).extracting(a -> a.getFromState() + ">" + a.getToState())
        .containsExactly("HEALTHY>DEGRADED", "DEGRADED>DOWN", "DOWN>HEALTHY");
    assertThat(venueAlerts).allMatch(a -> a.getKind() == AlertKind.VENUE_HEALTH);
    assertThat(venueAlerts.get(0).getMessage()).isEqualTo(alertLines.get(0).substring("ALERT [WARNING] ".length()));
    assertThat(metric("ticklake_alerts_total", Map.of("kind", "VENUE_HEALTH", "severity", "WARNING"))).isEqualTo(1);
    assertThat(metric("ticklake_alerts_total", Map.of("kind", "VENUE_HEALTH"))).isEqualTo(3);
    // /logs serves the same lines, and the 30 s (here 2 s) summary.
    String recent = get(base + "/logs?lines=2000").body();
    assertThat(recent).contains(alertLines.get(0), alertLines.get(2));
    assertThat(recent).containsPattern("HEALTH binance-usdm: HEALTHY \\| connection up \\| received \\d+ \\| written \\d+");

    // A data-quality report appears: /dq serves the newest.
    Files.createDirectories(dataDir.resolve("dq"));
    Files.writeString(dataDir.resolve("dq").resolve("dq-2024-08-08T12.json"), "{\"passed\":false,\"window\":\"1h\"}");
    HttpResponse<String> dq = get(base + "/dq");
    assertThat(dq.statusCode()).isEqualTo(200);
    assertThat(dq.body()).contains("\"passed\":false");

    // Supervision: a collector killed with -9 is back within the backoff (1 s, then 2 s, 4 s);
    // at the third crash in a row it is reported, not restarted in a tight loop.
    for (int crash = 1; crash <= 3; crash++) {
      long pid = Long.parseLong(Files.readString(dataDir.resolve("run").resolve("collector-binance-usdm.pid")).trim());
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      int restarts = crash;
      await().atMost(Duration.ofSeconds(30)).until(() ->
          metric("ticklake_component_restarts_total", Map.of("component", "collector-binance-usdm")) == restarts
              && metric("ticklake_component_up", Map.of("component", "collector-binance-usdm")) == 1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> lines(
        Files.readString(dataDir.resolve("logs").resolve("ticklake.log")),
        "ALERT \\[CRITICAL\\] component collector-binance-usdm: RUNNING → FAILING \\| crashes 3 in a row .*").size() == 1);
    assertThat(alerts()).anyMatch(a -> a.getKind() == AlertKind.COMPONENT && a.getSource().equals("collector-binance-usdm"));
    // The restarted collector is collecting again (its endpoint answers with data).
    await().atMost(Duration.ofSeconds(30)).until(() -> metric("ticklake_producer_msg_received_total", trade) > 0);

    // Consumer lag of the lake sink's group is exported once it committed offsets.
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(5)).until(() ->
        PrometheusText.samples(get(base + "/metrics").body()).stream().anyMatch(s ->
            s.name().equals("ticklake_consumer_lag_records") && s.labels().getOrDefault("group", "").startsWith("connect-")));

    // Clean shutdown: the collector flushes; every frame it received was acknowledged raw.
    assertThat(cli("down")).isZero();
    String collectorLog = Files.readString(dataDir.resolve("logs").resolve("collector-binance-usdm.log"));
    Matcher m = Pattern.compile("collector stopped: received (\\d+), written (\\d+), raw written (\\d+), raw errors (\\d+)")
        .matcher(collectorLog);
    String last = null;
    while (m.find()) {
      last = m.group(1) + "/" + m.group(3) + "/" + m.group(4);
    }
    assertThat(last).as("the collector logged its final counts on SIGTERM").isNotNull();
    String[] f = last.split("/");
    assertThat(Long.parseLong(f[0])).isPositive();
    assertThat(f[1]).as("raw frames acknowledged = frames received").isEqualTo(f[0]);
    assertThat(f[2]).isEqualTo("0");
  }

  /** Headless Chromium renders the status page; the screenshot is kept in ops/target. */
  private static void screenshotStatusPage(String base) throws Exception {
    String chromium = chromium();
    Path shot = Path.of("target", "status-page.png").toAbsolutePath();
    Files.deleteIfExists(shot);
    Path profile = Files.createTempDirectory(dataDir, "chromium");
    List<String> common = List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--user-data-dir=" + profile);
    List<String> dump = new ArrayList<>(common);
    dump.addAll(List.of("--dump-dom", base + "/"));
    String dom = run(dump);
    assertThat(dom).contains("<title>ticklake status</title>", "binance-usdm", "HEALTHY", "id=\"venues\"", "id=\"lag\"", "id=\"lake\"");
    List<String> screenshot = new ArrayList<>(common);
    screenshot.addAll(List.of("--window-size=1280,1600", "--screenshot=" + shot, base + "/"));
    run(screenshot);
    assertThat(shot).exists();
    byte[] png = Files.readAllBytes(shot);
    assertThat(png.length).isGreaterThan(10_000);
    assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  /**
   * Debian's chromium (or Chrome). Not found is a failure, never a skip. On a fresh Debian machine
   * (CI) the test installs Debian's package itself, so {@code mvn -B verify} needs no manual step:
   * as root, or through password-less sudo, {@code apt-get install -y chromium} (after {@code
   * apt-get update} when the package lists are missing). {@code CHROMIUM} may point at a binary.
   */
  static synchronized String chromium() throws Exception {
    Optional<String> found = findChromium();
    if (found.isEmpty() && Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      List<String> sudo = "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
      List<String> install = new ArrayList<>(sudo);
      install.addAll(List.of("apt-get", "install", "-y", "--no-install-recommends", "chromium"));
      List<String> update = new ArrayList<>(sudo);
      update.addAll(List.of("apt-get", "update"));
      if (apt(install) != 0 && apt(update) == 0) {
        apt(install);
      }
      found = findChromium();
    }
    return found.orElseThrow(() -> new AssertionError(
        "headless Chromium is needed to render the status page and installing Debian's package failed"
            + " (see target/apt-chromium.log): run apt-get install -y chromium, or set CHROMIUM to its path"));
  }

  private static Optional<String> findChromium() {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
        candidates.add(dir + File.separator + name);
      }
    }
    return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst();
  }

  private static int apt(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "apt-chromium.log").toFile()));
    pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process p = pb.start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static String run(List<String> cmd) throws Exception {
    Path out = Files.createTempFile(dataDir, "chromium", ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish: " + cmd);
    }
    assertThat(p.exitValue()).as("chromium exit code").isZero();
    return Files.readString(out);
  }

  private static List<String> lines(String text, String regex) {
    Pattern p = Pattern.compile(regex);
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      int at = line.indexOf("ALERT [");
      if (at >= 0 && p.matcher(line.substring(at)).matches()) {
        out.add(line.substring(at));
      }
    }
    return out;
  }

  private static List<Alert> alerts() {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, config.registryUrl());
    p.put(AvroWireSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
    AvroWireDeserializer<Alert> values = new AvroWireDeserializer<>(Alert.class);
    values.configure(p, false);
    List<Alert> out = new ArrayList<>();
    try (KafkaConsumer<String, Alert> c = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
      TopicPartition tp = new TopicPartition(Topics.ALERTS, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        for (ConsumerRecord<String, Alert> r : c.poll(Duration.ofSeconds(1))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }

  private static double metric(String name, Map<String, String> labels) throws Exception {
    return PrometheusText.sum(PrometheusText.samples(get(config.httpUrl() + "/metrics").body()), name, labels);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int cli(String... args) throws Exception {
    return StackCli.run(dataDir, StackCli.setOptions(sets), args);
  }

  static int freePort() throws IOException {
    return StackCli.freePort();
  }
}
