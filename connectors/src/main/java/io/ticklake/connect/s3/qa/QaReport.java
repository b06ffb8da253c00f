package io.ticklake.connect.s3.qa;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A QA run: every partition's checks, printed as a readable summary and written as JSON.
 *
 * @param lake where the lake is, e.g. {@code s3://ticklake/lake}
 * @param startedAt the QA clock
 * @param settings the thresholds used
 * @param partitions the partitions examined
 */
public record QaReport(String lake, Instant startedAt, QaSettings settings, List<PartitionReport> partitions) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Whether any check failed. */
  public boolean failed() {
    return partitions.stream().anyMatch(p -> p.status() == CheckResult.Status.FAIL);
  }

  /** {@code check partition: detail} of every failure. */
  public List<String> failureLines() {
    return partitions.stream()
        .flatMap(p -> p.failures().stream().map(c -> "FAIL " + c.check().label() + " " + p.partition() + ": " + c.detail()))
        .toList();
  }

  /** The human-readable summary: one line per partition, then every failure, then the totals. */
  public void print(PrintStream out) {
    out.printf(Locale.ROOT, "QA of %s at %s (gap threshold %s, coverage >= %.1f%%)%n", lake, startedAt,
        settings.gapThreshold(), settings.minCoverage() * 100);
    for (PartitionReport p : partitions) {
      String failed = String.join(",", p.failures().stream().map(c -> c.check().label()).toList());
      out.printf(Locale.ROOT, "  %-4s %-70s %3d files %,10d rows%s%n", p.status(), p.partition(), p.files(), p.rows(),
          failed.isEmpty() ? "" : "  failed: " + failed);
    }
    for (PartitionReport p : partitions) {
      for (CheckResult c : p.checks()) {
        if (c.status() == CheckResult.Status.WARN) {
          out.println("WARN " + c.check().label() + " " + p.partition() + ": " + c.detail());
        }
      }
    }
    failureLines().forEach(out::println);
    long failedParts = partitions.stream().filter(p -> p.status() == CheckResult.Status.FAIL).count();
    out.printf(Locale.ROOT, "%d partitions: %d passed, %d failed (%d failed checks)%n", partitions.size(),
        partitions.size() - failedParts, failedParts, failureLines().size());
  }

  /** The report as JSON. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("lake", lake);
    root.put("startedAt", startedAt.toString());
    root.put("status", failed() ? "FAIL" : "PASS");
    ObjectNode s = root.putObject("settings");
    s.put("gapThresholdSeconds", settings.gapThreshold().toSeconds());
    s.put("minCoverage", settings.minCoverage());
    s.put("futureSkewSeconds", settings.futureSkew().toSeconds());
    ObjectNode totals = root.putObject("totals");
    totals.put("partitions", partitions.size());
    totals.put("failedPartitions", partitions.stream().filter(p -> p.status() == CheckResult.Status.FAIL).count());
    totals.put("failedChecks", failureLines().size());
    ArrayNode failures = root.putArray("failures");
    ArrayNode parts = root.putArray("partitions");
    for (PartitionReport p : partitions) {
      ObjectNode pn = parts.addObject();
      pn.put("partition", p.partition());
      pn.put("status", p.status().name());
      pn.put("files", p.files());
      pn.put("rows", p.rows());
      ArrayNode checks = pn.putArray("checks");
      for (CheckResult c : p.checks()) {
        ObjectNode cn = checks.addObject();
        cn.put("check", c.check().label());
        cn.put("status", c.status().name());
        cn.put("detail", c.detail());
        if (c.status() == CheckResult.Status.FAIL) {
          ObjectNode f = failures.addObject();
          f.put("check", c.check().label());
          f.put("partition", p.partition());
          f.put("detail", c.detail());
        }
      }
    }
    return root;
  }

  /** Writes the JSON report, creating its directory. */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), toJson());
  }
}
