package io.ticklake.ops.dq;

import io.ticklake.ops.health.AlertPublisher;
import io.ticklake.schema.v1.AlertKind;
import io.ticklake.schema.v1.AlertSeverity;

import io.ticklake.ops.stack.StackConfig;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.DataQualityEvent;
import io.ticklake.schema.v1.DqStatus;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running stack's data-quality validation: tails the trades and the per-minute features as
 * they arrive, and every {@code validate.interval.min} minutes judges what arrived in that window
 * (completeness and duplicates of trade ids, receive-to-event latency, coverage of the four regime
 * scenes). Each run writes {@code <data>/dq/report-<UTC time>.json} and {@code
 * slices-<UTC time>.json} (the feature minutes of each regime scene), and one {@code
 * DataQualityEvent} per check to {@code md.ops.dq.v1}. After {@code dq.fail.max.tol} failed runs
 * in a row it raises one alert ({@code ALERT [CRITICAL] dq: ...} in the log), and logs the
 * recovery when a run passes again. Settings are re-read at every run, so {@code reload} applies.
 */
public final class DataQualityValidator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataQualityValidator.class);
  static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Supplier<StackConfig> config;
  private final Supplier<Set<String>> expected;
  private final Path dqDir;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean closed;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, SpecificRecord> producer;
  private AvroWireDeserializer<Trade> trades;
  private DqWindow window;
  private int streak;
  private boolean alerted;
  private volatile boolean runRequested;
  private volatile DqReport last;
  private volatile boolean ready;
  private volatile boolean alerting;

  /**
   * @param config the configuration in force (re-read at every run)
   * @param expected the symbols being collected, as {@code venue:symbol}
   * @param dataDir the stack's data directory (reports go to {@code dq/} under it)
   */
  private volatile AlertPublisher alerts;
  private Map<TopicPartition, Long> requestedEnds;

  public DataQualityValidator(Supplier<StackConfig> config, Supplier<Set<String>> expected, Path dataDir, Clock clock) {
    this.config = config;
    this.expected = expected;
    this.dqDir = dataDir.resolve("dq");
    this.clock = clock;
    this.thread = new Thread(this::loop, "ticklake-dq");
    this.thread.setDaemon(true);
  }

  /** Starts tailing from the end of the topics; the first window starts now. */
  public DataQualityValidator start() {
    thread.start();
    return this;
  }

  /**
   * Closes the current window, without waiting for the interval, as soon as every record that had
   * arrived on the tailed topics when this was called has been read.
   */
  public void requestRun() {
    runRequested = true;
  }

  /** True once the validator tails the topics (records produced from now on are in its window). */
  public boolean ready() {
    return ready;
  }

  /** True from the alert until a run passes again. */
  public boolean alerting() {
    return alerting;
  }

  /** The latest report, or null before the first run. */
  public DqReport last() {
    return last;
  }

  private void loop() {
    StackConfig c = config.get();
    Properties props = c.kafkaClientConfig();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ticklake-dq");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Object> serde = new HashMap<>();
    serde.put("schema.registry.url", c.registryUrl());
    serde.put("specific.avro.reader", true);
    trades = new AvroWireDeserializer<>();
    trades.configure(serde, false);
    Properties producerProps = c.kafkaClientConfig();
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "ticklake-dq");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>();
    values.configure(serde, false);
    try (KafkaConsumer<String, byte[]> kc =
            new KafkaConsumer<>(props, new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<String, SpecificRecord> kp = new KafkaProducer<>(producerProps, new StringSerializer(), values)) {
      consumer = kc;
      producer = kp;
      List<TopicPartition> tps = new ArrayList<>();
      for (String topic : List.of(Topics.TRADES, Topics.FEATURES_1M)) {
        for (PartitionInfo p : kc.partitionsFor(topic, Duration.ofMinutes(2))) {
          tps.add(new TopicPartition(topic, p.partition()));
        }
      }
      kc.assign(tps);
      kc.seekToEnd(tps);
      tps.forEach(kc::position); // resolve the end now: the window starts here
      window = new DqWindow(clock.instant());
      ready = true;
      log.info("data-quality validation every {} min over {} partitions",
          c.intValueOf(StackConfig.VALIDATE_INTERVAL_MIN_CONFIG), tps.size());
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : kc.poll(Duration.ofMillis(500))) {
          feed(r);
        }
        int minutes = config.get().intValueOf(StackConfig.VALIDATE_INTERVAL_MIN_CONFIG);
        boolean due = minutes > 0 && !clock.instant().isBefore(window.start().plus(Duration.ofMinutes(minutes)));
        if (runRequested && requestedEnds == null) {
          // A requested run judges everything that had arrived when it was asked for.
          runRequested = false;
          requestedEnds = kc.endOffsets(tps);
        }
        boolean requestedReached =
            requestedEnds != null && requestedEnds.entrySet().stream().allMatch(e -> kc.position(e.getKey()) >= e.getValue());
        if (due || requestedReached) {
          requestedEnds = null;
          runOnce();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        log.error("data-quality validation stopped: {}", e.toString(), e);
      }
    }
  }

  private void feed(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return;
    }
    if (r.topic().equals(Topics.FEATURES_1M)) {
      window.addFeature(new String(r.value(), StandardCharsets.UTF_8));
      return;
    }
    try {
      window.add(trades.deserialize(r.topic(), r.headers(), r.value()));
    } catch (RuntimeException e) {
      log.debug("dq: unreadable trade at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
    }
  }

  private void runOnce() {
    StackConfig c = config.get();
    Instant end = clock.instant();
    DqWindow.Limits limits =
        new DqWindow.Limits(
            c.doubleValue(StackConfig.DQ_COMPLETENESS_MIN_CONFIG),
            c.intValueOf(StackConfig.DQ_DUPLICATES_MAX_CONFIG),
            c.intValueOf(StackConfig.DQ_LATENCY_P99_MAX_MS_CONFIG),
            c.intValueOf(StackConfig.DQ_REGIMES_MIN_CONFIG),
            c.flag(StackConfig.SIMULATE_CONFIG));
    List<DqReport.Check> checks = window.judge(limits, expected.get());
    String runId = "dq-" + FILE_TIME.format(end);
    boolean failed = checks.stream().anyMatch(x -> x.status().equals("FAIL"));
    streak = failed ? streak + 1 : 0;
    DqReport report = new DqReport(runId, window.start(), end, checks, streak, window.regimeCounts());
    write(report, window);
    publish(report, end);
    alert(report, c.intValueOf(StackConfig.DQ_FAIL_MAX_TOL_CONFIG));
    last = report;
    window = new DqWindow(end);
  }

  private void write(DqReport report, DqWindow w) {
    String stamp = FILE_TIME.format(report.windowEnd());
    try {
      Files.createDirectories(dqDir);
      StringBuilder slices = new StringBuilder("{\"runId\":\"" + report.runId() + "\",\"windowStart\":\"" + report.windowStart()
          + "\",\"windowEnd\":\"" + report.windowEnd() + "\",\"slices\":{");
      for (int i = 0; i < DqWindow.REGIMES.size(); i++) {
        String regime = DqWindow.REGIMES.get(i);
        slices.append(i == 0 ? "" : ",").append('"').append(regime).append("\":[");
        boolean first = true;
        for (DqWindow.Slice s : w.slices()) {
          if (s.regime().equals(regime)) {
            slices.append(first ? "" : ",")
                .append(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                    Map.of("venue", s.venue(), "symbol", s.symbol(), "windowStart", s.windowStart(), "windowEnd", s.windowEnd())));
            first = false;
          }
        }
        slices.append(']');
      }
      slices.append("}}\n");
      atomically(dqDir.resolve("slices-" + stamp + ".json"), slices.toString().getBytes(StandardCharsets.UTF_8));
      // The report last: whoever serves the newest report finds its slices already there.
      atomically(dqDir.resolve("report-" + stamp + ".json"), report.toJson());
      log.info("dq run {}: {} ({} checks){}", report.runId(), report.status(), report.checks().size(),
          report.failed() ? " failing: " + report.failures() : "");
    } catch (IOException e) {
      log.error("dq: cannot write the report under {}: {}", dqDir, e.toString());
    }
  }

  private static void atomically(Path file, byte[] bytes) throws IOException {
    Path part = file.resolveSibling(file.getFileName() + ".part");
    Files.write(part, bytes);
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void publish(DqReport report, Instant now) {
    for (DqReport.Check c : report.checks()) {
      DataQualityEvent e =
          DataQualityEvent.newBuilder()
              .setRunId(report.runId())
              .setCheck(c.check())
              .setVenue(c.venue())
              .setSymbol(c.symbol())
              .setStatus(DqStatus.valueOf(c.status()))
              .setObserved(c.observed())
              .setThreshold(c.threshold())
              .setWindowStart(report.windowStart())
              .setWindowEnd(report.windowEnd())
              .setDetail(c.detail())
              .setEventTime(now)
              .build();
      String key = c.venue() + (c.symbol() == null ? "" : ":" + c.symbol());
      producer.send(new ProducerRecord<>(Topics.DATA_QUALITY, key, e), (md, ex) -> {
        if (ex != null) {
          log.warn("dq: result to {} not written: {}", Topics.DATA_QUALITY, ex.toString());
        }
      });
    }
    producer.flush();
  }

  private void alert(DqReport report, int tolerance) {
    if (report.failed() && streak >= tolerance && !alerted) {
      alerted = true;
      alerting = true;
      Path file = dqDir.resolve("report-" + FILE_TIME.format(report.windowEnd()) + ".json");
      String message = "dq: " + streak + " consecutive failed validations (tolerance " + tolerance + ") | "
          + report.failures() + " | report " + file;
      publish(AlertSeverity.CRITICAL, "PASSING", "FAILING", String.valueOf(report.failures()), message,
          Map.of("consecutiveFailures", Integer.toString(streak), "tolerance", Integer.toString(tolerance),
              "runId", report.runId(), "report", file.toString()));
    } else if (!report.failed() && alerted) {
      alerted = false;
      alerting = false;
      publish(AlertSeverity.INFO, "FAILING", "PASSING", "validation passes",
          "dq: validation passes again (run " + report.runId() + ")", Map.of("runId", report.runId()));
    }
  }

  /** To the alerts topic (and webhook) when an {@link AlertPublisher} is set, else to the log only. */
  private void publish(AlertSeverity severity, String from, String to, String reason, String message,
      Map<String, String> details) {
    AlertPublisher publisher = alerts;
    if (publisher != null) {
      publisher.publish(AlertKind.DATA_QUALITY, severity, "dq", from, to, reason, message, details, clock.instant());
    } else if (severity == AlertSeverity.CRITICAL) {
      log.error("ALERT [{}] {}", severity, message);
    } else {
      log.warn("ALERT [{}] {}", severity, message);
    }
  }

  /** Where alerts go besides the log: the alerts topic and the webhook. */
  public DataQualityValidator alerts(AlertPublisher publisher) {
    this.alerts = publisher;
    return this;
  }

  @Override
  public void close() {
    closed = true;
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
