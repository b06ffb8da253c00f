package io.ticklake.ops.stack;

import io.ticklake.ops.cli.TicklakeCli;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the stack ITs share: the CLI run as the {@code ./ticklake} script runs it, and free ports. */
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

  /** A port free right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
