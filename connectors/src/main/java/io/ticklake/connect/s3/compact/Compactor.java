package io.ticklake.connect.s3.compact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.connect.s3.lake.CoverageWindow;
import io.ticklake.connect.s3.lake.LakeKind;
import io.ticklake.connect.s3.lake.LakePaths;
import io.ticklake.connect.s3.lake.PartitionFiles;
import io.ticklake.connect.s3.partition.FileNames;
import io.ticklake.connect.s3.storage.S3Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the sink's small files of one closed partition ({@code <kind>/venue=/symbol=/date=}) into
 * one file, or a few of about {@code targetFileBytes} each, deduplicated on the kind's primary key
 * and sorted by event time, with DuckDB doing the work. The order of writes makes a crash at any
 * point safe to re-run: the compacted files are uploaded, then {@code _manifest.json} (which names
 * them, and the files they supersede, so readers skip those), and only then are the superseded
 * files deleted. A re-run merges the manifest's files with any late sink files; the dedup makes the
 * result the same.
 */
public final class Compactor {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  public static final String MANIFEST = PartitionFiles.MANIFEST;
  /** Default size of one compacted file; a larger partition is split into several. */
  public static final long TARGET_FILE_BYTES_DEFAULT = 256L * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Storage storage;
  private final String topicsDir;
  private final Clock clock;
  private final long targetFileBytes;

  public Compactor(S3Storage storage, String topicsDir, Clock clock) {
    this(storage, topicsDir, clock, TARGET_FILE_BYTES_DEFAULT);
  }

  public Compactor(S3Storage storage, String topicsDir, Clock clock, long targetFileBytes) {
    if (targetFileBytes <= 0) {
      throw new IllegalArgumentException("target file size must be positive, got " + targetFileBytes);
    }
    this.storage = storage;
    this.topicsDir = topicsDir;
    this.clock = clock;
    this.targetFileBytes = targetFileBytes;
  }

  /** Outcome of one partition. */
  public record Result(String partition, int inputFiles, int outputFiles, long rows, long duplicatesDropped, boolean skipped) {}

  /**
   * Every partition directory under the lake that matches the filter, e.g. {@code
   * trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01}.
   */
  public List<String> partitions(Predicate<String> filter) {
    return LakePaths.partitions(storage, topicsDir, filter);
  }

  /** Compacts one partition unless it is still open (date today or later in UTC) and not forced. */
  public Result compact(String partition, boolean force) throws IOException, SQLException {
    LocalDate date = LakePaths.date(partition);
    if (!force && date != null && !date.isBefore(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
      log.info("Skipping {}: the day is not over in UTC (use --force)", partition);
      return new Result(partition, 0, 0, 0, 0, true);
    }
    PartitionFiles files = PartitionFiles.read(storage, topicsDir, partition);
    List<S3Storage.StoredObject> inputs = new ArrayList<>(files.content());
    inputs.addAll(files.leftovers());
    Set<String> contentKeys = new TreeSet<>();
    files.content().forEach(o -> contentKeys.add(o.key()));
    if (files.manifest().isPresent() && contentKeys.equals(files.manifestFileKeys())) {
      if (!files.leftovers().isEmpty()) {
        // A previous run stopped after its manifest: finish its clean-up.
        storage.delete(files.leftovers().stream().map(S3Storage.StoredObject::key).toList());
        log.info("Deleted {} superseded files of {} left by an interrupted compaction", files.leftovers().size(), partition);
      }
      return new Result(partition, inputs.size(), contentKeys.size(), 0, 0, true);
    }
    if (inputs.isEmpty()) {
      return new Result(partition, 0, 0, 0, 0, true);
    }
    LakeKind kind = LakeKind.of(files.kind());
    Path work = Files.createTempDirectory("ticklake-compact-");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      List<String> locals = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Path local = work.resolve("in-" + i + ".parquet");
        storage.download(inputs.get(i).key(), local);
        locals.add(local.toString());
      }
      ObjectNode manifest = JSON.createObjectNode();
      ArrayNode sources = sourceOffsets(st, inputs, locals, files);
      String source = "read_parquet([" + String.join(",", locals.stream().map(l -> "'" + l + "'").toList()) + "], union_by_name=true)";
      st.execute("CREATE VIEW src AS SELECT * FROM " + source);
      long inputRows = scalarLong(st, "SELECT count(*) FROM src");
      boolean hasEventTime = hasColumn(st, "src", LakeKind.EVENT_TIME);
      String pk = kind.primaryKeySql();
      String tieBreak = pk.isEmpty() ? "" : ", " + pk;
      String order = hasEventTime ? LakeKind.quote(LakeKind.EVENT_TIME) + tieBreak : pk.isEmpty() ? "1" : pk;
      String dedup = pk.isEmpty()
          ? "SELECT DISTINCT * FROM src"
          : "SELECT * FROM src QUALIFY row_number() OVER (PARTITION BY " + pk + (hasEventTime ? " ORDER BY eventTime" : "") + ") = 1";
      st.execute("CREATE TABLE compacted AS SELECT *, row_number() OVER (ORDER BY " + order + ") AS __ticklake_rn FROM (" + dedup + ")");
      long rows = scalarLong(st, "SELECT count(*) FROM compacted");
      List<Path> outputs = writeParts(st, work, rows);

      manifest.put("format", 1);
      manifest.put("partition", partition);
      manifest.put("kind", kind.name());
      manifest.put("compactedAt", clock.instant().toString());
      ArrayNode pkNode = manifest.putArray("primaryKey");
      kind.primaryKey().forEach(pkNode::add);
      manifest.put("schemaFingerprint", schemaFingerprint(st, outputs.get(0)));
      manifest.put("rows", rows);
      manifest.put("inputRows", inputRows);
      manifest.put("duplicatesDropped", inputRows - rows);
      manifest.put("targetFileBytes", targetFileBytes);
      ArrayNode fileNodes = manifest.putArray("files");
      List<String> outKeys = new ArrayList<>();
      for (int i = 0; i < outputs.size(); i++) {
        Path out = outputs.get(i);
        String sha = sha256(out);
        String outKey = files.prefix() + String.format("compacted-%02d-%s", i, sha.substring(0, 16)) + FileNames.EXTENSION;
        outKeys.add(outKey);
        ObjectNode file = fileNodes.addObject();
        file.put("key", outKey);
        file.put("rows", scalarLong(st, "SELECT count(*) FROM read_parquet('" + out + "')"));
        file.put("bytes", Files.size(out));
        file.put("sha256", sha);
        if (hasEventTime) {
          try (ResultSet rs = st.executeQuery("SELECT min(epoch_us(eventTime)), max(epoch_us(eventTime)) FROM read_parquet('" + out + "')")) {
            rs.next();
            file.put("minEventTime", iso(rs.getLong(1)));
            file.put("maxEventTime", iso(rs.getLong(2)));
          }
        }
      }
      manifest.set("sourceOffsets", sources);
      if (hasEventTime && date != null && rows > 0) {
        manifest.set("coverage", coverage(st, kind, partition, date));
      }
      ArrayNode superseded = manifest.putArray("supersededFiles");
      Set<String> toDelete = new LinkedHashSet<>();
      for (S3Storage.StoredObject o : inputs) {
        if (!outKeys.contains(o.key())) {
          superseded.add(o.key());
          toDelete.add(o.key());
        }
      }
      for (int i = 0; i < outputs.size(); i++) {
        storage.put(outKeys.get(i), outputs.get(i));
      }
      // Last write: the manifest makes the compacted files the partition's content.
      storage.put(files.prefix() + MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      storage.delete(toDelete);
      log.info("Compacted {}: {} files, {} rows, {} duplicates dropped -> {} files", partition, inputs.size(), rows,
          inputRows - rows, outputs.size());
      return new Result(partition, inputs.size(), outputs.size(), rows, inputRows - rows, false);
    } finally {
      try (var walk = Files.walk(work)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * Writes the sorted rows as one file, or, when that file exceeds the target size, as {@code
   * ceil(size / target)} files of consecutive rows (so the files are sorted among themselves too).
   */
  private List<Path> writeParts(Statement st, Path work, long rows) throws SQLException, IOException {
    Path whole = work.resolve("out.parquet");
    copy(st, "SELECT * EXCLUDE (__ticklake_rn) FROM compacted ORDER BY __ticklake_rn", whole);
    long size = Files.size(whole);
    int parts = (int) Math.min(Math.max(1, (size + targetFileBytes - 1) / targetFileBytes), Math.max(1, rows));
    if (parts == 1) {
      return List.of(whole);
    }
    long perPart = (rows + parts - 1) / parts;
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      Path part = work.resolve("out-" + i + ".parquet");
      copy(st, "SELECT * EXCLUDE (__ticklake_rn) FROM compacted WHERE __ticklake_rn > " + i * perPart
          + " AND __ticklake_rn <= " + (i + 1) * perPart + " ORDER BY __ticklake_rn", part);
      out.add(part);
    }
    Files.delete(whole);
    return out;
  }

  private static void copy(Statement st, String query, Path file) throws SQLException {
    st.execute("COPY (" + query + ") TO '" + file + "' (FORMAT parquet, COMPRESSION zstd)");
  }

  /**
   * The Kafka offsets the partition's rows came from: per topic-partition, the offset ranges of
   * the inputs (from the sink's Parquet footer; only the first offset, from the name, for files
   * written before the footer carried them), merged with the ranges of an earlier manifest.
   */
  private ArrayNode sourceOffsets(Statement st, List<S3Storage.StoredObject> inputs, List<String> locals, PartitionFiles files)
      throws SQLException {
    Map<String, List<long[]>> ranges = new TreeMap<>();
    files.manifest().ifPresent(m -> m.path("sourceOffsets").forEach(tp -> {
      String key = tp.path("topic").asText() + "+" + tp.path("partition").asInt();
      tp.path("ranges").forEach(r -> ranges.computeIfAbsent(key, k -> new ArrayList<>()).add(new long[] {r.get(0).asLong(), r.get(1).asLong()}));
    }));
    for (int i = 0; i < inputs.size(); i++) {
      Map<String, String> meta = new HashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata('" + locals.get(i) + "')")) {
        while (rs.next()) {
          meta.put(rs.getString(1), rs.getString(2));
        }
      }
      FileNames.Parsed parsed = FileNames.parse(inputs.get(i).fileName());
      if (meta.containsKey(FileNames.META_TOPIC)) {
        ranges.computeIfAbsent(meta.get(FileNames.META_TOPIC) + "+" + meta.get(FileNames.META_PARTITION), k -> new ArrayList<>())
            .add(new long[] {Long.parseLong(meta.get(FileNames.META_FIRST_OFFSET)), Long.parseLong(meta.get(FileNames.META_LAST_OFFSET))});
      } else if (parsed != null && !inputs.get(i).fileName().startsWith("compacted-")) {
        ranges.computeIfAbsent(parsed.topic() + "+" + parsed.partition(), k -> new ArrayList<>())
            .add(new long[] {parsed.firstOffset(), -1});
      }
    }
    ArrayNode out = JSON.createArrayNode();
    ranges.forEach((tp, list) -> {
      ObjectNode node = out.addObject();
      int plus = tp.lastIndexOf('+');
      node.put("topic", tp.substring(0, plus));
      node.put("partition", Integer.parseInt(tp.substring(plus + 1)));
      ArrayNode rangeNodes = node.putArray("ranges");
      for (long[] r : merge(list)) {
        rangeNodes.addArray().add(r[0]).add(r[1]);
      }
    });
    return out;
  }

  /** Sorted, overlapping and adjacent ranges merged (their union); a range with an unknown end (-1) stays as it is. */
  static List<long[]> merge(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last[1] >= 0 && r[1] >= 0 && r[0] <= last[1] + 1) {
        last[1] = Math.max(last[1], r[1]);
      } else if (last == null || last[0] != r[0] || last[1] != r[1]) {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return out;
  }

  private ObjectNode coverage(Statement st, LakeKind kind, String partition, LocalDate date) throws SQLException {
    TreeSet<LocalDate> dates = LakePaths.datesOf(storage, topicsDir, LakePaths.stream(partition));
    long first;
    long last;
    try (ResultSet rs = st.executeQuery("SELECT min(" + kind.spanStartUs() + "), max(" + kind.spanEndUs() + ") FROM compacted")) {
      rs.next();
      first = rs.getLong(1);
      last = rs.getLong(2);
    }
    Instant now = clock.instant();
    CoverageWindow w = CoverageWindow.of(date, kind.intervalMicros(st, "compacted"), date.equals(dates.isEmpty() ? date : dates.first()),
        date.equals(dates.isEmpty() ? date : dates.last()), first, last, now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
    ObjectNode coverage = JSON.createObjectNode();
    coverage.put("from", iso(w.startUs()));
    coverage.put("to", iso(w.endUs()));
    coverage.put("expectedMinutes", w.expectedMinutes());
    coverage.put("presentMinutes", w.presentMinutes(st, "compacted", kind));
    return coverage;
  }

  static String iso(long epochMicros) {
    return Instant.EPOCH.plusNanos(Math.multiplyExact(epochMicros, 1000L)).toString();
  }

  private static boolean hasColumn(Statement st, String table, String column) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (DESCRIBE SELECT * FROM " + table + ") WHERE column_name = '" + column + "'")) {
      rs.next();
      return rs.getLong(1) > 0;
    }
  }

  private static long scalarLong(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** SHA-256 of the column names and types, so a schema change between runs is visible. */
  public static String schemaFingerprint(Statement st, Path file) throws SQLException {
    StringBuilder schema = new StringBuilder();
    try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
      while (rs.next()) {
        schema.append(rs.getString(1)).append(':').append(rs.getString(2)).append(';');
      }
    }
    return sha256(schema.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of a file, hex. */
  public static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = digest();
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    }
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }
}
