package io.ticklake.ops.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration of a running stack and applies it through {@link LocalStack#reload}:
 * when {@code ./ticklake reload} leaves a request file in {@code <data>/run} (watched here), and on
 * SIGHUP (systemd's {@code ExecReload}, an operator's {@code kill -HUP}). An invalid configuration
 * is refused, naming the key, and the one in force stays. The outcome goes to the log and to {@code
 * <data>/run/reload-result.txt}, tagged with the token of the request, so that the command can print
 * what its own request did.
 *
 * <p>{@code reload} does not rely on the signal: a process started with SIGHUP ignored ({@code
 * nohup ./ticklake up &}, the usual way to keep a stack running after logout) inherits that, and the
 * JVM then silently declines to install a handler, so a signalled reload would never be answered.
 */
public final class ReloadSignal {
  private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

  /** How often the request file is looked for. */
  static final Duration WATCH_INTERVAL = Duration.ofMillis(250);

  private final Callable<StackConfig> loader;
  private final LocalStack stack;
  private final Path runDir;
  private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "ticklake-reload-watch");
    t.setDaemon(true);
    return t;
  });

  public ReloadSignal(Callable<StackConfig> loader, LocalStack stack, Path dataDir) {
    this.loader = loader;
    this.stack = stack;
    this.runDir = dataDir.resolve("run");
  }

  /** The file {@code reload} writes its token to: a request the running stack answers. */
  public static Path requestFile(Path dataDir) {
    return dataDir.resolve("run").resolve("reload-request.txt");
  }

  /** The file the supervisor answers in: {@code <token> ok|refused <message>}. */
  public static Path resultFile(Path dataDir) {
    return dataDir.resolve("run").resolve("reload-result.txt");
  }

  /**
   * Answers reload requests from now on: watches for the request file, and handles SIGHUP (which
   * otherwise would stop the JVM like SIGTERM) where this process can take it.
   *
   * @return false when this JVM cannot take SIGHUP (then only {@code ./ticklake reload} reaches it)
   */
  @SuppressWarnings("restriction")
  public boolean install() {
    watch();
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          sig -> {
            Thread t = new Thread(this::reloadNow, "ticklake-reload");
            t.setDaemon(true);
            t.start();
          });
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        log.warn("SIGHUP is ignored by this process (started under nohup?): kill -HUP and systemctl reload do not "
            + "reach it; ./ticklake reload does");
        return false;
      }
      log.info("./ticklake reload (or SIGHUP) re-reads the configuration");
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.warn("cannot handle SIGHUP here ({}); ./ticklake reload still re-reads the configuration", e.toString());
      return false;
    }
  }

  /** Answers each request file {@code ./ticklake reload} leaves, from now on. */
  public ReloadSignal watch() {
    Path request = requestFile(runDir.getParent());
    watcher.scheduleWithFixedDelay(() -> {
      if (Files.exists(request)) {
        reloadNow();
      }
    }, WATCH_INTERVAL.toMillis(), WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Stops watching for requests. */
  public void close() {
    watcher.shutdownNow();
  }

  /** Re-reads and applies the configuration now; returns the line written to the result file. */
  public synchronized String reloadNow() {
    String token = "signal";
    try {
      Path request = requestFile(runDir.getParent());
      if (Files.exists(request)) {
        token = Files.readString(request, StandardCharsets.UTF_8).strip();
        Files.deleteIfExists(request);
      }
    } catch (IOException e) {
      log.warn("reload: cannot read {}: {}", requestFile(runDir.getParent()), e.toString());
    }
    String line;
    try {
      StackConfig next = loader.call();
      LocalStack.ReloadResult r = stack.reload(next);
      line = token + " ok " + r.describe();
      log.info("reload: {}", r.describe());
    } catch (IllegalArgumentException e) {
      line = token + " refused " + e.getMessage();
      log.error("reload refused, the configuration in force stays: {}", e.getMessage());
    } catch (Exception e) {
      line = token + " refused " + e;
      log.error("reload failed, the configuration in force stays: {}", e.toString());
    }
    try {
      Files.createDirectories(runDir);
      Path part = runDir.resolve("reload-result.txt.part");
      Files.writeString(part, line + "\n" + Instant.now() + "\n", StandardCharsets.UTF_8);
      Files.move(part, resultFile(runDir.getParent()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("reload: cannot write {}: {}", resultFile(runDir.getParent()), e.toString());
    }
    return line;
  }
}
