package io.ticklake.connect.s3.compact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.connect.s3.partition.FileNames;
import io.ticklake.connect.s3.storage.S3Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the sink's small files of one closed partition ({@code <kind>/venue=/symbol=/date=}) into
 * one file, deduplicated on the kind's primary key and sorted by event time, with DuckDB doing the
 * work. Order of writes makes a crash at any point safe to re-run: the compacted file is uploaded,
 * then {@code _manifest.json} (which names the files readers should read), and only then are the
 * superseded files deleted. A re-run merges the manifest's file with any late sink files; the
 * dedup makes the result the same.
 */
public final class Compactor {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  public static final String MANIFEST = "_manifest.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final S3Storage storage;
  private final String topicsDir;
  private final Clock clock;

  public Compactor(S3Storage storage, String topicsDir, Clock clock) {
    this.storage = storage;
    this.topicsDir = topicsDir;
    this.clock = clock;
  }

  /** Outcome of one partition. */
  public record Result(String partition, int inputFiles, long rows, long duplicatesDropped, boolean skipped) {}

  /**
   * Every partition directory under the lake that matches the filter, e.g. {@code
   * trades/venue=binance-usdm/symbol=BTCUSDT/date=2024-05-01}.
   */
  public List<String> partitions(Predicate<String> filter) {
    Set<String> out = new TreeSet<>();
    for (S3Storage.StoredObject o : storage.list(topicsDir + "/")) {
      String rel = o.key().substring(topicsDir.length() + 1);
      int slash = rel.lastIndexOf('/');
      if (slash > 0 && filter.test(rel.substring(0, slash))) {
        out.add(rel.substring(0, slash));
      }
    }
    return new ArrayList<>(out);
  }

  /** Compacts one partition unless it is still open (date today or later in UTC) and not forced. */
  public Result compact(String partition, boolean force) throws IOException, SQLException {
    LocalDate date = dateOf(partition);
    if (!force && date != null && !date.isBefore(LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
      log.info("Skipping {}: the day is not over in UTC (use --force)", partition);
      return new Result(partition, 0, 0, 0, true);
    }
    String prefix = topicsDir + "/" + partition + "/";
    List<S3Storage.StoredObject> objects = storage.list(prefix);
    List<S3Storage.StoredObject> inputs = new ArrayList<>();
    boolean hasManifest = false;
    for (S3Storage.StoredObject o : objects) {
      if (o.key().substring(prefix.length()).contains("/")) {
        continue;
      }
      if (o.fileName().equals(MANIFEST)) {
        hasManifest = true;
      } else if (o.fileName().endsWith(FileNames.EXTENSION)) {
        inputs.add(o);
      }
    }
    if (inputs.isEmpty() || (hasManifest && inputs.size() == 1 && inputs.get(0).fileName().startsWith("compacted-"))) {
      return new Result(partition, inputs.size(), 0, 0, true);
    }
    String kind = partition.substring(0, partition.indexOf('/'));
    List<String> pk = PrimaryKeys.of(kind);
    Path work = Files.createTempDirectory("ticklake-compact-");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
      List<String> locals = new ArrayList<>();
      for (int i = 0; i < inputs.size(); i++) {
        Path local = work.resolve("in-" + i + ".parquet");
        storage.download(inputs.get(i).key(), local);
        locals.add("'" + local + "'");
      }
      String source = "read_parquet([" + String.join(",", locals) + "], union_by_name=true)";
      long inputRows = scalarLong(st, "SELECT count(*) FROM " + source);
      String order = hasColumn(st, source, "eventTime") ? "eventTime" : pk.isEmpty() ? "1" : String.join(",", quote(pk));
      String dedup = pk.isEmpty()
          ? "SELECT DISTINCT * FROM " + source
          : "SELECT * FROM " + source + " QUALIFY row_number() OVER (PARTITION BY " + String.join(",", quote(pk)) + " ORDER BY eventTime) = 1";
      if (!pk.isEmpty() && !hasColumn(st, source, "eventTime")) {
        dedup = "SELECT * FROM " + source + " QUALIFY row_number() OVER (PARTITION BY " + String.join(",", quote(pk)) + ") = 1";
      }
      Path out = work.resolve("out.parquet");
      st.execute("COPY (" + dedup + " ORDER BY " + order + ") TO '" + out + "' (FORMAT parquet, COMPRESSION zstd)");
      long rows = scalarLong(st, "SELECT count(*) FROM read_parquet('" + out + "')");
      String sha = sha256(out);
      String name = "compacted-" + sha.substring(0, 16) + FileNames.EXTENSION;
      String outKey = prefix + name;
      storage.put(outKey, out);

      ObjectNode manifest = JSON.createObjectNode();
      manifest.put("partition", partition);
      manifest.put("kind", kind);
      manifest.put("compactedAt", clock.instant().toString());
      ArrayNode pkNode = manifest.putArray("primaryKey");
      pk.forEach(pkNode::add);
      manifest.put("schemaFingerprint", schemaFingerprint(st, out));
      ObjectNode file = manifest.putArray("files").addObject();
      file.put("key", outKey);
      file.put("rows", rows);
      file.put("bytes", Files.size(out));
      file.put("sha256", sha);
      if (hasColumn(st, source, "eventTime")) {
        try (ResultSet rs = st.executeQuery("SELECT min(eventTime)::VARCHAR, max(eventTime)::VARCHAR,"
            + " count(DISTINCT date_trunc('minute', eventTime)) FROM read_parquet('" + out + "')")) {
          rs.next();
          file.put("minEventTime", rs.getString(1));
          file.put("maxEventTime", rs.getString(2));
          ObjectNode coverage = manifest.putObject("coverage");
          coverage.put("expectedMinutes", 24 * 60);
          coverage.put("presentMinutes", rs.getLong(3));
        }
      }
      ArrayNode sources = manifest.putArray("sourceOffsets");
      TreeMap<String, List<Long>> byTp = new TreeMap<>();
      for (S3Storage.StoredObject o : inputs) {
        FileNames.Parsed p = FileNames.parse(o.fileName());
        if (p != null) {
          byTp.computeIfAbsent(p.topic() + "+" + p.partition(), k -> new ArrayList<>()).add(p.firstOffset());
        }
      }
      byTp.forEach((tp, firsts) -> {
        ObjectNode s = sources.addObject();
        s.put("topicPartition", tp);
        s.put("firstOffsetMin", firsts.stream().mapToLong(Long::longValue).min().orElse(-1));
        s.put("fileFirstOffsets", firsts.toString());
      });
      manifest.put("inputRows", inputRows);
      manifest.put("duplicatesDropped", inputRows - rows);
      // Last write: the manifest makes the compacted file the partition's content.
      storage.put(prefix + MANIFEST, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));

      Set<String> superseded = new HashSet<>();
      for (S3Storage.StoredObject o : inputs) {
        if (!o.key().equals(outKey)) {
          superseded.add(o.key());
        }
      }
      storage.delete(superseded);
      log.info("Compacted {}: {} files, {} rows, {} duplicates dropped -> {}", partition, inputs.size(), rows, inputRows - rows, name);
      return new Result(partition, inputs.size(), rows, inputRows - rows, false);
    } finally {
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static LocalDate dateOf(String partition) {
    for (String segment : partition.split("/")) {
      if (segment.startsWith("date=")) {
        return LocalDate.parse(segment.substring(5));
      }
    }
    return null;
  }

  private static List<String> quote(List<String> columns) {
    return columns.stream().map(c -> "\"" + c + "\"").toList();
  }

  private static boolean hasColumn(Statement st, String source, String column) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (DESCRIBE SELECT * FROM " + source + ") WHERE column_name = '" + column + "'")) {
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
  private static String schemaFingerprint(Statement st, Path file) throws SQLException {
    StringBuilder schema = new StringBuilder();
    try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
      while (rs.next()) {
        schema.append(rs.getString(1)).append(':').append(rs.getString(2)).append(';');
      }
    }
    return sha256(schema.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
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
