package io.ticklake.ops.stack;

import java.util.List;

/**
 * One part of the local stack that runs as a child JVM.
 *
 * @param name short name, used for the pid file, the log file and messages
 * @param mainClass the Java main class
 * @param jvmArgs JVM options (heap and system properties)
 * @param args program arguments
 * @param probe tells whether the part is ready to serve
 * @param endpoint what to print for users (URL or host:port)
 */
public record ComponentSpec(
    String name,
    String mainClass,
    List<String> jvmArgs,
    List<String> args,
    Probe probe,
    String endpoint) {

  /** A readiness check. Implementations must return quickly (a few seconds at most). */
  @FunctionalInterface
  public interface Probe {
    /** Returns null when ready, or why not. */
    String check();
  }
}
