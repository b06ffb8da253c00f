package io.ticklake.ops.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake logscan}: counts log lines of the stack that carry any of the keywords within a
 * time span, prints them (up to {@code --print}), and exits 1 when the matches exceed {@code
 * --max}, so that cron or a monitoring check can act on it.
 *
 * <p>Every line the stack writes starts with an ISO-8601 UTC time; a line that does not (a stack
 * trace, a child's raw output) belongs to the last timed line before it. Rotated ({@code .log.N})
 * and gzipped ({@code .gz}) files are read too.
 */
@Command(
    name = "logscan",
    description = {
      "Find log lines with keywords (default ERROR,CRITICAL) in the stack's logs since a time.",
      "Exit 0 when matches <= --max, 1 when more, 2 on bad arguments."
    })
final class LogscanCommand implements Callable<Integer> {
  private static final Pattern TIME = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:?\\d{2}))\\s");
  private static final Pattern SPAN = Pattern.compile("(\\d+)([smhd])");

  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--since", description = "How far back: 30m, 24h, 7d (default 24h).")
  String since = "24h";

  @Option(
      names = "--keywords",
      split = ",",
      description = "Words to look for, comma-separated, matched as whole words (default ERROR,CRITICAL).")
  List<String> keywords = new ArrayList<>(List.of("ERROR", "CRITICAL"));

  @Option(names = "--max", description = "Matches allowed before the exit code is 1 (default 0).")
  long max;

  @Option(names = "--print", description = "Matching lines to print at most (default 50).")
  int print = 50;

  @Option(names = "--logs-dir", description = "Where the logs are (default <data dir>/logs).")
  Path logsDir;

  Clock clock = Clock.systemUTC();

  /** The outcome of a scan. */
  record Result(long matches, Map<String, Long> byKeyword, Map<String, Long> byFile, List<String> lines, int files) {}

  /** Parses {@code 30m}, {@code 24h}, {@code 7d}, {@code 90s}. */
  static Duration span(String s) {
    Matcher m = SPAN.matcher(s.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--since takes a number and a unit (s, m, h, d), e.g. 24h; got '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Duration span;
    try {
      span = span(since);
    } catch (IllegalArgumentException e) {
      out.println("ticklake logscan: " + e.getMessage());
      return 2;
    }
    if (keywords.stream().allMatch(String::isBlank)) {
      out.println("ticklake logscan: --keywords names no keyword");
      return 2;
    }
    Path dir = logsDir != null ? logsDir : options.load().dataDir().resolve("logs");
    if (!Files.isDirectory(dir)) {
      out.println("ticklake logscan: no log directory " + dir + " (has the stack run here?)");
      return 2;
    }
    Instant from = clock.instant().minus(span);
    Result r = scan(dir, from, keywords, print);
    r.lines().forEach(out::println);
    if (r.matches() > r.lines().size()) {
      out.printf("... %d more (--print N shows more)%n", r.matches() - r.lines().size());
    }
    out.printf(
        "logscan: %d matching line%s since %s in %d file%s of %s %s%s%n",
        r.matches(),
        r.matches() == 1 ? "" : "s",
        from,
        r.files(),
        r.files() == 1 ? "" : "s",
        dir,
        r.byKeyword(),
        r.byFile().isEmpty() ? "" : " " + r.byFile());
    if (r.matches() > max) {
      out.printf("logscan: %d > --max %d%n", r.matches(), max);
      return 1;
    }
    return 0;
  }

  /** Scans every log file of {@code dir} for lines at or after {@code from} carrying a keyword. */
  static Result scan(Path dir, Instant from, List<String> keywords, int keep) throws IOException {
    List<String> words = keywords.stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
    List<Pattern> patterns = words.stream().map(k -> Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(k) + "(?![A-Za-z0-9_])")).toList();
    Map<String, Long> byKeyword = new LinkedHashMap<>();
    words.forEach(w -> byKeyword.put(w, 0L));
    Map<String, Long> byFile = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    long matches = 0;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).filter(p -> isLog(p.getFileName().toString())).sorted().toList();
    }
    int scanned = 0;
    for (Path f : files) {
      // A file untouched since before the span holds nothing newer.
      if (Files.getLastModifiedTime(f).toInstant().isBefore(from)) {
        continue;
      }
      scanned++;
      try (BufferedReader in = reader(f)) {
        Instant lineTime = null;
        String line;
        while ((line = in.readLine()) != null) {
          Matcher t = TIME.matcher(line);
          if (t.find()) {
            try {
              lineTime = OffsetDateTime.parse(t.group(1).replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2")).toInstant();
            } catch (DateTimeParseException e) {
              // keep the previous line's time
            }
          }
          if (lineTime == null || lineTime.isBefore(from)) {
            continue;
          }
          for (int i = 0; i < patterns.size(); i++) {
            if (patterns.get(i).matcher(line).find()) {
              matches++;
              byKeyword.merge(words.get(i), 1L, Long::sum);
              byFile.merge(f.getFileName().toString(), 1L, Long::sum);
              if (lines.size() < keep) {
                lines.add(f.getFileName() + ": " + line);
              }
              break;
            }
          }
        }
      }
    }
    return new Result(matches, byKeyword, byFile, lines, scanned);
  }

  static boolean isLog(String name) {
    return name.endsWith(".log") || name.matches(".*\\.log\\.\\d+(\\.gz)?") || name.endsWith(".log.gz");
  }

  private static BufferedReader reader(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    if (f.getFileName().toString().endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
