package io.ticklake.ops.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The data-quality reports the validator writes as JSON under {@code <data>/dq/}: the newest one
 * (by modification time; manifests are not reports) and whether it passed.
 */
public final class DqReports {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DqReports() {}

  /** The newest report file, if any. */
  public static Optional<Path> latest(Path dataDir) {
    Path dir = dataDir.resolve("dq");
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir, 3)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".json"))
          .filter(f -> !f.getFileName().toString().toLowerCase(Locale.ROOT).contains("manifest"))
          .max(Comparator.comparing(DqReports::modified).thenComparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  /** Reads a report; throws if it is not JSON. */
  public static JsonNode read(Path report) throws IOException {
    return JSON.readTree(report.toFile());
  }

  /**
   * Whether a report passed: a boolean {@code passed}, {@code pass} or {@code ok}, or a string
   * {@code status}/{@code result} of PASS/PASSED/OK or FAIL/FAILED; empty when it says neither.
   */
  public static Optional<Boolean> passed(JsonNode report) {
    for (String f : new String[] {"passed", "pass", "ok"}) {
      if (report.path(f).isBoolean()) {
        return Optional.of(report.path(f).asBoolean());
      }
    }
    for (String f : new String[] {"status", "result"}) {
      String v = report.path(f).asText("").toUpperCase(Locale.ROOT);
      if (v.equals("PASS") || v.equals("PASSED") || v.equals("OK")) {
        return Optional.of(true);
      }
      if (v.equals("FAIL") || v.equals("FAILED")) {
        return Optional.of(false);
      }
    }
    return Optional.empty();
  }
}
