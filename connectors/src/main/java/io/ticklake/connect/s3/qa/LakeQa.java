package io.ticklake.connect.s3.qa;

import static io.ticklake.connect.s3.lake.LakeKind.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticklake.connect.s3.compact.Compactor;
import io.ticklake.connect.s3.lake.CoverageWindow;
import io.ticklake.connect.s3.lake.LakeKind;
import io.ticklake.connect.s3.lake.LakePaths;
import io.ticklake.connect.s3.lake.PartitionFiles;
import io.ticklake.connect.s3.storage.S3Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake QA suite: reads each partition through the S3 API (the files a reader would read, see
 * {@link PartitionFiles}) and checks it with DuckDB. Every check is one {@link QaCheck}; a FAIL
 * names the check, the partition and examples. See docs/lake.md, "Lake QA", for the exact
 * definitions.
 */
public final class LakeQa {
  private static final Logger log = LoggerFactory.getLogger(LakeQa.class);
  private static final int EXAMPLES = 3;

  private final S3Storage storage;
  private final String topicsDir;
  private final String lakeName;
  private final Clock clock;
  private final QaSettings settings;

  public LakeQa(S3Storage storage, String topicsDir, String lakeName, Clock clock, QaSettings settings) {
    this.storage = storage;
    this.topicsDir = topicsDir;
    this.lakeName = lakeName;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * Checks the partitions matching the selectors ({@code kind venue symbol date}) and, when {@code
   * days} is given, dated within the last {@code days} UTC days before today (today included).
   */
  public QaReport run(Map<String, String> selectors, Integer days) {
    Instant started = clock.instant();
    LocalDate today = LocalDate.ofInstant(started, ZoneOffset.UTC);
    LocalDate since = days == null ? LocalDate.MIN : today.minusDays(days);
    List<String> all = LakePaths.partitions(storage, topicsDir, p -> true);
    Map<String, TreeSet<LocalDate>> streams = LakePaths.streamDates(all);
    List<PartitionReport> reports = new ArrayList<>();
    for (String partition : all) {
      LocalDate date = LakePaths.date(partition);
      if (LakePaths.matches(partition, selectors) && !date.isBefore(since)) {
        reports.add(check(partition, streams.get(LakePaths.stream(partition)), started));
      }
    }
    // A day with no files between a stream's first and last day is a hole, not "nothing to check".
    streams.forEach((stream, dates) -> {
      for (LocalDate d = dates.first().plusDays(1); d.isBefore(dates.last()); d = d.plusDays(1)) {
        String partition = stream + "/date=" + d;
        if (!dates.contains(d) && !d.isBefore(since) && LakePaths.matches(partition, selectors)
            && io.ticklake.schema.topic.LakeKinds.known(LakePaths.kind(partition))
            && silencesNotJudged(LakeKind.of(LakePaths.kind(partition)), LakePaths.venue(partition)) == null) {
          reports.add(new PartitionReport(partition, 0, 0, List.of(CheckResult.fail(QaCheck.COVERAGE,
              "no files for this date, though the stream has data on " + dates.first() + " and " + dates.last()))));
        }
      }
    });
    reports.sort(Comparator.comparing(PartitionReport::partition));
    return new QaReport(lakeName, started, settings, reports);
  }

  /** Checks one partition; {@code streamDates} are the dates its stream has in the lake. */
  PartitionReport check(String partition, TreeSet<LocalDate> streamDates, Instant now) {
    PartitionFiles files = PartitionFiles.read(storage, topicsDir, partition);
    List<CheckResult> results = new ArrayList<>();
    Path work = null;
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      work = Files.createTempDirectory("ticklake-qa-");
      Map<String, Path> local = new LinkedHashMap<>();
      for (S3Storage.StoredObject o : files.content()) {
        Path p = work.resolve(o.fileName());
        storage.download(o.key(), p);
        local.put(o.key(), p);
      }
      Map<String, Long> rowsByKey = new LinkedHashMap<>();
      List<String> unreadable = new ArrayList<>();
      for (var e : local.entrySet()) {
        // DuckDB's JDBC driver closes a statement whose query fails: one statement per file.
        try (Statement probe = db.createStatement();
            ResultSet rs = probe.executeQuery("SELECT count(*) FROM read_parquet('" + e.getValue() + "')")) {
          rs.next();
          rowsByKey.put(e.getKey(), rs.getLong(1));
        } catch (SQLException ex) {
          unreadable.add(fileName(e.getKey()) + " (" + firstLine(ex.getMessage()) + ")");
        }
      }
      results.add(unreadable.isEmpty()
          ? CheckResult.pass(QaCheck.READABLE, local.size() + " files open as Parquet")
          : CheckResult.fail(QaCheck.READABLE, unreadable.size() + " of " + local.size() + " files do not open as Parquet: "
              + String.join("; ", unreadable)));
      results.add(manifestCheck(files, local, rowsByKey));
      long rows = rowsByKey.values().stream().mapToLong(Long::longValue).sum();
      if (rowsByKey.isEmpty()) {
        for (QaCheck c : List.of(QaCheck.PK_UNIQUE, QaCheck.GRID_ALIGNED, QaCheck.FINITE_NON_NEGATIVE, QaCheck.OHLC_VALID,
            QaCheck.CLOSED_ONLY, QaCheck.NO_FUTURE, QaCheck.PARTITION_DATE, QaCheck.EVENT_TIME_MONOTONIC, QaCheck.GAPS,
            QaCheck.COVERAGE)) {
          results.add(CheckResult.skip(c, "no readable file"));
        }
        return new PartitionReport(partition, local.size(), 0, results);
      }
      List<String> readable = rowsByKey.keySet().stream().map(k -> "'" + local.get(k) + "'").toList();
      st.execute("CREATE VIEW t AS SELECT * FROM read_parquet([" + String.join(",", readable)
          + "], union_by_name=true, filename=true, file_row_number=true)");
      Map<String, String> columns = columns(st);
      LakeKind kind = LakeKind.of(files.kind());
      LocalDate date = LakePaths.date(partition);
      long nowUs = micros(now);
      results.add(pkUnique(st, kind, columns));
      results.add(gridAligned(st, kind, columns));
      results.add(finiteNonNegative(st, kind, columns));
      results.add(ohlcValid(st, kind, columns));
      results.add(closedOnly(st, kind, columns));
      if (!columns.containsKey(LakeKind.EVENT_TIME)) {
        for (QaCheck c : List.of(QaCheck.NO_FUTURE, QaCheck.PARTITION_DATE, QaCheck.EVENT_TIME_MONOTONIC, QaCheck.GAPS, QaCheck.COVERAGE)) {
          results.add(CheckResult.skip(c, "no eventTime column"));
        }
      } else {
        results.add(noFuture(st, nowUs));
        results.add(partitionDate(st, date));
        results.add(monotonic(st, kind, columns));
        results.addAll(gapsAndCoverage(st, kind, partition, date, streamDates, nowUs));
      }
      return new PartitionReport(partition, local.size(), rows, results);
    } catch (SQLException | IOException | RuntimeException e) {
      log.error("QA of {} could not complete", partition, e);
      results.add(CheckResult.fail(QaCheck.READABLE, "QA could not read the partition: " + firstLine(String.valueOf(e.getMessage()))));
      return new PartitionReport(partition, files.content().size(), 0, results);
    } finally {
      deleteTree(work);
    }
  }

  private CheckResult manifestCheck(PartitionFiles files, Map<String, Path> local, Map<String, Long> rowsByKey) throws IOException {
    if (files.manifest().isEmpty()) {
      return CheckResult.skip(QaCheck.MANIFEST_SHA256, "no manifest: the partition is not compacted yet");
    }
    List<String> problems = new ArrayList<>();
    int listed = 0;
    for (JsonNode f : files.manifest().get().path("files")) {
      listed++;
      String key = f.path("key").asText();
      Path p = local.get(key);
      if (p == null) {
        problems.add(fileName(key) + " is listed but missing");
        continue;
      }
      String sha = Compactor.sha256(p);
      if (!sha.equals(f.path("sha256").asText())) {
        problems.add(fileName(key) + " has SHA-256 " + sha + ", the manifest says " + f.path("sha256").asText());
      }
      if (Files.size(p) != f.path("bytes").asLong()) {
        problems.add(fileName(key) + " has " + Files.size(p) + " bytes, the manifest says " + f.path("bytes").asLong());
      }
      Long rows = rowsByKey.get(key);
      if (rows != null && rows != f.path("rows").asLong()) {
        problems.add(fileName(key) + " has " + rows + " rows, the manifest says " + f.path("rows").asLong());
      }
    }
    if (!problems.isEmpty()) {
      return CheckResult.fail(QaCheck.MANIFEST_SHA256, String.join("; ", problems));
    }
    int late = files.content().size() - listed;
    if (!files.leftovers().isEmpty()) {
      return CheckResult.warn(QaCheck.MANIFEST_SHA256, listed + " files match; " + files.leftovers().size()
          + " superseded files are still present (compaction interrupted after its manifest; readers skip them, the next compact deletes them)");
    }
    return CheckResult.pass(QaCheck.MANIFEST_SHA256, listed + " files match the manifest"
        + (late > 0 ? "; " + late + " sink files arrived after the compaction" : ""));
  }

  private CheckResult pkUnique(Statement st, LakeKind kind, Map<String, String> columns) throws SQLException {
    if (kind.primaryKey().isEmpty() || !columns.keySet().containsAll(kind.primaryKey())) {
      return CheckResult.skip(QaCheck.PK_UNIQUE, "no primary key known for kind " + kind.name());
    }
    String pk = kind.primaryKeySql();
    String keyText = "concat_ws('|', " + String.join(", ", kind.primaryKey().stream()
        .map(c -> "coalesce(" + quote(c) + "::VARCHAR, 'null')").toList()) + ")";
    String dupes = "SELECT " + keyText + " AS k, count(*) AS n, string_agg(DISTINCT regexp_extract(filename, '[^/\\\\]+$'), ' ') AS f"
        + " FROM t GROUP BY " + pk + " HAVING count(*) > 1";
    long keys;
    long extra;
    try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(n - 1), 0) FROM (" + dupes + ")")) {
      rs.next();
      keys = rs.getLong(1);
      extra = rs.getLong(2);
    }
    if (keys == 0) {
      return CheckResult.pass(QaCheck.PK_UNIQUE, "(" + String.join(", ", kind.primaryKey()) + ") unique");
    }
    List<String> ex = examples(st, "SELECT '(' || k || ') x' || n || ' in ' || f FROM (" + dupes + ") ORDER BY k");
    return CheckResult.fail(QaCheck.PK_UNIQUE, keys + " keys (" + String.join(", ", kind.primaryKey()) + ") appear more than once ("
        + extra + " extra rows), e.g. " + String.join("; ", ex));
  }

  private CheckResult gridAligned(Statement st, LakeKind kind, Map<String, String> columns) throws SQLException {
    if (kind.grid().isEmpty() || !columns.containsKey(kind.grid().get().start()) || !columns.containsKey(kind.grid().get().end())) {
      return CheckResult.skip(QaCheck.GRID_ALIGNED, "not an interval kind");
    }
    LakeKind.Grid g = kind.grid().get();
    String iv = LakeKind.intervalMicrosSql(g.intervalLabel());
    String start = "epoch_us(" + quote(g.start()) + ")";
    String end = "epoch_us(" + quote(g.end()) + ")";
    String bad = "FROM t WHERE (" + g.onlyWhere() + ") AND (" + iv + " IS NULL OR " + start + " % " + iv + " <> 0 OR "
        + end + " - " + start + " <> " + iv + ")";
    long n = count(st, "SELECT count(*) " + bad);
    if (n == 0) {
      return CheckResult.pass(QaCheck.GRID_ALIGNED, g.start() + " on the grid of each row's interval, spanning one interval");
    }
    List<String> ex = examples(st, "SELECT " + g.intervalLabel() + " || ' ' || " + start + " || '..' || " + end + " " + bad + " ORDER BY "
        + start);
    return CheckResult.fail(QaCheck.GRID_ALIGNED, n + " rows off the interval grid (interval start..end in epoch µs), e.g. "
        + String.join("; ", ex));
  }

  private CheckResult finiteNonNegative(Statement st, LakeKind kind, Map<String, String> columns) throws SQLException {
    List<String> present = kind.nonNegative().stream().filter(columns::containsKey).toList();
    List<String> levels = kind.levelArrays().stream().filter(columns::containsKey).toList();
    if (present.isEmpty() && levels.isEmpty()) {
      return CheckResult.skip(QaCheck.FINITE_NON_NEGATIVE, "no price or size columns known for kind " + kind.name());
    }
    List<String> problems = new ArrayList<>();
    for (String c : present) {
      long n = count(st, "SELECT count(*) FROM t WHERE " + invalid(quote(c)));
      if (n > 0) {
        problems.add(c + ": " + n + " rows, e.g. " + String.join(", ",
            examples(st, "SELECT " + quote(c) + "::VARCHAR FROM t WHERE " + invalid(quote(c)))));
      }
    }
    for (String arr : levels) {
      for (String field : List.of("price", "size")) {
        String sql = "FROM (SELECT unnest(" + quote(arr) + ") AS l FROM t) WHERE " + invalid("l." + field);
        long n = count(st, "SELECT count(*) " + sql);
        if (n > 0) {
          problems.add(arr + "[]." + field + ": " + n + " levels, e.g. " + String.join(", ", examples(st, "SELECT l." + field + "::VARCHAR " + sql)));
        }
      }
    }
    List<String> checked = new ArrayList<>(present);
    levels.forEach(l -> checked.add(l + "[].price/size"));
    return problems.isEmpty()
        ? CheckResult.pass(QaCheck.FINITE_NON_NEGATIVE, String.join(", ", checked) + " finite and >= 0")
        : CheckResult.fail(QaCheck.FINITE_NON_NEGATIVE, "NaN, infinite or negative values in " + String.join("; ", problems));
  }

  private static String invalid(String col) {
    return "(isnan(" + col + "::DOUBLE) OR isinf(" + col + "::DOUBLE) OR " + col + " < 0)";
  }

  private CheckResult ohlcValid(Statement st, LakeKind kind, Map<String, String> columns) throws SQLException {
    if (!kind.candle() || !columns.keySet().containsAll(List.of("open", "high", "low", "close"))) {
      return CheckResult.skip(QaCheck.OHLC_VALID, "not a candle kind");
    }
    String bad = "FROM t WHERE high < greatest(open, close) OR low > least(open, close) OR high < low";
    long n = count(st, "SELECT count(*) " + bad);
    if (n == 0) {
      return CheckResult.pass(QaCheck.OHLC_VALID, "high >= max(open, close), low <= min(open, close)");
    }
    List<String> ex = examples(st, "SELECT 'openTime ' || epoch_us(openTime) || ' o=' || open || ' h=' || high || ' l=' || low || ' c=' || close "
        + bad + " ORDER BY openTime");
    return CheckResult.fail(QaCheck.OHLC_VALID, n + " candles with high < max(open, close) or low > min(open, close), e.g. "
        + String.join("; ", ex));
  }

  private CheckResult closedOnly(Statement st, LakeKind kind, Map<String, String> columns) throws SQLException {
    if (!kind.candle() || !columns.containsKey("closed")) {
      return CheckResult.skip(QaCheck.CLOSED_ONLY, "not a candle kind");
    }
    long n = count(st, "SELECT count(*) FROM t WHERE NOT closed");
    return n == 0
        ? CheckResult.pass(QaCheck.CLOSED_ONLY, "every candle is closed")
        : CheckResult.fail(QaCheck.CLOSED_ONLY, n + " candles not closed, e.g. openTime "
            + String.join(", ", examples(st, "SELECT epoch_us(openTime)::VARCHAR FROM t WHERE NOT closed ORDER BY openTime")));
  }

  private CheckResult noFuture(Statement st, long nowUs) throws SQLException {
    long limit = nowUs + settings.futureSkew().toNanos() / 1000;
    long n = count(st, "SELECT count(*) FROM t WHERE epoch_us(eventTime) > " + limit);
    return n == 0
        ? CheckResult.pass(QaCheck.NO_FUTURE, "no eventTime after " + iso(nowUs) + " + " + settings.futureSkew())
        : CheckResult.fail(QaCheck.NO_FUTURE, n + " rows with eventTime after " + iso(limit) + ", latest "
            + iso(count(st, "SELECT max(epoch_us(eventTime)) FROM t")));
  }

  private CheckResult partitionDate(Statement st, LocalDate date) throws SQLException {
    long from = date.atStartOfDay(ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    long to = from + 86_400_000_000L;
    long n = count(st, "SELECT count(*) FROM t WHERE epoch_us(eventTime) < " + from + " OR epoch_us(eventTime) >= " + to);
    return n == 0
        ? CheckResult.pass(QaCheck.PARTITION_DATE, "every eventTime on " + date + " UTC")
        : CheckResult.fail(QaCheck.PARTITION_DATE, n + " rows with eventTime outside " + date + " UTC, e.g. "
            + String.join(", ", examples(st, "SELECT epoch_us(eventTime)::VARCHAR FROM t WHERE epoch_us(eventTime) < " + from
                + " OR epoch_us(eventTime) >= " + to)));
  }

  /**
   * Per symbol and series (a windowed kind's window or interval: a minute's OFI is written after the
   * second that closed it, a day's after its last minute), event time must not go backwards in each
   * file's row order: a sink file holds one topic-partition's records in offset order, a compacted
   * file is sorted by event time. Compacted files split in several must also follow each other (max
   * of one <= min of the next, by name). Files of different topic-partitions are not compared with
   * each other: Kafka orders records only within a partition.
   */
  private CheckResult monotonic(Statement st, LakeKind kind, Map<String, String> columns) throws SQLException {
    String series = kind.grid().map(LakeKind.Grid::intervalLabel).orElse(null);
    String by = "filename" + (columns.containsKey("symbol") ? ", symbol" : "") + (series == null ? "" : ", " + series);
    String sql = "SELECT regexp_extract(filename, '[^/\\\\]+$') AS f, count(*) AS n FROM (SELECT filename, e - lag(e) OVER (PARTITION BY "
        + by + " ORDER BY file_row_number) AS d FROM (SELECT *, epoch_us(eventTime) AS e FROM t)) WHERE d < 0 GROUP BY f ORDER BY f";
    List<String> problems = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        problems.add(rs.getString(1) + ": " + rs.getLong(2) + " steps back");
      }
    }
    List<String[]> compacted = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT regexp_extract(filename, '[^/\\\\]+$') AS f, min(epoch_us(eventTime)), max(epoch_us(eventTime))"
        + " FROM t GROUP BY f HAVING f LIKE 'compacted-%' ORDER BY f")) {
      while (rs.next()) {
        compacted.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
      }
    }
    for (int i = 1; i < compacted.size(); i++) {
      if (Long.parseLong(compacted.get(i)[1]) < Long.parseLong(compacted.get(i - 1)[2])) {
        problems.add(compacted.get(i)[0] + " starts before " + compacted.get(i - 1)[0] + " ends");
      }
    }
    return problems.isEmpty()
        ? CheckResult.pass(QaCheck.EVENT_TIME_MONOTONIC, "eventTime never decreases per symbol within a file or across compacted files")
        : CheckResult.fail(QaCheck.EVENT_TIME_MONOTONIC, "eventTime goes backwards: " + String.join("; ", problems));
  }

  /** Why a kind's silences and coverage are not judged for a venue, or {@code null} when they are. */
  private String silencesNotJudged(LakeKind kind, String venue) {
    QaSettings.VenueTraits traits = settings.venue(venue);
    if (!kind.timeSeries()) {
      return kind.name() + " is reference data, not a series: silences and coverage do not apply";
    }
    if (!traits.continuousTrading()) {
      return venue + " does not trade around the clock: minutes without data are not gaps";
    }
    if (traits.quietSymbols() && kind.fromTrades()) {
      return venue + "'s symbols may go hours without a trade (its heartbeats tell a dead feed from a quiet market):"
          + " minutes without " + kind.name() + " are not gaps";
    }
    return null;
  }

  private List<CheckResult> gapsAndCoverage(
      Statement st, LakeKind kind, String partition, LocalDate date, TreeSet<LocalDate> streamDates, long nowUs) throws SQLException {
    String venue = LakePaths.venue(partition);
    QaSettings.VenueTraits traits = settings.venue(venue);
    String why = silencesNotJudged(kind, venue);
    if (why != null) {
      return List.of(CheckResult.skip(QaCheck.GAPS, why), CheckResult.skip(QaCheck.COVERAGE, why));
    }
    long first;
    long last;
    try (ResultSet rs = st.executeQuery("SELECT min(" + kind.spanStartUs() + "), max(" + kind.spanEndUs() + ") FROM t")) {
      rs.next();
      first = rs.getLong(1);
      last = rs.getLong(2);
    }
    CoverageWindow w = CoverageWindow.of(date, kind.intervalMicros(st, "t"), date.equals(streamDates.first()),
        date.equals(streamDates.last()), first, last, nowUs);
    java.time.Duration allowed = settings.gapThreshold().compareTo(traits.staleAfter()) >= 0 ? settings.gapThreshold() : traits.staleAfter();
    long threshold = allowed.toNanos() / 1000;
    List<long[]> gaps = new ArrayList<>();
    if (Math.min(first, w.endUs()) - w.startUs() > threshold) {
      gaps.add(new long[] {w.startUs(), Math.min(first, w.endUs())});
    }
    String sql = "SELECT greatest(p, " + w.startUs() + "), least(s, " + w.endUs() + ") FROM (SELECT s, max(e) OVER (ORDER BY s ROWS BETWEEN"
        + " UNBOUNDED PRECEDING AND 1 PRECEDING) AS p FROM (SELECT " + kind.spanStartUs() + " AS s, " + kind.spanEndUs() + " AS e FROM t))"
        + " WHERE least(s, " + w.endUs() + ") - greatest(p, " + w.startUs() + ") > " + threshold + " ORDER BY s";
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        gaps.add(new long[] {rs.getLong(1), rs.getLong(2)});
      }
    }
    if (w.endUs() - Math.max(last, w.startUs()) > threshold) {
      gaps.add(new long[] {Math.max(last, w.startUs()), w.endUs()});
    }
    CheckResult gapResult;
    if (gaps.isEmpty()) {
      gapResult = CheckResult.pass(QaCheck.GAPS, "no silence longer than " + allowed + " from " + iso(w.startUs())
          + " to " + iso(w.endUs()));
    } else {
      List<String> ex = gaps.stream().limit(EXAMPLES)
          .map(g -> iso(g[0]) + " .. " + iso(g[1]) + " (" + Duration.ofNanos((g[1] - g[0]) * 1000) + ")").toList();
      gapResult = CheckResult.fail(QaCheck.GAPS, gaps.size() + " gaps longer than " + allowed + ": " + String.join("; ", ex));
    }
    long expected = w.expectedMinutes();
    long present = w.presentMinutes(st, "t", kind);
    double ratio = expected == 0 ? 1.0 : (double) present / expected;
    String detail = String.format(Locale.ROOT, "%d of %d expected minutes present (%.3f%%) from %s to %s", present, expected,
        ratio * 100, iso(w.startUs()), iso(w.endUs()));
    CheckResult coverage = ratio + 1e-12 >= settings.minCoverage()
        ? CheckResult.pass(QaCheck.COVERAGE, detail)
        : CheckResult.fail(QaCheck.COVERAGE, detail + String.format(Locale.ROOT, ", below %.1f%%", settings.minCoverage() * 100));
    return List.of(gapResult, coverage);
  }

  private static Map<String, String> columns(Statement st) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (ResultSet rs = st.executeQuery("DESCRIBE t")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static long count(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> examples(Statement st, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql + " LIMIT " + EXAMPLES)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  static String iso(long epochMicros) {
    return Instant.EPOCH.plusNanos(Math.multiplyExact(epochMicros, 1000L)).toString();
  }

  private static String fileName(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a leftover temp dir is harmless
    }
  }
}
