package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake export}: rows of one kind from the Parquet lake (through the S3 API) to a CSV
 * or JSON Lines file. Only the partitions that can hold the time span are fetched; compacted
 * partitions are read through their manifest, so no row is exported twice. The output file is
 * always inside the output directory: {@code --output} is resolved against {@code --output-dir}
 * (default {@code <data dir>/exports}) and refused when it leaves it ({@code ..}, an absolute path
 * elsewhere, a symbolic link pointing out).
 */
@Command(
    name = "export",
    description = {
      "Export rows of one kind from the lake to CSV or JSON Lines, newest --limit rows within"
          + " --since-hours, written in time order.",
      "--output is a path inside --output-dir (default <data dir>/exports); anything resolving"
          + " outside it is refused. Exit 0 on success, 2 on refused arguments, 1 on failure."
    })
final class ExportCommand implements Callable<Integer> {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  /** Columns that time a row, in order of preference. */
  static final List<String> TIME_COLUMNS = List.of("eventTime", "closeTime", "windowEnd", "detectedTime", "receiveTime");

  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--kind", required = true, description = "What to export: trades, quotes, book, ohlcv-1m, ...")
  String kind;

  @Option(names = "--venue", description = "Only this venue (a venue id).")
  String venue;

  @Option(names = "--symbol", description = "Only this symbol (needs --venue), e.g. BTCUSDT.")
  String symbol;

  @Option(names = "--format", description = "csv (with a header) or json (JSON Lines). Default csv.")
  String format = "csv";

  @Option(names = "--since-hours", description = "Rows whose time is within this many hours of now; 0: all (default 24).")
  double sinceHours = 24;

  @Option(names = "--limit", description = "At most this many rows, the newest (default 100000).")
  long limit = 100_000;

  @Option(names = "--output", required = true, description = "File to write, relative to --output-dir.")
  String output;

  @Option(names = "--output-dir", description = "The directory exports may be written to (default <data dir>/exports).")
  Path outputDir;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StackConfig config = options.load(true);
    String problem = checkArguments();
    if (problem != null) {
      out.println("ticklake export: " + problem);
      return 2;
    }
    Path dir = (outputDir != null ? outputDir : config.dataDir().resolve("exports")).toAbsolutePath().normalize();
    Path target;
    try {
      target = resolveInside(dir, output);
    } catch (IllegalArgumentException e) {
      out.println("ticklake export: refused: " + e.getMessage());
      return 2;
    }
    LakeStore lake = new LakeStore(config);
    Instant now = clock.instant();
    Instant from = sinceHours > 0 ? now.minus(Duration.ofSeconds((long) (sinceHours * 3600))) : Instant.EPOCH;
    LocalDate firstDate = from.atZone(ZoneOffset.UTC).toLocalDate();
    List<LakeStore.LakeObject> objects =
        LakeStore.readable(lake.list(kind, venue, symbol), lake).stream()
            .filter(o -> !o.date().isBefore(firstDate))
            .filter(o -> o.file().endsWith(".parquet"))
            .toList();
    if (objects.isEmpty()) {
      out.printf(
          "ticklake export: nothing in s3://%s/%s/%s/%s%s since %s; nothing written%n",
          lake.bucket(), LakeStore.TOPICS_DIR, kind,
          venue == null ? "" : "venue=" + venue + "/",
          symbol == null ? "" : "symbol=" + symbol + "/",
          from);
      return 1;
    }
    Path work = Files.createTempDirectory("ticklake-export-");
    try {
      List<String> locals = new ArrayList<>();
      for (int i = 0; i < objects.size(); i++) {
        Path local = work.resolve("in-" + i + ".parquet");
        lake.download(objects.get(i).key(), local);
        locals.add("'" + local + "'");
      }
      Files.createDirectories(target.getParent());
      // Written next to the target, then renamed: a reader never sees half an export.
      Path part = target.resolveSibling("." + target.getFileName() + ".part");
      long rows = write(locals, from, part);
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      out.printf("exported %d row%s of %s from %d file%s to %s%n", rows, rows == 1 ? "" : "s", kind,
          objects.size(), objects.size() == 1 ? "" : "s", target);
      return 0;
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private String checkArguments() {
    if (!NAME.matcher(kind).matches()) {
      return "--kind must be a lake kind such as trades or ohlcv-1m, got '" + kind + "'";
    }
    if (venue != null && !NAME.matcher(venue).matches()) {
      return "--venue must be a venue id (lower case, digits, '-'), got '" + venue + "'";
    }
    if (symbol != null && venue == null) {
      return "--symbol needs --venue (the lake is partitioned venue first)";
    }
    if (symbol != null && !Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:-]*").matcher(symbol).matches()) {
      return "--symbol must be a venue-native symbol such as BTCUSDT, got '" + symbol + "'";
    }
    format = format.toLowerCase(Locale.ROOT);
    if (!format.equals("csv") && !format.equals("json")) {
      return "--format must be csv or json, got '" + format + "'";
    }
    if (!(sinceHours >= 0)) {
      return "--since-hours must be 0 (all) or more, got " + sinceHours;
    }
    if (limit < 1) {
      return "--limit must be at least 1, got " + limit;
    }
    return null;
  }

  /**
   * The output path inside {@code dir}: {@code name} resolved against it must stay under it, also
   * once symbolic links in the existing part of the path are followed.
   */
  static Path resolveInside(Path dir, String name) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("--output is empty");
    }
    Path candidate = dir.resolve(name).normalize();
    if (!candidate.startsWith(dir) || candidate.equals(dir)) {
      throw new IllegalArgumentException(
          "--output " + name + " resolves to " + candidate + ", outside the output directory " + dir);
    }
    try {
      Files.createDirectories(dir);
      Path realDir = dir.toRealPath();
      Path existing = candidate.getParent();
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null || !existing.toRealPath().startsWith(realDir)) {
        throw new IllegalArgumentException(
            "--output " + name + " leads outside the output directory " + dir + " through a symbolic link");
      }
      if (Files.isSymbolicLink(candidate)) {
        throw new IllegalArgumentException("--output " + name + " is a symbolic link; refusing to write through it");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot use the output directory " + dir + ": " + e.getMessage(), e);
    }
    return candidate;
  }

  private long write(List<String> locals, Instant from, Path part) throws SQLException, IOException {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      String source = "read_parquet([" + String.join(",", locals) + "], union_by_name = true)";
      String time = timeColumn(st, source);
      StringBuilder q = new StringBuilder("SELECT * FROM ").append(source);
      List<String> where = new ArrayList<>();
      if (time != null && from.isAfter(Instant.EPOCH)) {
        where.add("\"" + time + "\" >= TIMESTAMPTZ '" + from + "'");
      }
      if (venue != null) {
        where.add("venue = '" + venue + "'");
      }
      if (symbol != null) {
        where.add("symbol = '" + symbol.replace("'", "''") + "'");
      }
      if (!where.isEmpty()) {
        q.append(" WHERE ").append(String.join(" AND ", where));
      }
      String order = time == null ? "1" : "\"" + time + "\"";
      String newest = "SELECT * FROM (" + q + ") ORDER BY " + order + " DESC LIMIT " + limit;
      String select = "SELECT * FROM (" + newest + ") ORDER BY " + order;
      String options = format.equals("csv") ? "FORMAT CSV, HEADER true" : "FORMAT JSON";
      Files.deleteIfExists(part);
      st.execute("COPY (" + select + ") TO '" + part.toString().replace("'", "''") + "' (" + options + ")");
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (" + select + ")")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String timeColumn(Statement st, String source) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + source)) {
      while (rs.next()) {
        columns.add(rs.getString(1));
      }
    }
    return TIME_COLUMNS.stream().filter(columns::contains).findFirst().orElse(null);
  }
}
