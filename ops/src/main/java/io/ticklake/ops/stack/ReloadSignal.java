package io.ticklake.ops.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads the configuration of a running stack on SIGHUP (what {@code ./ticklake reload} and
 * systemd's {@code ExecReload} send) and applies it through {@link LocalStack#reload}. An invalid
 * configuration is refused, naming the key, and the one in force stays. The outcome goes to the log
 * and to {@code <data>/run/reload-result.txt}, tagged with the token of the request file {@code
 * reload} wrote before signalling, so that the command can print what its own request did.
 */
public final class ReloadSignal {
  private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

  private final Callable<StackConfig> loader;
  private final LocalStack stack;
  private final Path runDir;

  public ReloadSignal(Callable<StackConfig> loader, LocalStack stack, Path dataDir) {
    this.loader = loader;
    this.stack = stack;
    this.runDir = dataDir.resolve("run");
  }

  /** The file {@code reload} writes its token to before it signals. */
  public static Path requestFile(Path dataDir) {
    return dataDir.resolve("run").resolve("reload-request.txt");
  }

  /** The file the supervisor answers in: {@code <token> ok|refused <message>}. */
  public static Path resultFile(Path dataDir) {
    return dataDir.resolve("run").resolve("reload-result.txt");
  }

  /**
   * Handles SIGHUP from now on (which otherwise would stop the JVM like SIGTERM).
   *
   * @return false when this JVM cannot take signals (then {@code reload} cannot reach it)
   */
  @SuppressWarnings("restriction")
  public boolean install() {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          sig -> {
            Thread t = new Thread(this::reloadNow, "ticklake-reload");
            t.setDaemon(true);
            t.start();
          });
      log.info("SIGHUP (./ticklake reload) re-reads the configuration");
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      log.warn("cannot handle SIGHUP here ({}); reload needs a restart", e.toString());
      return false;
    }
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
