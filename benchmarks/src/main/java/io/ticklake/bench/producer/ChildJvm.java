package io.ticklake.bench.producer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JVM started on this JVM's own classpath, so a measured part runs alone in its process (with its
 * own heap limit) while the broker stays in the harness. Its stdout lines are collected; stderr
 * goes to a log file.
 */
final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> drained;

  private ChildJvm(Process process) {
    this.process = process;
    this.drained = CompletableFuture.runAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          out.add(line);
        }
      } catch (IOException e) {
        // the child is gone; what was read stays
      }
    });
  }

  static ChildJvm start(List<String> jvmArgs, String mainClass, List<String> args, Path stderr) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
    return new ChildJvm(pb.start());
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits for the child to exit and returns its stdout; fails if it exited non-zero. */
  List<String> await() throws InterruptedException {
    int code = process.waitFor();
    drained.join();
    if (code != 0) {
      throw new IllegalStateException("child JVM exited with " + code + "; stdout: " + out);
    }
    return List.copyOf(out);
  }

  /** Stops the child (SIGTERM, so shutdown hooks run) and waits for it. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    drained.join();
  }

  /** The value of {@code key=} on the first stdout line starting with {@code prefix}. */
  static String field(List<String> lines, String prefix, String key) {
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        for (String part : line.substring(prefix.length()).trim().split("\\s+")) {
          if (part.startsWith(key + "=")) {
            return part.substring(key.length() + 1);
          }
        }
      }
    }
    throw new IllegalStateException("no " + key + " on a line starting " + prefix + " in " + lines);
  }
}
