package io.ticklake.ops.cli;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.ticklake.ops.stack.Probes;
import io.ticklake.ops.stack.Provisioner;
import io.ticklake.ops.stack.StackConfig;
import io.ticklake.ops.stack.StackVenues;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ticklake doctor}: checks the machine, every dependency and every venue endpoint the way
 * their clients use them, and for each problem says what is wrong and how to fix it. Exit 0 when
 * nothing failed (warnings allowed), 1 otherwise.
 */
@Command(
    name = "doctor",
    description = {
      "Check Java, the data directory, Kafka, the registry, Connect (plugin and connector),"
          + " S3 (bucket) and each venue endpoint; say what is wrong and how to fix it.",
      "Exit 0 when nothing failed, 1 otherwise."
    })
final class DoctorCommand implements Callable<Integer> {
  /** The connector class the lake needs on Connect's plugin path. */
  static final String SINK_CLASS = "io.ticklake.connect.s3.S3ParquetSinkConnector";

  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** One finding: OK, WARN or FAIL, what was seen, and the fix when it is not OK. */
  record Finding(String level, String what, String detail, String fix) {}

  @Override
  public Integer call() throws Exception {
    StackConfig config = options.load(true);
    List<Finding> findings = check(config);
    PrintWriter out = spec.commandLine().getOut();
    int failed = 0;
    for (Finding f : findings) {
      out.printf("%-5s %-22s %s%n", f.level(), f.what(), f.detail());
      if (!f.level().equals("OK")) {
        out.printf("      %-22s fix: %s%n", "", f.fix());
      }
      failed += f.level().equals("FAIL") ? 1 : 0;
    }
    out.println(
        failed == 0
            ? "doctor: no problem found"
            : "doctor: " + failed + " problem" + (failed == 1 ? "" : "s") + " found");
    return failed == 0 ? 0 : 1;
  }

  List<Finding> check(StackConfig c) {
    List<Finding> f = new ArrayList<>();
    f.add(java());
    f.add(dataDir(c.dataDir()));
    kafka(c, f);
    f.add(registry(c));
    connect(c, f);
    f.add(s3(c));
    if (c.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
      for (StackVenues.VenueRun v : StackVenues.plan(c)) {
        venue(c, v, f);
      }
    }
    return f;
  }

  private static Finding java() {
    int v = Runtime.version().feature();
    return v >= 17
        ? new Finding("OK", "java", "Java " + Runtime.version() + " (17 or later needed)", "")
        : new Finding(
            "FAIL", "java", "Java " + Runtime.version() + " is too old", "install a JDK 17+ and set JAVA_HOME");
  }

  private static Finding dataDir(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".doctor-", ".tmp");
      Files.delete(probe);
      long free = Files.getFileStore(dir).getUsableSpace();
      String detail = dir + " writable, " + (free >> 30) + " GiB free";
      return free < (1L << 30)
          ? new Finding("WARN", "data dir", detail, "free disk space or run ./ticklake retention --older-than DAYS --apply")
          : new Finding("OK", "data dir", detail, "");
    } catch (Exception e) {
      return new Finding(
          "FAIL",
          "data dir",
          dir + " is not writable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
          "create it and give the ticklake user write access, or set data.dir / --data-dir");
    }
  }

  private static String startHint(StackConfig c, boolean embedded, String key) {
    return embedded
        ? "start the stack: ./ticklake up (logs in " + c.dataDir().resolve("logs") + ")"
        : "check " + key + " and that the service runs and is reachable from here";
  }

  private static boolean kafka(StackConfig c, List<Finding> f) {
    String why = Probes.kafka(c.bootstrapServers(), c.kafkaClientProperties()).check();
    if (why != null) {
      String fix = startHint(c, c.embeddedKafka(), StackConfig.KAFKA_BOOTSTRAP_CONFIG);
      if (!c.kafkaClientProperties().isEmpty()) {
        fix += "; check the kafka.client.* security settings (protocol, SASL, truststore)";
      }
      f.add(new Finding("FAIL", "kafka", why, fix));
      return false;
    }
    Set<String> missing = new TreeSet<>();
    java.util.Properties p = c.kafkaClientConfig();
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      for (TopicSpec t : Topics.all(io.ticklake.producers.core.Venues.ids())) {
        if (!existing.contains(t.name())) {
          missing.add(t.name());
        }
      }
    } catch (Exception e) {
      f.add(new Finding("FAIL", "kafka topics", "cannot list topics: " + e, "check the ACLs of the configured principal (DESCRIBE on the cluster)"));
      return true;
    }
    f.add(new Finding("OK", "kafka", c.bootstrapServers() + " answers", ""));
    f.add(
        missing.isEmpty()
            ? new Finding("OK", "kafka topics", "all " + Topics.all(io.ticklake.producers.core.Venues.ids()).size() + " documented topics exist", "")
            : new Finding("FAIL", "kafka topics", "missing: " + String.join(", ", missing), "./ticklake up creates them (./ticklake topics shows them)"));
    return true;
  }

  private static Finding registry(StackConfig c) {
    String why = Probes.http(c.registryUrl() + "/subjects").check();
    return why == null
        ? new Finding("OK", "schema registry", c.registryUrl() + " answers", "")
        : new Finding("FAIL", "schema registry", why, startHint(c, c.embeddedRegistry(), StackConfig.REGISTRY_URL_CONFIG));
  }

  private static void connect(StackConfig c, List<Finding> f) {
    HttpResponse<String> plugins = get(c.connectUrl() + "/connector-plugins");
    if (plugins == null || plugins.statusCode() != 200) {
      f.add(
          new Finding(
              "FAIL",
              "kafka connect",
              plugins == null ? "no answer from " + c.connectUrl() : "HTTP " + plugins.statusCode() + " from " + c.connectUrl(),
              startHint(c, c.embeddedConnect(), StackConfig.CONNECT_URL_CONFIG)));
      return;
    }
    f.add(new Finding("OK", "kafka connect", c.connectUrl() + " answers", ""));
    if (!plugins.body().contains(SINK_CLASS)) {
      f.add(
          new Finding(
              "FAIL",
              "connect plugin",
              SINK_CLASS + " is not on the worker's plugin path",
              "build it (mvn -B -DskipTests package puts it in connectors/target/plugins) and restart Connect"
                  + " with plugin.path pointing there"));
      return;
    }
    f.add(new Finding("OK", "connect plugin", SINK_CLASS + " installed", ""));
    if (!c.flag(StackConfig.LAKE_CONNECTOR_CONFIG)) {
      return;
    }
    String name = Provisioner.LAKE_CONNECTOR;
    HttpResponse<String> status = get(c.connectUrl() + "/connectors/" + name + "/status");
    if (status == null || status.statusCode() == 404) {
      f.add(new Finding("FAIL", "lake connector", name + " does not exist", "./ticklake up creates it (lake.connector=true)"));
      return;
    }
    String body = status.body();
    List<String> failed = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"state\"\\s*:\\s*\"([A-Z]+)\"").matcher(body);
    int states = 0;
    while (m.find()) {
      states++;
      if (!m.group(1).equals("RUNNING")) {
        failed.add(m.group(1));
      }
    }
    if (states == 0 || !failed.isEmpty()) {
      String trace = body.replaceAll("(?s).*\"trace\"\\s*:\\s*\"([^\\\\\"]{0,160}).*", "$1");
      f.add(
          new Finding(
              "FAIL",
              "lake connector",
              name + " is not running (states " + failed + ")" + (trace.equals(body) ? "" : ": " + trace),
              "read the trace in " + c.connectUrl() + "/connectors/" + name + "/status, fix its cause, then"
                  + " curl -X POST '" + c.connectUrl() + "/connectors/" + name + "/restart?includeTasks=true&onlyFailed=true'"));
    } else {
      f.add(new Finding("OK", "lake connector", name + " and its " + (states - 1) + " task(s) RUNNING", ""));
    }
  }

  private static Finding s3(StackConfig c) {
    String bucket = c.get(StackConfig.S3_BUCKET_CONFIG);
    try {
      MinioClient minio =
          MinioClient.builder()
              .endpoint(c.s3Endpoint())
              .region(c.get(StackConfig.S3_REGION_CONFIG))
              .credentials(c.get(StackConfig.S3_ACCESS_KEY_CONFIG), c.get(StackConfig.S3_SECRET_KEY_CONFIG))
              .build();
      minio.setTimeout(3000, 3000, 3000);
      boolean exists = minio.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
      return exists
          ? new Finding("OK", "s3", c.s3Endpoint() + " bucket " + bucket + " reachable", "")
          : new Finding("FAIL", "s3", "bucket " + bucket + " does not exist at " + c.s3Endpoint(), "./ticklake up creates it, or create it yourself (s3.bucket.name)");
    } catch (ErrorResponseException e) {
      String code = e.errorResponse().code();
      return new Finding(
          "FAIL",
          "s3",
          c.s3Endpoint() + " refused: " + code,
          code.contains("AccessDenied") || code.contains("Signature") || code.contains("InvalidAccessKey")
              ? "check s3.access.key.id and the secret (TICKLAKE_S3_SECRET_ACCESS_KEY)"
              : "check s3.endpoint, s3.region and s3.bucket.name");
    } catch (Exception e) {
      return new Finding(
          "FAIL",
          "s3",
          "no answer from " + c.s3Endpoint() + " (" + e.getClass().getSimpleName() + ")",
          startHint(c, c.embeddedS3(), StackConfig.S3_ENDPOINT_CONFIG));
    }
  }

  /**
   * One venue's endpoints, the ones its collector uses: the real venue, or its simulator when the
   * stack runs simulated (REST probe path, WebSocket handshake on the URL of its first symbol); and,
   * when the stack is up, whether its collector is connected.
   */
  private static void venue(StackConfig c, StackVenues.VenueRun v, List<Finding> f) {
    Map<String, Object> settings = new LinkedHashMap<>(v.collectorSettings());
    settings.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
    settings.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, c.registryUrl());
    if (v.simulated()) {
      String host = c.bindAddress() + ":" + v.simulatorPort();
      settings.put(CollectorConfig.REST_URL_CONFIG, "http://" + host);
      settings.put(CollectorConfig.WS_URL_CONFIG, "ws://" + host + v.venue().simulation().wsPath());
    }
    CollectorConfig cc = new CollectorConfig(v.venue(), settings);
    String rest = cc.restUrl();
    String ws = cc.wsUrl();
    String what = v.id() + (v.simulated() ? " (simulator)" : "");
    String fix =
        v.simulated()
            ? "its simulator runs with ./ticklake up --simulate; see " + c.dataDir().resolve("logs").resolve(v.simulator() + ".log")
            : "check outbound HTTPS/WSS to " + URI.create(rest).getHost() + " and " + URI.create(ws).getHost()
                + " (proxy, firewall, DNS; some venues refuse some regions, HTTP 451); offline, run ./ticklake up --simulate";
    String probe = rest + v.venue().restProbePath();
    HttpResponse<String> ping = get(probe);
    if (ping == null) {
      f.add(new Finding("FAIL", what + " rest", "no answer from " + probe, fix));
    } else if (ping.statusCode() == 418 || ping.statusCode() == 429) {
      f.add(new Finding("FAIL", what + " rest", "HTTP " + ping.statusCode() + ": rate limited or banned (Retry-After "
          + ping.headers().firstValue("Retry-After").orElse("?") + ")", "wait out the ban; the collector keeps inside rest.budget"));
    } else if (ping.statusCode() != 200) {
      f.add(new Finding("FAIL", what + " rest", "HTTP " + ping.statusCode() + " from " + probe, fix));
    } else {
      f.add(new Finding("OK", what + " rest", probe + " answers", ""));
    }
    URI uri = v.venue().connections(cc).uri(List.of(v.symbols().get(0)));
    try {
      WebSocket socket =
          HTTP.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                  webSocket.request(1);
                  return null;
                }
              })
              .get(8, TimeUnit.SECONDS);
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "doctor").get(3, TimeUnit.SECONDS);
      f.add(new Finding("OK", what + " websocket", ws + " accepts a connection", ""));
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      f.add(new Finding("FAIL", what + " websocket", "handshake with " + ws + " failed (" + cause.getClass().getSimpleName() + ")", fix));
    }
    collector(c, v, f);
  }

  /** When the stack is up: whether the venue's collector answers and is connected. */
  private static void collector(StackConfig c, StackVenues.VenueRun v, List<Finding> f) {
    Path urlFile = c.dataDir().resolve("run").resolve(v.collector() + ".http");
    if (!Files.exists(urlFile) || TicklakeCli.runningSupervisor(c).isEmpty()) {
      return; // the stack is not up: nothing to judge
    }
    String log = c.dataDir().resolve("logs").resolve(v.collector() + ".log").toString();
    try {
      HttpResponse<String> status = get(Files.readString(urlFile).trim() + "/status");
      if (status == null || status.statusCode() != 200) {
        f.add(new Finding("FAIL", v.id() + " collector", "its /status does not answer", "see " + log));
        return;
      }
      com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.body());
      if (!s.path("connected").asBoolean()) {
        f.add(new Finding("FAIL", v.id() + " collector", "not connected (last failure: " + s.path("lastFailure").asText("none") + ")",
            "see " + log + " and the status page"));
      } else {
        f.add(new Finding("OK", v.id() + " collector", "connected, " + s.path("received").asLong() + " frames received", ""));
      }
    } catch (Exception e) {
      f.add(new Finding("FAIL", v.id() + " collector", "its /status is unreadable (" + e.getClass().getSimpleName() + ")", "see " + log));
    }
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }
}
