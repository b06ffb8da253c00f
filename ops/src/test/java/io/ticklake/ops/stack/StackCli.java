package io.ticklake.ops.stack;

import io.ticklake.ops.cli.TicklakeCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the stack ITs share: the CLI run as the {@code ./ticklake} script runs it, free ports, base
 * settings and a data directory.
 */
public final class StackCli {
  private StackCli() {}

  /**
   * Runs {@code ticklake <args> <options>} in its own JVM, as the ./ticklake script does; its output
   * is appended to {@code cli-<command>.out} in {@code outDir} (and printed when it fails).
   *
   * @param options options every command of the test gets, e.g. {@code --set=k=v} or {@code --config=F}
   */
  public static int run(Path outDir, List<String> options, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Dticklake.component=ticklake");
    cmd.add("-Dticklake.home=" + Path.of("").toAbsolutePath().getParent());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TicklakeCli.class.getName());
    cmd.addAll(List.of(args));
    cmd.addAll(options);
    Path out = outDir.resolve("cli-" + args[0] + ".out");
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("ticklake " + args[0] + " did not finish: " + Files.readString(out));
    }
    if (p.exitValue() != 0) {
      System.err.println(Files.readString(out));
    }
    return p.exitValue();
  }

  /** {@code --set=k=v} for each of {@code sets}. */
  public static List<String> setOptions(List<String> sets) {
    return sets.stream().map(s -> "--set=" + s).toList();
  }

  /** The Binance USD-M capture shipped with the producers (real frames; see its PROVENANCE.md). */
  public static final String DEMO_CAPTURE =
      "producers/src/main/resources/captures/binance-usdm/btcusdt-20240808.capture";

  public static final String DEMO_SNAPSHOTS =
      "producers/src/main/resources/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  /** The stack's listening ports other than the Streams app's query port. */
  public static final List<String> PORTS =
      List.of(
          StackConfig.KAFKA_PORT_CONFIG,
          StackConfig.KAFKA_CONTROLLER_PORT_CONFIG,
          StackConfig.REGISTRY_PORT_CONFIG,
          StackConfig.CONNECT_PORT_CONFIG,
          StackConfig.S3_PORT_CONFIG,
          StackConfig.HTTP_PORT_CONFIG,
          StackConfig.SIMULATOR_PORT_CONFIG);

  /**
   * A stack IT's base settings, in order: each of {@code portKeys} on a port free right now, and
   * the data directory. The caller adds its own and passes them to {@link #sets} and {@code
   * StackConfig.load}.
   */
  public static Map<String, String> baseSettings(Path dataDir, List<String> portKeys) throws IOException {
    Map<String, String> settings = new LinkedHashMap<>();
    for (String key : portKeys) {
      settings.put(key, Integer.toString(freePort()));
    }
    settings.put(StackConfig.DATA_DIR_CONFIG, dataDir.toString());
    // The stack ITs are about one venue's pipeline: they collect Binance USD-M alone.
    settings.put(StackConfig.VENUES_CONFIG, "binance-usdm");
    return settings;
  }

  /** {@code key=value} of each setting, as {@link #setOptions} takes them. */
  public static List<String> sets(Map<String, String> settings) {
    List<String> out = new ArrayList<>();
    settings.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /**
   * {@code target/<name>} emptied of an earlier run's files: kept after the run, so its logs
   * explain a failure.
   */
  public static Path freshDataDir(String name) throws IOException {
    Path dir = Path.of("target", name).toAbsolutePath();
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return Files.createDirectories(dir);
  }

  /** A port free right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
