package io.ticklake.ops.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.ticklake.ops.metrics.PrometheusText;
import io.ticklake.ops.stack.ComponentState;
import io.ticklake.ops.stack.StackConfig;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.AvroWireSerdeConfig;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.GapEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor's view of the running pipeline. Every {@code health.check.interval.ms} it reads
 * each collector's {@code /status} and turns what changed since the last look into one outcome for
 * the venue's {@link VenueHealth}:
 *
 * <ul>
 *   <li><b>failure</b>: the collector does not answer (process down), or it reports failed
 *       connection attempts or unplanned disconnects (drop, idle timeout) since the last look, or
 *       its connection is not open;
 *   <li><b>success</b>: the connection is open, nothing failed, and frames arrived;
 *   <li>nothing: open but quiet (the collector's idle timeout turns a long silence into a failure),
 *       or still making its first connection.
 * </ul>
 *
 * Transitions go to the {@link AlertPublisher}. Every {@code health.summary.interval.seconds} one
 * {@code HEALTH} line per venue is logged. Slower figures for the status page and {@code /metrics}
 * (consumer lag, lake size, latest gaps, latest data-quality report) are refreshed every 15 s.
 */
public final class OpsMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsMonitor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STATS_INTERVAL = Duration.ofSeconds(15);
  private static final int GAPS_KEPT = 20;

  /** A child process that collects one venue. */
  public record VenueSource(String component, String venue) {}

  /** What the status page shows of a venue. */
  public record VenueView(
      String venue,
      String component,
      HealthState state,
      int failures,
      HealthThresholds thresholds,
      boolean answering,
      boolean connected,
      long received,
      long written,
      double ratePerSecond,
      long reconnects,
      String lastFailure,
      Map<String, Map<String, Long>> channels) {}

  /** Records a consumer group has yet to read from a topic. */
  public record Lag(String group, String topic, long records) {}

  /** Objects of one kind in the lake. */
  public record LakeKind(String kind, long files, long bytes) {}

  /** The newest data-quality report. */
  public record DqView(Path file, Instant modified, Optional<Boolean> passed) {}

  private record Observation(
      boolean connected, long connections, long failures, long received, long written, long reconnects,
      String lastFailure, Map<String, Map<String, Long>> channels, Instant at) {}

  private final StackConfig config;
  private final Path dataDir;
  private final List<VenueSource> sources;
  private final PrometheusMeterRegistry registry;
  private final AlertPublisher alerts;
  private final Supplier<List<ComponentState>> components;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, VenueHealth> health = new LinkedHashMap<>();
  private final Map<String, Observation> last = new ConcurrentHashMap<>();
  private final Map<String, VenueView> views = new ConcurrentHashMap<>();
  private final Map<String, Double> rates = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "ticklake-monitor");
            t.setDaemon(true);
            return t;
          });
  private final MultiGauge lagGauge;
  private final MultiGauge lakeFiles;
  private final MultiGauge lakeBytes;
  private volatile List<Lag> lag = List.of();
  private volatile List<LakeKind> lake = List.of();
  private volatile List<GapEvent> gaps = List.of();
  private volatile Optional<DqView> dq = Optional.empty();
  private volatile Optional<JsonNode> audit = Optional.empty();
  private Admin admin;
  private KafkaConsumer<byte[], GapEvent> gapConsumer;
  private long statsTicks;

  public OpsMonitor(
      StackConfig config,
      List<VenueSource> sources,
      PrometheusMeterRegistry registry,
      AlertPublisher alerts,
      Supplier<List<ComponentState>> components,
      Clock clock) {
    this.config = config;
    this.dataDir = config.dataDir();
    this.sources = List.copyOf(sources);
    this.registry = registry;
    this.alerts = alerts;
    this.components = components;
    this.clock = clock;
    HealthThresholds thresholds = config.healthThresholds();
    for (VenueSource s : sources) {
      VenueHealth h = new VenueHealth(s.venue(), thresholds, clock);
      health.put(s.venue(), h);
      Tags tags = Tags.of("venue", s.venue());
      Gauge.builder("ticklake.venue.health.state", h, v -> v.state().ordinal())
          .description("Venue health: 0 HEALTHY, 1 DEGRADED, 2 DOWN")
          .tags(tags)
          .register(registry);
      Gauge.builder("ticklake.venue.health.failures", h, VenueHealth::failuresInWindow)
          .description("Failures within the health window")
          .tags(tags)
          .register(registry);
    }
    lagGauge =
        MultiGauge.builder("ticklake.consumer.lag")
            .description("Records a consumer group has yet to read, per topic")
            .baseUnit("records")
            .register(registry);
    lakeFiles =
        MultiGauge.builder("ticklake.lake.files")
            .description("Parquet objects in the lake, per kind")
            .register(registry);
    lakeBytes =
        MultiGauge.builder("ticklake.lake.bytes")
            .description("Bytes of Parquet in the lake, per kind")
            .register(registry);
    Gauge.builder("ticklake.dq.last.passed", this, m -> m.dq.flatMap(DqView::passed).map(p -> p ? 1.0 : 0.0).orElse(Double.NaN))
        .description("1 if the newest data-quality report passed, 0 if it failed, NaN if there is none")
        .register(registry);
    Gauge.builder("ticklake.dq.last.age", this, m -> m.dq.map(d -> (double) Duration.between(d.modified(), clock.instant()).toSeconds()).orElse(Double.NaN))
        .description("Age of the newest data-quality report")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Starts the probes, the summary line and the slow statistics. */
  public OpsMonitor start() {
    long check = config.intValueOf(StackConfig.HEALTH_CHECK_INTERVAL_CONFIG);
    long summary = config.intValueOf(StackConfig.HEALTH_SUMMARY_INTERVAL_CONFIG);
    scheduler.scheduleWithFixedDelay(guard("health check", this::checkOnce), check, check, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(guard("health summary", this::summaryOnce), summary, summary, TimeUnit.SECONDS);
    scheduler.scheduleWithFixedDelay(guard("statistics", this::statsOnce), 0, STATS_INTERVAL.toSeconds(), TimeUnit.SECONDS);
    return this;
  }

  private static Runnable guard(String what, Runnable r) {
    return () -> {
      try {
        r.run();
      } catch (RuntimeException e) {
        log.warn("{} failed: {}", what, e.toString(), e);
      }
    };
  }

  // ---- health ----

  /** One probe of every venue (public for tests and for a check on demand). */
  public void checkOnce() {
    for (VenueSource s : sources) {
      VenueHealth h = health.get(s.venue());
      Optional<Transition> t;
      Observation prev = last.get(s.venue());
      Optional<Observation> now = observe(s.component());
      if (now.isEmpty()) {
        t = h.failure(s.component() + " not answering (" + componentState(s.component()) + ")");
        views.put(s.venue(), view(s, h, null, false));
      } else {
        Observation o = now.get();
        // A restarted collector starts its counters at zero: then all of them are new.
        boolean reset = prev == null || o.failures() < prev.failures() || o.received() < prev.received();
        long newFailures = reset ? (prev == null ? 0 : o.failures()) : o.failures() - prev.failures();
        long newFrames = reset ? o.received() : o.received() - prev.received();
        if (prev != null && !reset) {
          double secs = Math.max(0.001, Duration.between(prev.at(), o.at()).toMillis() / 1000.0);
          rates.put(s.venue(), newFrames / secs);
        }
        if (newFailures > 0) {
          t = h.failure(shortReason(o.lastFailure()));
        } else if (!o.connected() && (o.connections() > 0 || o.failures() > 0)) {
          t = h.failure("not connected" + (o.lastFailure().isEmpty() ? "" : ": " + shortReason(o.lastFailure())));
        } else if (o.connected() && newFrames > 0) {
          t = h.success("data flowing");
        } else {
          t = Optional.empty();
        }
        last.put(s.venue(), o);
        views.put(s.venue(), view(s, h, o, true));
      }
      t.ifPresent(alerts::venue);
    }
  }

  private String componentState(String component) {
    return components.get().stream()
        .filter(c -> c.name().equals(component))
        .findFirst()
        .map(ComponentState::describe)
        .orElse("not started");
  }

  private VenueView view(VenueSource s, VenueHealth h, Observation o, boolean answering) {
    return new VenueView(
        s.venue(), s.component(), h.state(), h.failuresInWindow(), h.thresholds(), answering,
        o != null && o.connected(), o == null ? 0 : o.received(), o == null ? 0 : o.written(),
        rates.getOrDefault(s.venue(), 0.0), o == null ? 0 : o.reconnects(),
        o == null ? h.lastFailureReason() : o.lastFailure(), o == null ? Map.of() : o.channels());
  }

  private Optional<Observation> observe(String component) {
    Optional<String> url = componentUrl(component);
    if (url.isEmpty()) {
      return Optional.empty();
    }
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url.get() + "/status")).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode j = JSON.readTree(r.body());
      Map<String, Map<String, Long>> channels = new TreeMap<>();
      j.path("channels").fields().forEachRemaining(e -> {
        Map<String, Long> c = new TreeMap<>();
        e.getValue().fields().forEachRemaining(f -> c.put(f.getKey(), f.getValue().asLong()));
        channels.put(e.getKey(), c);
      });
      return Optional.of(
          new Observation(
              j.path("connected").asBoolean(),
              j.path("connections").asLong(),
              j.path("connectFailures").asLong() + j.path("disconnects").asLong(),
              j.path("received").asLong(),
              j.path("written").asLong(),
              j.path("reconnects").asLong(),
              j.path("lastFailure").asText(""),
              channels,
              clock.instant()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * A failure as people say it: {@code timeout}, {@code connection refused}, {@code connection
   * dropped}, with the collector's own words where they add something.
   */
  static String shortReason(String raw) {
    String r = raw.toLowerCase(Locale.ROOT);
    if (r.contains("no frames for")) {
      return "timeout (" + raw.trim() + ")";
    }
    if (r.contains("refused")) {
      return "connection refused";
    }
    if (r.contains("timed out") || r.contains("timeout")) {
      return "timeout";
    }
    if (r.contains("1006")) {
      return "connection dropped (ws close 1006)";
    }
    if (r.contains("unresolved") || r.contains("unknownhost")) {
      return "unknown host";
    }
    return raw.length() > 120 ? raw.substring(0, 120) + "…" : raw;
  }

  /** The base URL a child wrote to {@code <data>/run/<component>.http}, if it is running. */
  public Optional<String> componentUrl(String component) {
    Path f = dataDir.resolve("run").resolve(component + ".http");
    try {
      return Files.exists(f) ? Optional.of(Files.readString(f).trim()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Logs one {@code HEALTH} line per venue. */
  public void summaryOnce() {
    for (VenueSource s : sources) {
      VenueHealth h = health.get(s.venue());
      VenueView v = views.get(s.venue());
      log.info(
          "HEALTH {}: {} | connection {} | received {} | written {} | failures {}/{} in {}",
          s.venue(),
          h.state(),
          v == null ? "unknown" : !v.answering() ? "unknown (" + s.component() + " not answering)" : v.connected() ? "up" : "down",
          v == null ? 0 : v.received(),
          v == null ? 0 : v.written(),
          h.failuresInWindow(),
          h.thresholds().downFailures(),
          h.thresholds().windowText());
    }
  }

  /** Every venue's view, in configuration order. */
  public List<VenueView> venues() {
    List<VenueView> out = new ArrayList<>();
    for (VenueSource s : sources) {
      VenueView v = views.get(s.venue());
      out.add(v != null ? v : view(s, health.get(s.venue()), null, false));
    }
    return out;
  }

  /** The health state of every venue. */
  public Map<String, HealthState> venueStates() {
    Map<String, HealthState> out = new LinkedHashMap<>();
    health.forEach((k, v) -> out.put(k, v.state()));
    return out;
  }

  /** The state machine of a venue (for display). */
  public VenueHealth health(String venue) {
    return health.get(venue);
  }

  public List<ComponentState> components() {
    return components.get();
  }

  public List<io.ticklake.schema.v1.Alert> recentAlerts() {
    return alerts.recent();
  }

  // ---- statistics ----

  /** Refreshes lag, lake size, gaps and the data-quality view. */
  public void statsOnce() {
    refreshDq();
    refreshAudit();
    try {
      refreshLag();
    } catch (Exception e) {
      log.debug("consumer lag not available: {}", e.toString());
    }
    try {
      refreshGaps();
    } catch (Exception e) {
      log.debug("gaps not available: {}", e.toString());
    }
    // Listing a large lake costs requests: every fourth round (once a minute) is enough.
    if (statsTicks++ % 4 == 0) {
      try {
        refreshLake();
      } catch (Exception e) {
        log.debug("lake size not available: {}", e.toString());
      }
    }
  }

  private void refreshDq() {
    dq =
        DqReports.latest(dataDir)
            .map(
                f -> {
                  Optional<Boolean> passed;
                  try {
                    passed = DqReports.passed(DqReports.read(f));
                  } catch (IOException e) {
                    passed = Optional.empty();
                  }
                  Instant modified;
                  try {
                    modified = Files.getLastModifiedTime(f).toInstant();
                  } catch (IOException e) {
                    modified = Instant.EPOCH;
                  }
                  return new DqView(f, modified, passed);
                });
  }

  /** The candle self-audit per venue, from the Streams app's query API ({@code /api/v1/audit}). */
  private void refreshAudit() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(config.streamsUrl() + "/api/v1/audit")).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode n = JSON.readTree(r.body());
        audit = n.path("venues").isEmpty() ? Optional.empty() : Optional.of(n);
      }
    } catch (IOException e) {
      log.debug("candle audit not available: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The candle self-audit as the Streams app last answered: {@code venues} (per venue: streams,
   * audited, matched, differed, unmatched, lastDifference) and {@code streams}; empty before any
   * venue candle was audited.
   */
  public Optional<JsonNode> candleAudit() {
    return audit;
  }

  private synchronized Admin admin() {
    if (admin == null) {
      Properties p = new Properties();
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
      p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ticklake-monitor");
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
      admin = org.apache.kafka.clients.admin.AdminClient.create(p);
      new KafkaClientMetrics((org.apache.kafka.clients.admin.AdminClient) admin).bindTo(registry);
    }
    return admin;
  }

  private void refreshLag() throws Exception {
    Admin a = admin();
    List<Lag> out = new ArrayList<>();
    for (ConsumerGroupListing g : a.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          a.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
      committed.forEach((tp, om) -> {
        if (om != null) {
          ask.put(tp, OffsetSpec.latest());
        }
      });
      if (ask.isEmpty()) {
        continue;
      }
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = a.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
      Map<String, Long> byTopic = new TreeMap<>();
      ends.forEach((tp, end) -> byTopic.merge(tp.topic(), Math.max(0, end.offset() - committed.get(tp).offset()), Long::sum));
      byTopic.forEach((topic, n) -> out.add(new Lag(g.groupId(), topic, n)));
    }
    lag = out;
    lagGauge.register(
        out.stream().map(l -> MultiGauge.Row.of(Tags.of("group", l.group(), "topic", l.topic()), l.records())).toList(),
        true);
  }

  private void refreshGaps() {
    if (gapConsumer == null) {
      Map<String, Object> p = new HashMap<>();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ticklake-monitor-gaps");
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      p.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, config.registryUrl());
      p.put(AvroWireSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true);
      AvroWireDeserializer<GapEvent> values = new AvroWireDeserializer<>(GapEvent.class);
      values.configure(p, false);
      KafkaConsumer<byte[], GapEvent> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), values);
      List<TopicPartition> tps = new ArrayList<>();
      for (String topic : List.of(Topics.GAPS, Topics.PRODUCER_GAPS)) {
        for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(10))) {
          tps.add(new TopicPartition(topic, pi.partition()));
        }
      }
      c.assign(tps);
      // Start a few records back from the end of each partition: the latest gaps, not all of them.
      Map<TopicPartition, Long> ends = c.endOffsets(tps, Duration.ofSeconds(10));
      ends.forEach((tp, end) -> c.seek(tp, Math.max(0, end - GAPS_KEPT)));
      gapConsumer = c;
    }
    List<GapEvent> arrived = new ArrayList<>();
    for (ConsumerRecord<byte[], GapEvent> r : gapConsumer.poll(Duration.ofMillis(500))) {
      if (r.value() != null) {
        arrived.add(r.value());
      }
    }
    gaps = latestPerGap(gaps, arrived, GAPS_KEPT);
  }

  /**
   * The newest {@code max} gaps, each once with its latest status: a gap is written again (same
   * gap id) when its backfill ends, and the later record replaces the earlier.
   */
  static List<GapEvent> latestPerGap(List<GapEvent> known, List<GapEvent> arrived, int max) {
    Map<String, GapEvent> byId = new java.util.LinkedHashMap<>();
    known.forEach(g -> byId.put(g.getGapId(), g));
    arrived.forEach(g -> byId.put(g.getGapId(), g));
    List<GapEvent> kept = new ArrayList<>(byId.values());
    kept.sort(Comparator.comparing(GapEvent::getDetectedTime).reversed());
    return List.copyOf(kept.subList(0, Math.min(max, kept.size())));
  }

  private void refreshLake() throws Exception {
    MinioClient s3 =
        MinioClient.builder()
            .endpoint(config.s3Endpoint())
            .region(config.get(StackConfig.S3_REGION_CONFIG))
            .credentials(config.get(StackConfig.S3_ACCESS_KEY_CONFIG), config.get(StackConfig.S3_SECRET_KEY_CONFIG))
            .build();
    Map<String, long[]> byKind = new TreeMap<>();
    for (Result<Item> r :
        s3.listObjects(
            ListObjectsArgs.builder().bucket(config.get(StackConfig.S3_BUCKET_CONFIG)).prefix("lake/").recursive(true).build())) {
      Item i = r.get();
      if (!i.objectName().endsWith(".parquet")) {
        continue;
      }
      String[] parts = i.objectName().split("/");
      String kind = parts.length > 1 ? parts[1] : "?";
      long[] fb = byKind.computeIfAbsent(kind, k -> new long[2]);
      fb[0]++;
      fb[1] += i.size();
    }
    List<LakeKind> out = new ArrayList<>();
    byKind.forEach((k, fb) -> out.add(new LakeKind(k, fb[0], fb[1])));
    lake = out;
    lakeFiles.register(out.stream().map(l -> MultiGauge.Row.of(Tags.of("kind", l.kind()), l.files())).toList(), true);
    lakeBytes.register(out.stream().map(l -> MultiGauge.Row.of(Tags.of("kind", l.kind()), l.bytes())).toList(), true);
  }

  public List<Lag> lag() {
    return lag;
  }

  public List<LakeKind> lake() {
    return lake;
  }

  public List<GapEvent> gaps() {
    return gaps;
  }

  public Optional<DqView> dq() {
    return dq;
  }

  // ---- metrics ----

  /**
   * The supervisor's metrics and every child's that serves {@code /metrics} (found through {@code
   * <data>/run/*.http}), merged, each child's samples labelled with its component.
   */
  public String metricsText() {
    Map<String, String> children = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dataDir.resolve("run"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".http")).sorted().toList()) {
        String component = f.getFileName().toString().replaceFirst("\\.http$", "");
        componentUrl(component).ifPresent(url -> {
          try {
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(URI.create(url + "/metrics")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              children.put(component, r.body());
            }
          } catch (IOException e) {
            log.debug("{} /metrics not answering: {}", component, e.toString());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
    } catch (IOException e) {
      log.debug("cannot list {}: {}", dataDir.resolve("run"), e.toString());
    }
    return PrometheusText.merge(registry.scrape(), children);
  }

  @Override
  public synchronized void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (gapConsumer != null) {
      gapConsumer.close(Duration.ofSeconds(2));
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
