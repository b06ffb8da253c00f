package io.ticklake.ops.cli;

import io.ticklake.ops.dq.DataQualityValidator;
import io.ticklake.ops.stack.LocalStack;
import io.ticklake.ops.stack.ReloadSignal;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ticklake.ops.health.AlertPublisher;
import io.ticklake.ops.health.OpsMonitor;
import io.ticklake.ops.logs.RingBufferAppender;
import io.ticklake.ops.stack.LocalStack;
import io.ticklake.schema.serde.AvroWireSerdeConfig;
import io.ticklake.schema.serde.AvroWireSerializer;
import java.net.URI;
import java.time.Clock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import io.ticklake.ops.stack.StackConfig;
import io.ticklake.ops.stack.StackHttpServer;
import io.ticklake.ops.stack.StatusReport;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code ./ticklake} command line. */
@Command(
    name = "ticklake",
    mixinStandardHelpOptions = true,
    // Every subcommand answers --help (and --version) too.
    scope = CommandLine.ScopeType.INHERIT,
    description = "Market data from venues to a verified Parquet lake over Apache Kafka.",
    subcommands = {
      TicklakeCli.Up.class,
      TicklakeCli.Down.class,
      TicklakeCli.Status.class,
      TopicsCommand.class,
      RecordCommand.class,
      CompactCommand.class,
      QaCommand.class,
      ReloadCommand.class,
      DoctorCommand.class,
      ExportCommand.class,
      LogscanCommand.class,
      RetentionCommand.class,
      TicklakeCli.Stop.class,
      TicklakeCli.Start.class,
    })
public final class TicklakeCli implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(TicklakeCli.class);
  static final String SUPERVISOR = "ticklake";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new TicklakeCli());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          cmd.getErr().println("ticklake: " + e.getMessage());
          log.debug("failure", e);
          return 2;
        });
    int code = cli.execute(args);
    cli.getOut().flush();
    cli.getErr().flush();
    System.exit(code);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  /** Options shared by every command that needs the configuration. */
  static class ConfigOptions {
    @Option(
        names = "--data-dir",
        description = "Where all state lives (default ./data, or data.dir in the config).")
    Path dataDir;

    @Option(
        names = "--config",
        description = "A properties file (default ./ticklake.properties when present).")
    Path configFile;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Override one setting, e.g. --set kafka.port=19092.")
    List<String> sets = new ArrayList<>();

    StackConfig load() throws Exception {
      return load(false);
    }

    /**
     * The configuration as given on this command line; with {@code asRunning}, when nothing is
     * given and a stack is up on the default data directory, the one that stack was started with
     * ({@code --simulate}, {@code --set} values, {@code --config}), so {@code status} and {@code
     * doctor} judge the stack that runs, not only the configuration file.
     */
    StackConfig load(boolean asRunning) throws Exception {
      if (asRunning && sets.isEmpty() && configFile == null) {
        StackConfig given = load(false);
        List<String> started = startedWith(given);
        if (started != null && runningSupervisor(given).isPresent()) {
          ConfigOptions again = new ConfigOptions();
          again.dataDir = dataDir;
          for (String a : started) {
            if (a.startsWith("--config=")) {
              again.configFile = Path.of(a.substring("--config=".length()));
            } else if (a.startsWith("--set=")) {
              again.sets.add(a.substring("--set=".length()));
            }
          }
          return again.load(false);
        }
      }
      Map<String, String> flags = new LinkedHashMap<>();
      for (String s : sets) {
        int eq = s.indexOf('=');
        if (eq < 1) {
          throw new IllegalArgumentException("--set takes KEY=VALUE, got '" + s + "'");
        }
        flags.put(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
      }
      if (dataDir != null) {
        flags.put(StackConfig.DATA_DIR_CONFIG, dataDir.toString());
      }
      Path file = configFile;
      if (file == null && Files.exists(home().resolve("ticklake.properties"))) {
        file = home().resolve("ticklake.properties");
      }
      return StackConfig.load(file, System.getenv(), flags);
    }

    List<String> asArgs() {
      List<String> a = new ArrayList<>();
      if (dataDir != null) {
        a.add("--data-dir=" + dataDir.toAbsolutePath());
      }
      if (configFile != null) {
        a.add("--config=" + configFile.toAbsolutePath());
      }
      sets.forEach(s -> a.add("--set=" + s));
      return a;
    }
  }

  static Path home() {
    return Path.of(System.getProperty("ticklake.home", ".")).toAbsolutePath().normalize();
  }

  static Path pidFile(StackConfig c) {
    return c.dataDir().resolve("run").resolve(SUPERVISOR + ".pid");
  }

  static Path readyFile(StackConfig c) {
    return c.dataDir().resolve("run").resolve("ready.txt");
  }

  /** Where {@code up} keeps the arguments it was started with, for status, doctor and reload. */
  static Path argsFile(StackConfig c) {
    return c.dataDir().resolve("run").resolve("up-args.txt");
  }

  /** The {@code --config} and {@code --set} arguments the running stack was started with, or null. */
  static List<String> startedWith(StackConfig c) {
    try {
      return Files.readAllLines(argsFile(c)).stream().filter(l -> !l.isBlank()).toList();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static Optional<ProcessHandle> runningSupervisor(StackConfig c) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile(c)).trim());
      if (pid == ProcessHandle.current().pid()) {
        return Optional.empty();
      }
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(
              h ->
                  h.info()
                      .commandLine()
                      .map(cl -> cl.contains("-Dticklake.component=" + SUPERVISOR))
                      .orElse(false));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  @Command(name = "up", description = "Start the local stack (foreground until Ctrl-C).")
  static final class Up implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(names = "--detach", description = "Return once everything is ready.")
    boolean detach;

    @Option(
        names = "--simulate",
        description = "Run the collector on the venue simulator replaying a capture (demo data by default).")
    boolean simulate;

    @Option(
        names = "--replay",
        paramLabel = "[VENUE=]FILE",
        description = {
          "A capture to replay with --simulate (repeatable, one per venue): VENUE=FILE, or a bare FILE played by the venue"
              + " that recognizes its frames. The venues replayed are the ones collected (unless venues is set);"
              + " REST snapshots recorded beside a capture (<symbol>-<capture name>.snapshots.jsonl) are found by name."
        })
    List<String> replays = new ArrayList<>();

    @Option(names = "--snapshots", paramLabel = "FILE", description = "REST depth snapshots (JSONL) of one symbol for a bare --replay FILE.")
    Path snapshots;

    @Option(names = "--speed", paramLabel = "X", description = "Replay speed factor (default 1: recorded pace).")
    String speed;

    @Option(
        names = "--loop-seconds",
        paramLabel = "N",
        description = "Loop every replayed capture until N seconds of recorded time are played, ids and times shifted"
            + " (0: until stopped). The shipped captures loop anyway; a --replay plays once without this.")
    String loopSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      if (simulate) {
        options.sets.add(StackConfig.SIMULATE_CONFIG + "=true");
      }
      for (String replay : replays) {
        int eq = replay.indexOf('=');
        String venue = eq > 0 ? replay.substring(0, eq) : null;
        if (venue != null && !venue.matches("[a-z0-9-]+")) {
          venue = null; // a path that holds '='
        }
        Path file = Path.of(venue == null ? replay : replay.substring(eq + 1)).toAbsolutePath();
        if (!Files.isReadable(file)) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--replay: " + file + " is not a readable file");
        }
        if (venue == null) {
          options.sets.add(StackConfig.SIMULATE_CAPTURE_CONFIG + "=" + file);
        } else {
          io.ticklake.producers.core.Venues.get(venue);
          options.sets.add("venue." + venue + ".simulate.capture=" + file);
        }
      }
      if (snapshots != null) {
        options.sets.add(StackConfig.SIMULATE_SNAPSHOTS_CONFIG + "=" + snapshots.toAbsolutePath());
      }
      if (speed != null) {
        options.sets.add(StackConfig.SIMULATE_SPEED_CONFIG + "=" + speed);
      }
      if (loopSeconds != null) {
        options.sets.add(StackConfig.SIMULATE_LOOP_SECONDS_CONFIG + "=" + loopSeconds);
        options.sets.add(StackConfig.SIMULATE_LOOP_CONFIG + "=true");
      }
      StackConfig config = options.load();
      PrintWriter out = spec.commandLine().getOut();
      Optional<ProcessHandle> running = runningSupervisor(config);
      if (running.isPresent()) {
        out.printf(
            "ticklake is already running (pid %d) on %s; see ./ticklake status%n",
            running.get().pid(), config.dataDir());
        return 0;
      }
      Files.createDirectories(config.dataDir().resolve("run"));
      Files.deleteIfExists(readyFile(config));
      return detach ? detach(config, out) : foreground(config, out);
    }

    private int detach(StackConfig config, PrintWriter out) throws Exception {
      List<String> cmd = new ArrayList<>();
      cmd.add(ProcessHandle.current().info().command().orElse("java"));
      cmd.add("-Dticklake.component=" + SUPERVISOR);
      cmd.add("-Dticklake.home=" + home());
      cmd.add("-Xmx256m");
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(TicklakeCli.class.getName());
      cmd.add("up");
      cmd.addAll(options.asArgs());
      Path logFile = config.dataDir().resolve("logs").resolve(SUPERVISOR + ".log");
      Files.createDirectories(logFile.getParent());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      out.printf("starting ticklake in the background (pid %d), log %s%n", p.pid(), logFile);
      out.flush();
      Instant deadline =
          Instant.now().plusSeconds(4L * config.port(StackConfig.READY_TIMEOUT_CONFIG));
      while (!Files.exists(readyFile(config))) {
        if (!p.isAlive()) {
          out.printf("ticklake failed to start (exit %d); see %s%n", p.exitValue(), logFile);
          return 1;
        }
        if (Instant.now().isAfter(deadline)) {
          out.printf("ticklake is not ready yet; see %s and ./ticklake status%n", logFile);
          return 1;
        }
        Thread.sleep(250);
      }
      out.print(Files.readString(readyFile(config)));
      return 0;
    }

    private int foreground(StackConfig config, PrintWriter out) throws Exception {
      Files.writeString(pidFile(config), Long.toString(ProcessHandle.current().pid()));
      // status, doctor and reload read how this stack was started (--simulate, --set, --config).
      Files.write(argsFile(config), options.asArgs().stream().filter(a -> !a.startsWith("--data-dir=")).toList());
      LocalStack stack = new LocalStack(config, home());
      CountDownLatch stopped = new CountDownLatch(1);
      StackHttpServer[] http = new StackHttpServer[1];
      DataQualityValidator[] dq = new DataQualityValidator[1];
      Ops[] ops = new Ops[1];
      Thread hook =
          new Thread(
              () -> {
                log.info("stopping ticklake");
                if (dq[0] != null) {
                  dq[0].close();
                }
                if (http[0] != null) {
                  http[0].close();
                }
                if (ops[0] != null) {
                  ops[0].close();
                }
                stack.close();
                try {
                  Files.deleteIfExists(readyFile(config));
                  Files.deleteIfExists(argsFile(config));
                  Files.deleteIfExists(pidFile(config));
                } catch (Exception ignored) {
                  // best effort: the next up tolerates stale files
                }
                stopped.countDown();
              },
              "ticklake-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        RingBufferAppender logs = RingBufferAppender.install(1000);
        stack.start();
        ops[0] = Ops.start(config, stack);
        http[0] =
            new StackHttpServer(config, stack::health, ops[0].monitor(), logs,
                config.flag(StackConfig.STREAMS_ENABLED_CONFIG) ? config.streamsUrl() : null);
        new ReloadSignal(options::load, stack, config.dataDir()).install();
        dq[0] =
            new DataQualityValidator(
                    stack::config, stack::symbolsThatMustTrade, config.dataDir(), java.time.Clock.systemUTC())
                .alerts(ops[0].alerts())
                .start();
      } catch (Exception e) {
        log.error("start-up failed: {}", e.getMessage());
        out.println("ticklake: start-up failed: " + e.getMessage());
        out.flush();
        return 1; // the shutdown hook stops what did start
      }
      String summary = StatusReport.summary(config, stack.venues());
      Files.writeString(readyFile(config), summary);
      out.print(summary);
      out.println("Ctrl-C (or ./ticklake down) stops everything.");
      out.flush();
      Instant started = Instant.now();
      while (!stopped.await(10, TimeUnit.SECONDS)) {
        double hours = stack.config().doubleValue(StackConfig.RUN_HOURS_CONFIG);
        if (hours > 0 && Instant.now().isAfter(started.plusSeconds((long) (hours * 3600)))) {
          log.info("run.hours={} reached; stopping cleanly", hours);
          System.exit(0); // the shutdown hook stops the stack and flushes
        }
      }
      return 0;
    }
  }

  /** Health monitoring and alerting of a running stack. */
  record Ops(PrometheusMeterRegistry registry, AlertPublisher alerts, OpsMonitor monitor) implements AutoCloseable {
    static Ops start(StackConfig config, LocalStack stack) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "ticklake-alerts");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      // An alert must not wait long for a broker that is away: it is logged (and webhooked) anyway.
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
      p.put(AvroWireSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, config.registryUrl());
      AvroWireSerializer<SpecificRecord> values = new AvroWireSerializer<>();
      values.configure(p, false);
      KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(p, new StringSerializer(), values);
      new KafkaClientMetrics(producer).bindTo(registry);
      String hook = config.get(StackConfig.ALERT_WEBHOOK_URL_CONFIG);
      AlertPublisher alerts = new AlertPublisher(producer, hook.isEmpty() ? null : URI.create(hook), registry);
      stack.alerts(alerts);
      stack.bindMetrics(registry);
      OpsMonitor monitor =
          new OpsMonitor(config, stack.venueSources(), registry, alerts, stack::componentStates, Clock.systemUTC())
              .start();
      return new Ops(registry, alerts, monitor);
    }

    @Override
    public void close() {
      monitor.close();
      alerts.close();
    }
  }

  @Command(
      name = "stop",
      description = "Stop one component and keep it stopped (the supervisor does not restart it) until ./ticklake start.")
  static final class Stop implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();
    @CommandLine.Parameters(paramLabel = "COMPONENT",
        description = "e.g. connect, collector-<venue>, simulator-<venue>; simulator or collector for every venue's")
    String component;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      StackConfig config = options.load();
      boolean stopped = LocalStack.hold(config.dataDir(), component);
      spec.commandLine().getOut().printf("%s %s; it stays stopped until ./ticklake start %s%n",
          component, stopped ? "stopped" : "was not running", component);
      return 0;
    }
  }

  @Command(name = "start", description = "Start a component held by ./ticklake stop again.")
  static final class Start implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();
    @CommandLine.Parameters(paramLabel = "COMPONENT", description = "e.g. simulator-coinbase; simulator for every venue's")
    String component;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      StackConfig config = options.load();
      PrintWriter out = spec.commandLine().getOut();
      boolean wasHeld = LocalStack.release(config.dataDir(), component);
      if (runningSupervisor(config).isEmpty()) {
        out.println("ticklake is not running; ./ticklake up starts every component");
        return 1;
      }
      out.printf("%s%n", wasHeld ? component + " released; the supervisor starts it within a second" : component + " was not stopped");
      return 0;
    }
  }

  @Command(name = "down", description = "Stop the local stack cleanly.")
  static final class Down implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      StackConfig config = options.load();
      PrintWriter out = spec.commandLine().getOut();
      Optional<ProcessHandle> sup = runningSupervisor(config);
      if (sup.isPresent()) {
        out.printf("stopping ticklake (pid %d)...%n", sup.get().pid());
        out.flush();
        sup.get().destroy();
        try {
          sup.get().onExit().get(3, TimeUnit.MINUTES);
        } catch (Exception e) {
          out.println("ticklake did not stop in 3 minutes; killing it");
          sup.get().destroyForcibly();
        }
      }
      // Whatever is left (a launcher killed with -9 leaves its children running) is stopped too.
      LocalStack.stopAll(config.dataDir());
      Files.deleteIfExists(readyFile(config));
      Files.deleteIfExists(pidFile(config));
      out.println("ticklake is down; data kept in " + config.dataDir());
      return 0;
    }
  }

  @Command(
      name = "status",
      description = {
        "Show each part of the running stack (as it was started) and whether it is ready.",
        "Exit 0 when the launcher runs and every part is ready, 3 otherwise."
      })
  static final class Status implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      StackConfig config = options.load(true);
      PrintWriter out = spec.commandLine().getOut();
      Map<String, String> health = new LocalStack(config, home()).health();
      Optional<ProcessHandle> launcher = runningSupervisor(config);
      out.print(StatusReport.table(config, health, launcher));
      boolean ok = launcher.isPresent() && health.values().stream().allMatch("ready"::equals);
      return ok ? 0 : 3;
    }
  }
}
