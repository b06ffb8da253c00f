package io.ticklake.ops.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child JVM of the stack: started with the launcher's own classpath, its output appended to
 * {@code <data>/logs/<name>.log}, its pid in {@code <data>/run/<name>.pid} so that {@code down},
 * {@code status} and a later {@code up} find it even after the launcher itself was killed.
 */
public final class ManagedProcess {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
  /** System property that marks our children, so a stale pid is never mistaken for ours. */
  static final String COMPONENT_PROPERTY = "ticklake.component";

  private final ComponentSpec spec;
  private final Path logFile;
  private final Path pidFile;
  private volatile Process process;

  ManagedProcess(ComponentSpec spec, Path dataDir) {
    this.spec = spec;
    this.logFile = dataDir.resolve("logs").resolve(spec.name() + ".log");
    this.pidFile = pidFile(dataDir, spec.name());
  }

  static Path pidFile(Path dataDir, String name) {
    return dataDir.resolve("run").resolve(name + ".pid");
  }

  /** While this file exists, the supervisor does not restart the component (operator hold). */
  public static Path holdFile(Path dataDir, String name) {
    return dataDir.resolve("run").resolve(name + ".hold");
  }

  /** The pid of the running child, or -1. */
  public long pid() {
    Process p = process;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  public ComponentSpec spec() {
    return spec;
  }

  public Path logFile() {
    return logFile;
  }

  /** Starts the child JVM. */
  public synchronized void start() throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.add("-D" + COMPONENT_PROPERTY + "=" + spec.name());
    cmd.addAll(spec.jvmArgs());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(spec.mainClass());
    cmd.addAll(spec.args());
    Files.createDirectories(logFile.getParent());
    Files.createDirectories(pidFile.getParent());
    // The endpoint URL of an earlier run of this component is stale: the new one writes its own.
    Files.deleteIfExists(pidFile.resolveSibling(spec.name() + ".http"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    process = pb.start();
    Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.US_ASCII);
    log.info("started {} (pid {}), log {}", spec.name(), process.pid(), logFile);
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** Exit code of a child that has ended, or empty while it runs. */
  public Optional<Integer> exitCode() {
    Process p = process;
    return p == null || p.isAlive() ? Optional.empty() : Optional.of(p.exitValue());
  }

  /** Asks the child to stop (SIGTERM), and kills it if it has not stopped within the grace. */
  public synchronized void stop(Duration grace) {
    Process p = process;
    if (p != null) {
      terminate(p.toHandle(), spec.name(), grace);
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", pidFile, e.toString());
    }
  }

  /**
   * Stops a child left behind by an earlier launcher (for instance one killed with -9), if the pid
   * file names a live process that is really our component.
   */
  static boolean stopLeftover(Path dataDir, String name, Duration grace) {
    Path pid = pidFile(dataDir, name);
    if (!Files.exists(pid)) {
      return false;
    }
    boolean stopped = false;
    try {
      long p = Long.parseLong(Files.readString(pid).trim());
      Optional<ProcessHandle> h = ProcessHandle.of(p).filter(ProcessHandle::isAlive);
      if (h.isPresent() && isOurs(h.get(), name)) {
        log.info("stopping {} left running by an earlier launcher (pid {})", name, p);
        terminate(h.get(), name, grace);
        stopped = true;
      }
      Files.deleteIfExists(pid);
    } catch (IOException | NumberFormatException e) {
      log.warn("ignoring unreadable pid file {}: {}", pid, e.toString());
    }
    return stopped;
  }

  /** The live process a pid file names, if it is ours. */
  static Optional<ProcessHandle> running(Path dataDir, String name) {
    Path pid = pidFile(dataDir, name);
    try {
      long p = Long.parseLong(Files.readString(pid).trim());
      return ProcessHandle.of(p).filter(ProcessHandle::isAlive).filter(h -> isOurs(h, name));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isOurs(ProcessHandle h, String name) {
    String marker = "-D" + COMPONENT_PROPERTY + "=" + name;
    return h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false)
        || h.info().commandLine().map(c -> c.contains(marker)).orElse(false);
  }

  private static void terminate(ProcessHandle h, String name, Duration grace) {
    if (!h.isAlive()) {
      return;
    }
    h.destroy();
    try {
      h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      log.info("{} stopped", name);
    } catch (Exception e) {
      log.warn("{} did not stop within {}s; killing it", name, grace.toSeconds());
      h.destroyForcibly();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        log.error("{} (pid {}) could not be killed", name, h.pid());
      }
    }
  }

  static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
