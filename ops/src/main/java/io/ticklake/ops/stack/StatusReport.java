package io.ticklake.ops.stack;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What {@code up} and {@code status} print: where everything is. */
public final class StatusReport {
  private StatusReport() {}

  /** The lines printed once the stack is ready. */
  public static String summary(StackConfig c) {
    return summary(c, StackVenues.plan(c));
  }

  /** The lines printed once the stack is ready, for these venues. */
  public static String summary(StackConfig c, List<StackVenues.VenueRun> venues) {
    StringBuilder sb = new StringBuilder();
    sb.append("ticklake is up. Data: ").append(c.dataDir()).append('\n');
    line(sb, "Kafka bootstrap", c.bootstrapServers(), c.embeddedKafka());
    line(sb, "Schema registry", c.registryUrl(), c.embeddedRegistry());
    line(sb, "Kafka Connect REST", c.connectUrl(), c.embeddedConnect());
    line(
        sb,
        "S3 endpoint",
        c.s3Endpoint() + "  bucket " + c.get(StackConfig.S3_BUCKET_CONFIG),
        c.embeddedS3());
    if (c.flag(StackConfig.COLLECTOR_ENABLED_CONFIG)) {
      for (StackVenues.VenueRun v : venues) {
        String source =
            v.simulated()
                ? "simulator " + c.bindAddress() + ":" + v.simulatorPort() + " ("
                    + (v.capture() == null ? "shipped capture" : v.capture().getFileName()) + (v.loop() ? ", looped" : "") + ")"
                : v.collectorSettings().getOrDefault("ws.url", v.venue().defaults().wsUrl());
        sb.append(String.format("  %-20s %s %s <- %s%n", "Collector " + v.id(), v.symbols().size() > 4
            ? v.symbols().subList(0, 4) + " +" + (v.symbols().size() - 4) : v.symbols(), v.channels(), source));
      }
    }
    if (c.flag(StackConfig.LAKE_CONNECTOR_CONFIG)) {
      sb.append(
          String.format(
              "  %-20s s3://%s/lake/ (connector %s)%n",
              "Parquet lake",
              c.get(StackConfig.S3_BUCKET_CONFIG),
              Provisioner.LAKE_CONNECTOR));
    }
    sb.append(String.format("  %-20s %s/health%n", "ticklake HTTP", c.httpUrl()));
    if (c.flag(StackConfig.STREAMS_ENABLED_CONFIG) && !venues.isEmpty()) {
      StackVenues.VenueRun first = venues.get(0);
      sb.append(
          String.format(
              "  %-20s %s/api/v1/cvd/%s/%s (quotes, ofi, cvd, candles)%n",
              "Query API", c.httpUrl(), first.id(), first.symbols().get(0)));
    }
    sb.append(String.format("  %-20s %s%n", "Logs", c.dataDir().resolve("logs")));
    return sb.toString();
  }

  private static void line(StringBuilder sb, String what, String where, boolean embedded) {
    sb.append(String.format("  %-20s %s%s%n", what, where, embedded ? "" : "  (external)"));
  }

  /** The table printed by {@code status}. */
  public static String table(
      StackConfig c, Map<String, String> health, Optional<ProcessHandle> supervisor) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        supervisor
            .map(h -> "ticklake launcher: running (pid " + h.pid() + ")\n")
            .orElse("ticklake launcher: not running\n"));
    sb.append(String.format("%-24s %-8s %-8s %s%n", "PART", "PID", "STATE", "DETAIL"));
    for (Map.Entry<String, String> e : health.entrySet()) {
      String pid =
          ManagedProcess.running(c.dataDir(), e.getKey())
              .map(h -> Long.toString(h.pid()))
              .orElse("-");
      boolean ready = "ready".equals(e.getValue());
      sb.append(
          String.format(
              "%-24s %-8s %-8s %s%n",
              e.getKey(), pid, ready ? "ready" : "DOWN", ready ? "" : e.getValue()));
    }
    return sb.toString();
  }
}
