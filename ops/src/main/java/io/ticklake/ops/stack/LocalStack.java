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
 * worker, S3Proxy, the Kafka Streams app, and the simulator and collector, each a child JVM with its state under one data directory. Parts that point
 * at external infrastructure are not started. Crashed children are restarted with exponential
 * backoff.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
  /** Stop order is the reverse of start order: pipeline first, the broker last. */
  static final List<String> COMPONENTS =
      List.of("s3", "kafka", "registry", "connect", "streams", "simulator", "collector");
  /** The demo capture shipped in the repository (real frames; see its PROVENANCE.md). */
  static final String DEMO_CAPTURE =
      "producers/src/main/resources/captures/binance-usdm/btcusdt-20240808.capture";

  static final String DEMO_SNAPSHOTS =
      "producers/src/main/resources/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  private final StackConfig config;
  private final Path home;
  private final Path dataDir;
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>();
  private final Map<String, Integer> failures = new LinkedHashMap<>();
  private final Map<String, Instant> nextRestart = new LinkedHashMap<>();
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
    if (config.flag(StackConfig.SIMULATE_CONFIG)) {
      specs.add(simulator());
    }
    if (config.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
      specs.add(collector());
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
    for (String name : COMPONENTS) {
      ManagedProcess.stopLeftover(dataDir, name, STOP_GRACE);
    }
    Duration timeout = Duration.ofSeconds(config.port(StackConfig.READY_TIMEOUT_CONFIG));
    List<ComponentSpec> specs = components();
    configFiles.forEach(LocalStack::writeProperties);
    // S3 and the broker depend on nothing; registry and Connect need the broker.
    List<ComponentSpec> first =
        specs.stream().filter(s -> s.name().equals("s3") || s.name().equals("kafka")).toList();
    // The Streams app starts before the collector so its query API is up when data arrives.
    List<String> pipeline = List.of("streams", "simulator", "collector");
    List<ComponentSpec> second =
        specs.stream().filter(s -> !first.contains(s) && !pipeline.contains(s.name())).toList();
    List<ComponentSpec> third = specs.stream().filter(s -> pipeline.contains(s.name())).toList();
    if (config.embeddedKafka()) {
      formatKafkaStorage();
    }
    startAndAwait(first, timeout);
    if (!config.embeddedKafka()) {
      awaitReady("kafka (external)", Probes.kafka(config.bootstrapServers()), timeout);
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

  private void startAndAwait(List<ComponentSpec> specs, Duration timeout)
      throws IOException, InterruptedException {
    for (ComponentSpec spec : specs) {
      ManagedProcess p = new ManagedProcess(spec, dataDir);
      processes.put(spec.name(), p);
      p.start();
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

  /** One pass of the watchdog: restart any child that died, with exponential backoff. */
  private synchronized void superviseOnce() {
    if (stopping) {
      return;
    }
    for (ManagedProcess p : processes.values()) {
      String name = p.spec().name();
      if (p.isAlive()) {
        continue;
      }
      Instant due = nextRestart.get(name);
      if (due == null) {
        int n = failures.merge(name, 1, Integer::sum);
        long backoffMs = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(n - 1, 16));
        due = Instant.now().plusMillis(backoffMs);
        nextRestart.put(name, due);
        log.warn(
            "{} exited with code {} (failure {}); restarting in {} ms; see {}",
            name,
            p.exitCode().orElse(-1),
            n,
            backoffMs,
            p.logFile());
      }
      if (Instant.now().isAfter(due)) {
        nextRestart.remove(name);
        try {
          p.start();
        } catch (IOException e) {
          log.error("could not restart {}: {}", name, e.toString());
        }
      }
    }
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

  /** Stops parts started by another launcher (for {@code down} when the launcher is gone). */
  public static void stopAll(Path dataDir) {
    List<String> reversed = new ArrayList<>(COMPONENTS);
    java.util.Collections.reverse(reversed);
    for (String name : reversed) {
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
        Probes.kafka(config.bootstrapServers()),
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
    p.put("application.id", "ticklake-streams");
    p.put("state.dir", dataDir.resolve("streams").toString());
    p.put("processing.guarantee", config.get(StackConfig.STREAMS_GUARANTEE_CONFIG));
    p.put("http.port", Integer.toString(config.port(StackConfig.STREAMS_PORT_CONFIG)));
    p.put("http.bind.address", config.bindAddress());
    p.put("http.advertised.host", config.bindAddress());
    // One broker: internal topics cannot have more replicas than that.
    p.put("replication.factor", "1");
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

  private Path capture() {
    String c = config.get(StackConfig.SIMULATE_CAPTURE_CONFIG);
    return c.isEmpty() ? home.resolve(DEMO_CAPTURE) : Path.of(c).toAbsolutePath();
  }

  private ComponentSpec simulator() {
    String capture = capture().toString();
    String snapshots = config.get(StackConfig.SIMULATE_SNAPSHOTS_CONFIG);
    if (snapshots.isEmpty() && config.get(StackConfig.SIMULATE_CAPTURE_CONFIG).isEmpty()) {
      snapshots = home.resolve(DEMO_SNAPSHOTS).toString();
    }
    List<String> args = new ArrayList<>(List.of("--port", Integer.toString(simulatorPort())));
    args.addAll(List.of("--capture", capture, "--speed", config.get(StackConfig.SIMULATE_SPEED_CONFIG)));
    if (!snapshots.isEmpty()) {
      args.addAll(List.of("--snapshots", Path.of(snapshots).toAbsolutePath().toString()));
    }
    String url = "http://" + config.bindAddress() + ":" + simulatorPort();
    return new ComponentSpec(
        "simulator",
        "io.ticklake.producers.sim.SimulatorMain",
        List.of("-Xmx256m"),
        args,
        Probes.http(url + "/", 200, 404),
        url + "  (replaying " + capture + ")");
  }

  private int simulatorPort() {
    return config.port(StackConfig.SIMULATOR_PORT_CONFIG);
  }

  /**
   * The Binance USD-M collector: the real venue by default; with {@code simulate}, the same code
   * against the simulator, only the endpoint URLs (and the symbols and channels the capture holds)
   * differ.
   */
  private ComponentSpec collector() {
    List<String> args = new ArrayList<>();
    args.add("bootstrap.servers=" + config.bootstrapServers());
    args.add("schema.registry.url=" + config.registryUrl());
    String symbols = config.get(StackConfig.SYMBOLS_CONFIG);
    if (config.flag(StackConfig.SIMULATE_CONFIG)) {
      String host = config.bindAddress() + ":" + simulatorPort();
      args.add("ws.url=ws://" + host + "/stream");
      args.add("rest.url=http://" + host);
      CaptureStreams streams = CaptureStreams.scan(capture());
      if (symbols.equals(StackConfig.KEYS.get(StackConfig.SYMBOLS_CONFIG)[0])) {
        symbols = String.join(",", streams.symbols());
      }
      args.add("channels=" + String.join(",", streams.channels()));
    }
    args.add("symbols=" + symbols);
    return new ComponentSpec(
        "collector",
        "io.ticklake.producers.CollectorMain",
        List.of("-Xmx256m"),
        args,
        () ->
            ManagedProcess.running(dataDir, "collector").isPresent()
                ? null
                : "collector process not running",
        "binance-usdm " + symbols);
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
      try (Writer w = Files.newBufferedWriter(file)) {
        p.store(w, "written by ./ticklake; edit ticklake.properties instead");
      }
      // Some of these files hold credentials.
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
