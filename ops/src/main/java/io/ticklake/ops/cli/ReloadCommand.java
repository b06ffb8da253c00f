package io.ticklake.ops.cli;

import io.ticklake.ops.stack.ReloadSignal;
import io.ticklake.ops.stack.StackConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./ticklake reload}: checks the configuration, then has the running stack re-read it (a
 * request file the stack watches, answered in a result file) and prints what the stack applied and what needs a restart. Nothing stops: the
 * collector takes a new symbol list on its live connection.
 */
@Command(
    name = "reload",
    description = {
      "Apply a changed configuration to the running stack without a restart.",
      "Re-reads ticklake.properties (the environment and --set flags stay those of up);"
          + " symbols and data-quality settings apply live, other changes are named as needing a restart."
    })
final class ReloadCommand implements Callable<Integer> {
  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--timeout-seconds",
      description = "How long to wait for the stack's answer (default 30).")
  int timeoutSeconds = 30;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackConfig config;
    try {
      config = options.load(true);
    } catch (IllegalArgumentException e) {
      out.println("ticklake: configuration refused, nothing reloaded: " + e.getMessage());
      return 2;
    }
    Optional<ProcessHandle> sup = TicklakeCli.runningSupervisor(config);
    if (sup.isEmpty()) {
      out.println("ticklake is not running on " + config.dataDir() + "; nothing to reload (./ticklake up)");
      return 3;
    }
    String token = UUID.randomUUID().toString();
    Path request = ReloadSignal.requestFile(config.dataDir());
    Files.createDirectories(request.getParent());
    // The running stack watches for this file; no signal, which a stack started under nohup ignores.
    Path part = request.resolveSibling(request.getFileName() + ".part");
    Files.writeString(part, token, StandardCharsets.UTF_8);
    Files.move(part, request, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path result = ReloadSignal.resultFile(config.dataDir());
    Instant deadline = Instant.now().plus(Duration.ofSeconds(timeoutSeconds));
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(result)) {
        String line = Files.readString(result, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        if (line.startsWith(token + " ")) {
          String answer = line.substring(token.length() + 1);
          out.println(answer.startsWith("ok ") ? "reloaded: " + answer.substring(3) : "reload " + answer);
          return answer.startsWith("ok ") ? 0 : 2;
        }
      }
      Thread.sleep(100);
    }
    out.println("ticklake (pid " + sup.get().pid() + ") did not answer within " + timeoutSeconds + "s; see " + config.dataDir().resolve("logs").resolve("ticklake.log"));
    return 1;
  }
}
