package io.ticklake.ops.stack;

import java.time.Instant;

/**
 * What the supervisor knows about one child process right now.
 *
 * @param name the component
 * @param pid its process id, or -1
 * @param alive whether the process runs
 * @param held stopped by an operator ({@code ./ticklake stop NAME}): not restarted
 * @param restarts how often the supervisor restarted it since {@code up}
 * @param crashesInARow exits without staying up in between (reset once it ran stably)
 * @param nextRestart when the next restart is due, or null
 */
public record ComponentState(
    String name, long pid, boolean alive, boolean held, int restarts, int crashesInARow, Instant nextRestart) {

  /** {@code running}, {@code held}, or {@code restarting in Ns (crashed N times in a row)}. */
  public String describe() {
    if (held) {
      return alive ? "stopping (held)" : "held (stopped by ./ticklake stop; ./ticklake start " + name + " resumes it)";
    }
    if (alive) {
      return "running";
    }
    long in = nextRestart == null ? 0 : Math.max(0, java.time.Duration.between(Instant.now(), nextRestart).toSeconds());
    return "restarting in " + in + "s (crashed " + crashesInARow + " time" + (crashesInARow == 1 ? "" : "s") + " in a row)";
  }
}
