package io.ticklake.ops.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded local stack: a KRaft broker, the schema registry, a Kafka Connect distributed
 * worker, S3Proxy, the Kafka Streams app, and per venue a collector (and, simulated, a venue
 * simulator), each a child JVM with its state under one data directory. Parts that point at
 * external infrastructure are not started. Crashed children are restarted with exponential
 * backoff.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  /**
   * The parts every stack may have, in start order; each venue adds {@code simulator-<venue>} and
   * {@code collector-<venue>} after them. Stop order is the reverse: pipeline first, the broker last.
   */
  static final List<String> INFRA = List.of("s3", "kafka", "registry", "connect", "streams");
  /** Names that stand for every venue's part of a kind ({@code ./ticklake stop simulator}). */
  static final List<String> GROUPS = List.of("simulator", "collector");

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** Crashes in a row after which a component is reported as failing (and still retried). */
  static final int CRASH_ALERT_AFTER = 3;
  /** A component that ran this long after a restart counts as stable: its crash count resets. */
  static final Duration STABLE_AFTER = Duration.ofMinutes(2);

  private volatile StackConfig config;
  private volatile List<StackVenues.VenueRun> venues;
  private final Path home;
  private final Path dataDir;
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new LinkedHashMap<>();
  private final Map<String, Instant> nextRestart = new LinkedHashMap<>();
  private final Map<String, Instant> startedAt = new LinkedHashMap<>();
  private final Map<String, Integer> restarts = new LinkedHashMap<>();
  private final java.util.Set<String> held = new java.util.HashSet<>();
  private final java.util.Set<String> reportedFailing = new java.util.HashSet<>();
  private volatile io.ticklake.ops.health.AlertPublisher alerts;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "ticklake-watchdog");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean stopping;
  /** Config files of the parts, written by {@link #start()} only, never by a status query. */
  private final Map<Path, Properties> configFiles = new LinkedHashMap<>();

  /**
   * @param config the resolved settings
   * @param home the repository root (where {@code connectors/target/plugins} lives)
   */
  public LocalStack(StackConfig config, Path home) {
    this.config = config;
    this.home = home;
    this.dataDir = config.dataDir();
    this.venues = StackVenues.plan(config);
  }

  /** The venues this stack collects, and how. */
  public List<StackVenues.VenueRun> venues() {
    return venues;
  }

  /** Every part that is embedded under this configuration, in start order. */
  public List<ComponentSpec> components() {
    List<ComponentSpec> specs = new ArrayList<>();
    if (config.embeddedS3()) {
      specs.add(s3());
    }
    if (config.embeddedKafka()) {
      specs.add(kafka());
    }
    if (config.embeddedRegistry()) {
      specs.add(registry());
    }
    if (config.embeddedConnect()) {
      specs.add(connect());
    }
    if (config.flag(StackConfig.STREAMS_ENABLED_CONFIG)) {
      specs.add(streams());
    }
    for (StackVenues.VenueRun v : venues) {
      if (v.simulated()) {
        specs.add(simulator(v));
      }
    }
    if (config.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
      for (StackVenues.VenueRun v : venues) {
        specs.add(collector(v));
      }
    }
    return specs;
  }

  /**
   * Starts every embedded part, waits until each one answers like a client expects, then creates
   * the project's topics and bucket. Parts left running by a launcher that was killed are stopped
   * first, so a restart always begins from a known state and reuses the data on disk.
   */
  public void start() throws IOException, InterruptedException {
    for (String dir : List.of("logs", "run", "conf", "kafka", "s3", "connect")) {
      Files.createDirectories(dataDir.resolve(dir));
    }
    Files.createDirectories(pluginPath());
    // Leftovers of a launcher that was killed stop in reverse start order (collectors first, the
    // broker last), so every part still has a broker to flush to.
    for (String name : knownComponents(dataDir)) {
      ManagedProcess.stopLeftover(dataDir, name, STOP_GRACE);
      // up starts everything: an operator's hold from an earlier run does not carry over.
      Files.deleteIfExists(ManagedProcess.holdFile(dataDir, name));
    }
    Duration timeout = Duration.ofSeconds(config.port(StackConfig.READY_TIMEOUT_CONFIG));
    List<ComponentSpec> specs = components();
    configFiles.forEach(LocalStack::writeProperties);
    // S3 and the broker depend on nothing; registry and Connect need the broker.
    List<ComponentSpec> first =
        specs.stream().filter(s -> s.name().equals("s3") || s.name().equals("kafka")).toList();
    // The Streams app starts before the collectors so its query API is up when data arrives.
    List<ComponentSpec> second =
        specs.stream().filter(s -> !first.contains(s) && !isPipeline(s.name())).toList();
    List<ComponentSpec> third = specs.stream().filter(s -> isPipeline(s.name())).toList();
    if (config.embeddedKafka()) {
      formatKafkaStorage();
    }
    startAndAwait(first, timeout);
    if (!config.embeddedKafka()) {
      awaitReady("kafka (external)", Probes.kafka(config.bootstrapServers(), config.kafkaClientProperties()), timeout);
    }
    new Provisioner(config).createTopics();
    startAndAwait(second, timeout);
    new Provisioner(config).createBucket();
    if (config.flag(StackConfig.LAKE_CONNECTOR_CONFIG)) {
      new Provisioner(config).createLakeConnector();
    }
    startAndAwait(third, timeout);
    watchdog.scheduleWithFixedDelay(this::superviseOnce, 1, 1, TimeUnit.SECONDS);
  }

  private static boolean isPipeline(String name) {
    return name.equals("streams") || name.startsWith("simulator-") || name.startsWith("collector-");
  }

  /**
   * Every component that may have a pid file, in reverse start order: the venues' parts found in
   * {@code run/} (any venue, also one no longer configured), then the infrastructure.
   */
  static List<String> knownComponents(Path dataDir) {
    List<String> venueParts = new ArrayList<>();
    try (java.util.stream.Stream<Path> files = Files.list(dataDir.resolve("run"))) {
      files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".pid") && (f.startsWith("collector-") || f.startsWith("simulator-")))
          .map(f -> f.substring(0, f.length() - 4))
          .sorted()
          .forEach(venueParts::add);
    } catch (IOException e) {
      // no run directory yet: nothing left over
    }
    List<String> out = new ArrayList<>();
    venueParts.stream().filter(n -> n.startsWith("collector-")).forEach(out::add);
    venueParts.stream().filter(n -> n.startsWith("simulator-")).forEach(out::add);
    List<String> infra = new ArrayList<>(INFRA);
    java.util.Collections.reverse(infra);
    out.addAll(infra);
    return out;
  }

  private void startAndAwait(List<ComponentSpec> specs, Duration timeout)
      throws IOException, InterruptedException {
    for (ComponentSpec spec : specs) {
      ManagedProcess p = new ManagedProcess(spec, dataDir);
      processes.put(spec.name(), p);
      p.start();
      startedAt.put(spec.name(), Instant.now());
    }
    for (ComponentSpec spec : specs) {
      awaitReady(spec.name(), spec.probe(), timeout);
    }
  }

  private void awaitReady(String name, ComponentSpec.Probe probe, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String why = probe.check();
    while (why != null) {
      ManagedProcess p = processes.get(name);
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException(
            name
                + " exited with code "
                + p.exitCode().orElse(-1)
                + " before it was ready; see "
                + p.logFile());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            name + " not ready after " + timeout.toSeconds() + "s: " + why + " (see data/logs)");
      }
      Thread.sleep(250);
      why = probe.check();
    }
    log.info("{} is ready", name);
  }

  /**
   * One pass of the watchdog: restart any child that died, with exponential backoff (1 s doubling,
   * at most 5 minutes), so a component that keeps failing is retried ever more slowly instead of
   * in a tight loop; at its {@link #CRASH_ALERT_AFTER}th crash in a row it is reported (alert),
   * and once it has run for {@link #STABLE_AFTER} it counts as recovered. A component an operator
   * stopped ({@code ./ticklake stop NAME}) is left alone until {@code ./ticklake start NAME}.
   */
  private synchronized void superviseOnce() {
    if (stopping) {
      return;
    }
    for (ManagedProcess p : processes.values()) {
      String name = p.spec().name();
      if (Files.exists(ManagedProcess.holdFile(dataDir, name))) {
        if (held.add(name)) {
          log.info("{} is held by an operator: not restarting it until ./ticklake start {}", name, name);
        }
        nextRestart.remove(name);
        continue;
      }
      if (held.remove(name) && !p.isAlive()) {
        log.info("{} released by an operator: starting it", name);
        failures.remove(name);
        start(p);
        continue;
      }
      if (p.isAlive()) {
        Instant since = startedAt.get(name);
        if (failures.getOrDefault(name, 0) > 0
            && since != null
            && Duration.between(since, Instant.now()).compareTo(STABLE_AFTER) >= 0) {
          log.info("{} has run for {}s since its restart: stable again", name, STABLE_AFTER.toSeconds());
          failures.remove(name);
          if (reportedFailing.remove(name)) {
            componentAlert(name, io.ticklake.schema.v1.AlertSeverity.INFO, "FAILING", "RUNNING",
                "running again", "up for " + STABLE_AFTER.toMinutes() + "m", Map.of());
          }
        }
        continue;
      }
      Instant due = nextRestart.get(name);
      if (due == null) {
        int n = failures.merge(name, 1, Integer::sum);
        long backoffMs = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(n - 1, 16));
        due = Instant.now().plusMillis(backoffMs);
        nextRestart.put(name, due);
        int code = p.exitCode().orElse(-1);
        log.warn(
            "{} exited with code {} (failure {}); restarting in {} ms; see {}",
            name,
            code,
            n,
            backoffMs,
            p.logFile());
        if (n == CRASH_ALERT_AFTER && reportedFailing.add(name)) {
          componentAlert(name, io.ticklake.schema.v1.AlertSeverity.CRITICAL, "RUNNING", "FAILING",
              "exit code " + code, "crashes " + n + " in a row | next restart in " + backoffMs / 1000 + "s | log " + p.logFile(),
              Map.of("crashes", Integer.toString(n), "exitCode", Integer.toString(code), "backoffMs", Long.toString(backoffMs)));
        }
      }
      if (Instant.now().isAfter(due)) {
        nextRestart.remove(name);
        start(p);
      }
    }
  }

  private void start(ManagedProcess p) {
    String name = p.spec().name();
    try {
      p.start();
      startedAt.put(name, Instant.now());
      restarts.merge(name, 1, Integer::sum);
    } catch (IOException e) {
      log.error("could not restart {}: {}", name, e.toString());
    }
  }

  private void componentAlert(
      String name,
      io.ticklake.schema.v1.AlertSeverity severity,
      String from,
      String to,
      String reason,
      String figures,
      Map<String, String> details) {
    String message = "component " + name + ": " + from + " → " + to + " | " + figures + " | reason: " + reason;
    io.ticklake.ops.health.AlertPublisher a = alerts;
    if (a == null) {
      log.warn("ALERT [{}] {}", severity, message);
      return;
    }
    a.publish(io.ticklake.schema.v1.AlertKind.COMPONENT, severity, name, from, to, reason, message, details, Instant.now());
  }

  /** Registers {@code ticklake.component.up} and {@code ticklake.component.restarts} per component. */
  public void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    for (String name : processes.keySet()) {
      io.micrometer.core.instrument.Gauge.builder("ticklake.component.up", this, s -> s.alive(name) ? 1 : 0)
          .description("1 while the component's process runs")
          .tag("component", name)
          .register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder("ticklake.component.restarts", this, s -> s.restartCount(name))
          .description("Restarts by the supervisor since up")
          .tag("component", name)
          .register(registry);
    }
  }

  private boolean alive(String name) {
    ManagedProcess p = processes.get(name);
    return p != null && p.isAlive();
  }

  private synchronized int restartCount(String name) {
    return restarts.getOrDefault(name, 0);
  }

  /** Where supervision alerts go (until set, they are only logged). */
  public void alerts(io.ticklake.ops.health.AlertPublisher publisher) {
    this.alerts = publisher;
  }

  /** The supervisor's view of every child process it started. */
  public synchronized List<ComponentState> componentStates() {
    List<ComponentState> out = new ArrayList<>();
    for (ManagedProcess p : processes.values()) {
      String name = p.spec().name();
      out.add(
          new ComponentState(
              name,
              p.pid(),
              p.isAlive(),
              Files.exists(ManagedProcess.holdFile(dataDir, name)),
              restarts.getOrDefault(name, 0),
              failures.getOrDefault(name, 0),
              nextRestart.get(name)));
    }
    return out;
  }

  /** The venue each running collector collects, for health tracking. */
  public List<io.ticklake.ops.health.OpsMonitor.VenueSource> venueSources() {
    List<io.ticklake.ops.health.OpsMonitor.VenueSource> out = new ArrayList<>();
    if (config.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
      for (StackVenues.VenueRun v : venues) {
        out.add(new io.ticklake.ops.health.OpsMonitor.VenueSource(v.collector(), v.id()));
      }
    }
    return out;
  }

  /** Whether every embedded part answers its probe now; the reasons of those that do not. */
  public Map<String, String> health() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ComponentSpec s : components()) {
      String why = s.probe().check();
      out.put(s.name(), why == null ? "ready" : why);
    }
    return out;
  }

  @Override
  public synchronized void close() {
    stopping = true;
    watchdog.shutdownNow();
    List<ManagedProcess> reversed = new ArrayList<>(processes.values());
    java.util.Collections.reverse(reversed);
    for (ManagedProcess p : reversed) {
      p.stop(STOP_GRACE);
    }
  }

  /**
   * Stops a component and keeps it stopped: the supervisor does not restart it until {@link
   * #release}. For maintenance, and to take a venue (the simulator) away on purpose.
   *
   * @return whether a running process was stopped
   */
  public static boolean hold(Path dataDir, String name) throws IOException {
    boolean stopped = false;
    Files.createDirectories(dataDir.resolve("run"));
    for (String part : resolveComponent(dataDir, name)) {
      // The hold first, then the stop: the watchdog never sees the process dead without the hold.
      Files.writeString(ManagedProcess.holdFile(dataDir, part), Instant.now().toString());
      stopped |= ManagedProcess.stopLeftover(dataDir, part, STOP_GRACE);
    }
    return stopped;
  }

  /** Lifts a {@link #hold}: the supervisor starts the component on its next pass (within 1 s). */
  public static boolean release(Path dataDir, String name) throws IOException {
    boolean released = false;
    for (String part : resolveComponent(dataDir, name)) {
      released |= Files.deleteIfExists(ManagedProcess.holdFile(dataDir, part));
    }
    return released;
  }

  /**
   * The components a name means: itself ({@code kafka}, {@code collector-coinbase}), or for a
   * group ({@code simulator}, {@code collector}) every venue's part of that kind the stack runs or
   * holds.
   */
  static List<String> resolveComponent(Path dataDir, String name) {
    if (INFRA.contains(name)) {
      return List.of(name);
    }
    List<String> known = new ArrayList<>(knownComponents(dataDir));
    try (java.util.stream.Stream<Path> files = Files.list(dataDir.resolve("run"))) {
      files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".hold"))
          .map(f -> f.substring(0, f.length() - 5))
          .filter(n -> !known.contains(n))
          .forEach(known::add);
    } catch (IOException e) {
      // nothing held
    }
    if (GROUPS.contains(name)) {
      List<String> parts = known.stream().filter(n -> n.startsWith(name + "-")).sorted().toList();
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("no " + name + " is running");
      }
      return parts;
    }
    for (String group : GROUPS) {
      if (name.startsWith(group + "-")) {
        io.ticklake.producers.core.Venues.get(name.substring(group.length() + 1));
        return List.of(name);
      }
    }
    throw new IllegalArgumentException("unknown component '" + name + "'; one of " + String.join(", ", INFRA) + ", "
        + String.join(", ", GROUPS) + " (every venue's) or simulator-<venue>, collector-<venue> with a venue of "
        + String.join(", ", io.ticklake.producers.core.Venues.ids()));
  }

  /** Stops parts started by another launcher (for {@code down} when the launcher is gone). */
  public static void stopAll(Path dataDir) {
    for (String name : knownComponents(dataDir)) {
      ManagedProcess.stopLeftover(dataDir, name, STOP_GRACE);
    }
  }

  // ---- the parts ----

  private ComponentSpec kafka() {
    return new ComponentSpec(
        "kafka",
        "kafka.Kafka",
        List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC"),
        List.of(kafkaConfigFile().toString()),
        Probes.kafka(config.bootstrapServers(), config.kafkaClientProperties()),
        config.bootstrapServers());
  }

  private Path kafkaConfigFile() {
    return dataDir.resolve("conf").resolve("server.properties");
  }

  private void writeKafkaConfig() throws IOException {
    String host = config.bindAddress();
    int port = config.port(StackConfig.KAFKA_PORT_CONFIG);
    int cport = config.port(StackConfig.KAFKA_CONTROLLER_PORT_CONFIG);
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", host + ":" + cport);
    p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + cport);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("kafka").toString());
    p.put("num.partitions", "6");
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // ticklake creates its own topics with the documented configs; typos must not create topics.
    p.put("auto.create.topics.enable", "false");
    writeProperties(kafkaConfigFile(), p);
  }

  /** Formats the KRaft log directory once; a restart finds meta.properties and reuses the data. */
  private void formatKafkaStorage() throws IOException, InterruptedException {
    writeKafkaConfig();
    if (Files.exists(dataDir.resolve("kafka").resolve("meta.properties"))) {
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    log.info("formatting Kafka storage in {} (cluster id {})", dataDir.resolve("kafka"), clusterId);
    ManagedProcess format =
        new ManagedProcess(
            new ComponentSpec(
                "kafka-format",
                "kafka.tools.StorageTool",
                List.of("-Xmx256m"),
                List.of(
                    "format",
                    "-t",
                    clusterId,
                    "-c",
                    kafkaConfigFile().toString(),
                    "--standalone"),
                () -> null,
                ""),
            dataDir);
    format.start();
    while (format.isAlive()) {
      Thread.sleep(100);
    }
    int code = format.exitCode().orElse(-1);
    format.stop(Duration.ZERO);
    if (code != 0) {
      throw new IllegalStateException(
          "formatting Kafka storage failed (exit " + code + "); see " + format.logFile());
    }
  }

  private ComponentSpec registry() {
    Properties p = new Properties();
    p.put("listeners", config.registryUrl());
    p.put("kafkastore.bootstrap.servers", config.bootstrapServers());
    p.put("kafkastore.topic", "_schemas");
    config.kafkaClientProperties().forEach((k, v) -> p.put("kafkastore." + k, v));
    Path file = dataDir.resolve("conf").resolve("registry.properties");
    configFiles.put(file, p);
    return new ComponentSpec(
        "registry",
        "io.ticklake.registry.RegistryServer",
        List.of("-Xmx256m"),
        List.of(file.toString()),
        Probes.http(config.registryUrl() + "/subjects"),
        config.registryUrl());
  }

  private ComponentSpec connect() {
    Properties p = new Properties();
    p.put("bootstrap.servers", config.bootstrapServers());
    p.put("group.id", "ticklake-connect");
    // The sink reads the registry wire format itself: bytes in, no Connect struct conversion.
    p.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    p.put("config.storage.topic", "_ticklake-connect-configs");
    p.put("offset.storage.topic", "_ticklake-connect-offsets");
    p.put("status.storage.topic", "_ticklake-connect-status");
    p.put("config.storage.replication.factor", "1");
    p.put("offset.storage.replication.factor", "1");
    p.put("status.storage.replication.factor", "1");
    p.put("offset.storage.partitions", "5");
    p.put("status.storage.partitions", "3");
    p.put("listeners", config.connectUrl());
    p.put("rest.advertised.host.name", config.bindAddress());
    p.put("rest.advertised.port", Integer.toString(config.port(StackConfig.CONNECT_PORT_CONFIG)));
    p.put("plugin.path", pluginPath().toString());
    // Our plugins ship META-INF/services manifests: no classpath scan, a faster start.
    p.put("plugin.discovery", "service_load");
    p.put("offset.flush.interval.ms", "10000");
    // The worker's own clients, and the producers, consumers and admins of its tasks.
    config
        .kafkaClientProperties()
        .forEach(
            (k, v) -> {
              p.put(k, v);
              p.put("producer." + k, v);
              p.put("consumer." + k, v);
              p.put("admin." + k, v);
            });
    // A worker killed with -9 leaves its sink consumers in their group until the session expires:
    // 10 s (not Kafka's 45 s) lets the restarted worker's tasks take their partitions back sooner.
    p.put("consumer.session.timeout.ms", "10000");
    p.put("consumer.heartbeat.interval.ms", "3000");
    Path file = dataDir.resolve("conf").resolve("connect-distributed.properties");
    configFiles.put(file, p);
    return new ComponentSpec(
        "connect",
        "org.apache.kafka.connect.cli.ConnectDistributed",
        List.of("-Xms128m", "-Xmx768m"),
        List.of(file.toString()),
        Probes.http(config.connectUrl() + "/connector-plugins"),
        config.connectUrl());
  }

  /**
   * The Kafka Streams app (features, gap detection, the query API). Its state lives under
   * {@code data/streams}, so a restart resumes from its changelogs and local stores; its query
   * server listens on {@code streams.port} and is reached through ticklake's HTTP port.
   */
  private ComponentSpec streams() {
    Properties p = new Properties();
    p.put("bootstrap.servers", config.bootstrapServers());
    p.put("schema.registry.url", config.registryUrl());
    p.put("application.id", config.get(StackConfig.STREAMS_APPLICATION_ID_CONFIG));
    p.put("state.dir", dataDir.resolve("streams").toString());
    p.put("processing.guarantee", config.get(StackConfig.STREAMS_GUARANTEE_CONFIG));
    p.put("http.port", Integer.toString(config.port(StackConfig.STREAMS_PORT_CONFIG)));
    p.put("http.bind.address", config.bindAddress());
    p.put("http.advertised.host", config.bindAddress());
    // One broker: internal topics cannot have more replicas than that.
    p.put("replication.factor", "1");
    // The regime labels' settings (WIN_SECS, ACTIVE_TPS).
    p.put("features.win.secs", config.get(StackConfig.FEATURES_WIN_SECS_CONFIG));
    p.put("features.active.tps", config.get(StackConfig.FEATURES_ACTIVE_TPS_CONFIG));
    // SASL/TLS for the Streams app's clients too; in a 0600 file, never on a command line.
    config.kafkaClientProperties().forEach(p::put);
    // Gap detection judges each venue by its traits (every registered venue: old data of a venue
    // no longer collected is still judged fairly).
    for (io.ticklake.producers.core.Venue v : io.ticklake.producers.core.Venues.all()) {
      io.ticklake.producers.core.VenueTraits t = v.traits();
      p.put("venue." + v.id() + ".stale.after.ms", Long.toString(t.staleAfter().toMillis()));
      p.put("venue." + v.id() + ".continuous.trading", Boolean.toString(t.continuousTrading()));
      p.put("venue." + v.id() + ".contiguous.trade.ids", Boolean.toString(t.contiguousTradeIds()));
      p.put("venue." + v.id() + ".quiet.symbols", Boolean.toString(t.quietSymbols()));
      p.put("venue." + v.id() + ".candles.count.trades", Boolean.toString(t.candlesCountTrades()));
    }
    if (config.flag(StackConfig.SIMULATE_CONFIG)) {
      // A replay runs on the capture's event times (2024 for the demo). Window-store changelogs are
      // deleted by record time, so the broker would drop them at its next retention check, and a
      // restart that restores from them would forget which trades it had seen and count a re-sent
      // one twice. Replays keep them (ten years past the windows' own retention).
      p.put("windowstore.changelog.additional.retention.ms", Long.toString(Duration.ofDays(3650).toMillis()));
    }
    Path file = dataDir.resolve("conf").resolve("streams.properties");
    configFiles.put(file, p);
    return new ComponentSpec(
        "streams",
        "io.ticklake.streams.StreamsApp",
        List.of("-Xmx512m"),
        List.of(file.toString()),
        Probes.http(config.streamsUrl() + "/health"),
        config.streamsUrl());
  }

  /**
   * A venue's simulator, replaying its shipped capture or the one given, looped when asked (ids and
   * times shifted so every chain continues); the collector runs against it unchanged.
   */
  private ComponentSpec simulator(StackVenues.VenueRun v) {
    List<String> args = new ArrayList<>(List.of("--venue", v.id(), "--port", Integer.toString(v.simulatorPort())));
    args.addAll(List.of("--speed", config.get(StackConfig.SIMULATE_SPEED_CONFIG)));
    if (v.capture() != null) {
      args.addAll(List.of("--capture", v.capture().toString()));
    }
    if (v.snapshots() != null) {
      args.addAll(List.of("--snapshots", v.snapshots().toString()));
    }
    if (v.loop()) {
      String seconds = config.get(StackConfig.SIMULATE_LOOP_SECONDS_CONFIG);
      args.addAll(List.of("--loop-seconds", seconds));
      String clock = config.get(StackConfig.SIMULATE_CLOCK_CONFIG);
      // Today's clock for a loop that runs until stopped at the recorded pace; a faster one would run ahead of it.
      boolean now = clock.equals("now")
          || (clock.equals("auto") && Long.parseLong(seconds) == 0 && config.doubleValue(StackConfig.SIMULATE_SPEED_CONFIG) == 1);
      args.addAll(List.of("--clock", now ? "now" : "recorded"));
    }
    String unsubscribed = config.get(StackConfig.SIMULATE_UNSUBSCRIBED_CONFIG);
    if (!unsubscribed.equals("auto")) {
      args.addAll(List.of("--unsubscribed", unsubscribed));
    }
    String url = "http://" + config.bindAddress() + ":" + v.simulatorPort();
    String what = v.capture() != null ? v.capture().toString() : "the shipped capture " + v.venue().simulation().demoCapture();
    return new ComponentSpec(
        v.simulator(),
        "io.ticklake.producers.sim.SimulatorMain",
        List.of("-Xmx256m"),
        args,
        Probes.http(url + "/sim/faults", 200, 400),
        url + "  (" + v.id() + ": " + what + (v.loop() ? ", looped" : "") + ")");
  }

  /**
   * A venue's collector: the real venue by default; with {@code simulate}, the same code against
   * the venue's simulator, only the endpoint URLs (and the symbols and channels the capture holds)
   * differ.
   */
  private ComponentSpec collector(StackVenues.VenueRun v) {
    Properties p = new Properties();
    p.put("venue", v.id());
    p.put("bootstrap.servers", config.bootstrapServers());
    p.put("schema.registry.url", config.registryUrl());
    // In a 0600 file, not on the command line: these may hold SASL credentials.
    config.kafkaClientProperties().forEach((k, val) -> p.put("producer." + k, val));
    v.collectorSettings().forEach(p::put);
    if (v.simulated()) {
      String host = config.bindAddress() + ":" + v.simulatorPort();
      p.put("ws.url", "ws://" + host + v.venue().simulation().wsPath());
      p.put("rest.url", "http://" + host);
    }
    String symbols = String.join(",", v.symbols());
    p.put("symbols", symbols);
    // reload rewrites this file; the running collector follows it without a restart.
    p.put("symbols.file", symbolsFile(v.id()).toString());
    p.put("symbols.poll.ms", config.get(StackConfig.SYMBOLS_POLL_MS_CONFIG));
    // Its /metrics and /status: a free port on the bind address, found through this file.
    p.put("ops.http.address", config.bindAddress());
    p.put("ops.http.url.file", dataDir.resolve("run").resolve(v.collector() + ".http").toString());
    Path file = dataDir.resolve("conf").resolve(v.collector() + ".properties");
    configFiles.put(file, p);
    configFiles.put(symbolsFile(v.id()), symbolsProperties(symbols));
    String name = v.collector();
    return new ComponentSpec(
        name,
        "io.ticklake.producers.CollectorMain",
        List.of("-Xmx256m"),
        List.of(file.toString()),
        () -> ManagedProcess.running(dataDir, name).isPresent() ? null : name + " process not running",
        v.id() + " " + symbols + " <- " + (v.simulated() ? "its simulator" : p.getProperty("ws.url", v.venue().defaults().wsUrl())));
  }

  /** The file a venue's running collector watches for its symbol list ({@code symbols=A,B}). */
  public Path symbolsFile(String venueId) {
    return dataDir.resolve("conf").resolve(StackVenues.collectorComponent(venueId) + "-symbols.properties");
  }

  private static Properties symbolsProperties(String symbols) {
    Properties p = new Properties();
    p.put("symbols", symbols);
    return p;
  }

  /** What a reload did: keys applied to the running stack, and keys that need a restart. */
  public record ReloadResult(List<String> applied, List<String> needRestart) {
    /** One line for the log and the {@code reload} command. */
    public String describe() {
      if (applied.isEmpty() && needRestart.isEmpty()) {
        return "configuration unchanged";
      }
      return "applied "
          + (applied.isEmpty() ? "nothing" : String.join(", ", applied))
          + (needRestart.isEmpty()
              ? ""
              : "; needs a restart (./ticklake down && ./ticklake up): "
                  + String.join(", ", needRestart));
    }
  }

  /** Keys a running stack takes on without a restart (and {@code venue.<id>.symbols}). */
  static final List<String> RELOADABLE =
      List.of(
          StackConfig.SYMBOLS_CONFIG,
          StackConfig.VALIDATE_INTERVAL_MIN_CONFIG,
          StackConfig.DQ_FAIL_MAX_TOL_CONFIG,
          StackConfig.DQ_LATENCY_P99_MAX_MS_CONFIG,
          StackConfig.DQ_COMPLETENESS_MIN_CONFIG,
          StackConfig.DQ_DUPLICATES_MAX_CONFIG,
          StackConfig.DQ_REGIMES_MIN_CONFIG,
          StackConfig.RUN_HOURS_CONFIG);

  /**
   * Applies a changed configuration to the running stack without stopping anything: a new symbol
   * list goes to the collector's watched file (it subscribes and unsubscribes on its live
   * connection); data-quality settings take effect at the next validation. Keys that only a
   * restart can change (ports, endpoints, data directory) are named, not applied.
   */
  public synchronized ReloadResult reload(StackConfig next) {
    List<String> applied = new ArrayList<>();
    List<String> needRestart = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(config.values().keySet());
    keys.addAll(next.values().keySet());
    for (String k : keys) {
      if (java.util.Objects.equals(config.values().get(k), next.values().get(k))) {
        continue;
      }
      boolean venueSymbols = k.startsWith("venue.") && k.endsWith("." + StackConfig.SYMBOLS_CONFIG);
      (RELOADABLE.contains(k) || venueSymbols ? applied : needRestart).add(k);
    }
    List<StackVenues.VenueRun> nextVenues = venues;
    if (applied.stream().anyMatch(k -> k.endsWith(StackConfig.SYMBOLS_CONFIG))) {
      nextVenues = StackVenues.plan(next);
      if (config.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
        for (StackVenues.VenueRun v : nextVenues) {
          StackVenues.VenueRun before = venues.stream().filter(b -> b.id().equals(v.id())).findFirst().orElse(null);
          if (before != null && !before.symbols().equals(v.symbols())) {
            writeProperties(symbolsFile(v.id()), symbolsProperties(String.join(",", v.symbols())));
            log.info("reload: {} symbols now {}", v.id(), v.symbols());
          }
        }
      }
    }
    config = next;
    venues = nextVenues;
    return new ReloadResult(applied, needRestart);
  }

  /**
   * The symbols the collectors collect now ({@code venue:symbol}, from their watched files) that
   * must trade in every data-quality window: those of venues whose symbols may be quiet for hours
   * are left out. Empty when no collector runs.
   */
  public java.util.Set<String> symbolsThatMustTrade() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    if (!config.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
      return out;
    }
    for (StackVenues.VenueRun v : venues) {
      if (v.venue().traits().quietSymbols()) {
        continue;
      }
      try {
        for (String s : io.ticklake.producers.core.SymbolsFileWatcher.read(symbolsFile(v.id()))) {
          out.add(v.id() + ":" + v.venue().nativeSymbol(s, v.collectorSettings()));
        }
      } catch (IOException e) {
        v.symbols().forEach(s -> out.add(v.id() + ":" + s));
      }
    }
    return out;
  }

  /** The configuration in force (the latest reloaded one). */
  public StackConfig config() {
    return config;
  }

  /** Where the connectors module puts its Connect plugins. */
  Path pluginPath() {
    return home.resolve("connectors").resolve("target").resolve("plugins");
  }

  private ComponentSpec s3() {
    Properties p = new Properties();
    p.put("s3proxy.endpoint", config.s3Endpoint());
    p.put("s3proxy.authorization", "aws-v2-or-v4");
    p.put("s3proxy.identity", config.get(StackConfig.S3_ACCESS_KEY_CONFIG));
    p.put("s3proxy.credential", config.get(StackConfig.S3_SECRET_KEY_CONFIG));
    p.put("jclouds.provider", "filesystem");
    p.put("jclouds.filesystem.basedir", dataDir.resolve("s3").toString());
    Path file = dataDir.resolve("conf").resolve("s3proxy.properties");
    configFiles.put(file, p);
    return new ComponentSpec(
        "s3",
        "org.gaul.s3proxy.Main",
        List.of("-Xmx256m"),
        List.of("--properties", file.toString()),
        Probes.http(config.s3Endpoint() + "/", 200, 403),
        config.s3Endpoint());
  }

  private static void writeProperties(Path file, Properties p) {
    try {
      Files.createDirectories(file.getParent());
      // Written aside, then renamed into place: a reader (the collector's symbols watcher) never
      // sees half a file. Some of these files hold credentials: owner-only before any byte.
      Path part = file.resolveSibling(file.getFileName() + ".part");
      Files.deleteIfExists(part);
      Files.createFile(
          part,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer w = Files.newBufferedWriter(part)) {
        p.store(w, "written by ./ticklake; edit ticklake.properties instead");
      }
      Files.move(
          part,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
