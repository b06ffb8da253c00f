package io.ticklake.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code export} and {@code retention} against a real S3 API server (S3Proxy on a directory)
 * holding real Parquet in the lake's layout, including a compacted partition whose replaced file is
 * still present and a late sink file after its manifest.
 */
@Tag("integration")
class LakeCommandsIT {
  static final String ACCESS = "ticklake";
  static final String SECRET = "ticklake-local-secret";
  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  static final String TRADES = "lake/trades/venue=binance-usdm/symbol=";

  @TempDir static Path tmp;
  static S3Proxy s3proxy;
  static MinioClient minio;
  static String endpoint;
  static Path dataDir;

  @BeforeAll
  static void lake() throws Exception {
    Path s3dir = Files.createDirectories(tmp.resolve("s3"));
    Properties fs = new Properties();
    fs.setProperty(FilesystemConstants.PROPERTY_BASEDIR, s3dir.toString());
    var blobStore =
        ContextBuilder.newBuilder("filesystem")
            .overrides(fs)
            .credentials(ACCESS, SECRET)
            .build(BlobStoreContext.class)
            .getBlobStore();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    endpoint = "http://127.0.0.1:" + port;
    s3proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create(endpoint))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
            .build();
    s3proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(s3proxy.getState()));
    minio = MinioClient.builder().endpoint(endpoint).credentials(ACCESS, SECRET).build();
    if (!minio.bucketExists(BucketExistsArgs.builder().bucket("ticklake").build())) {
      minio.makeBucket(MakeBucketArgs.builder().bucket("ticklake").build());
    }
    dataDir = Files.createDirectories(tmp.resolve("data"));

    // BTCUSDT: five trades today, three yesterday morning (outside 24 h), one a week ago.
    put(TRADES + "BTCUSDT/date=2026-03-10/md.norm.trades.v1+0+00000000000000000100.parquet",
        trades("BTCUSDT", 10, "2026-03-10 11:00:00", 5));
    put(TRADES + "BTCUSDT/date=2026-03-09/md.norm.trades.v1+0+00000000000000000050.parquet",
        trades("BTCUSDT", 7, "2026-03-09 10:00:00", 3));
    put(TRADES + "BTCUSDT/date=2026-03-03/md.norm.trades.v1+0+00000000000000000000.parquet",
        trades("BTCUSDT", 1, "2026-03-03 10:00:00", 1));
    put(TRADES + "ETHUSDT/date=2026-03-10/md.norm.trades.v1+1+00000000000000000000.parquet",
        trades("ETHUSDT", 1, "2026-03-10 11:30:00", 2));
    // SOLUSDT today, compacted: the manifest names the compacted file (two rows); the sink file it
    // replaced is still there (a crash before the delete); a late sink file came after it.
    String sol = TRADES + "SOLUSDT/date=2026-03-10/";
    put(sol + "md.norm.trades.v1+2+00000000000000000000.parquet", trades("SOLUSDT", 1, "2026-03-10 09:00:00", 2));
    put(sol + "compacted-0123456789abcdef.parquet", trades("SOLUSDT", 1, "2026-03-10 09:00:00", 2));
    put(sol + "md.norm.trades.v1+2+00000000000000000002.parquet", trades("SOLUSDT", 3, "2026-03-10 09:10:00", 1));
    putText(sol + "_manifest.json", "{\"partition\":\"trades/venue=binance-usdm/symbol=SOLUSDT/date=2026-03-10/\","
        + "\"files\":[{\"key\":\"" + sol + "compacted-0123456789abcdef.parquet\",\"rows\":2}],"
        + "\"sourceOffsets\":[{\"topicPartition\":\"md.norm.trades.v1+2\",\"firstOffsetMin\":0,\"fileFirstOffsets\":\"[0]\"}]}");
    // Raw-frame archives of binance-usdm: one old day, one recent.
    putText("lake/binance-usdm.frames/venue=binance-usdm/symbol=BTCUSDT/date=2026-03-01/f+0+00000000000000000000.parquet", "old frames");
    putText("lake/binance-usdm.frames/venue=binance-usdm/symbol=BTCUSDT/date=2026-03-09/f+0+00000000000000000100.parquet", "recent frames");
  }

  @AfterAll
  static void stop() throws Exception {
    s3proxy.stop();
  }

  static byte[] trades(String symbol, int firstId, String firstTime, int n) throws Exception {
    Path file = Files.createTempFile(tmp, "fixture-", ".parquet");
    Files.delete(file);
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("COPY (SELECT 'binance-usdm' AS venue, '" + symbol + "' AS symbol,"
          + " CAST(" + firstId + " + i AS VARCHAR) AS tradeId,"
          + " CAST('61800.2' AS DECIMAL(38,18)) + i AS price,"
          + " CAST(TIMESTAMPTZ '" + firstTime + "+00' + INTERVAL (i) MINUTE AS TIMESTAMPTZ) AS eventTime"
          + " FROM range(" + n + ") t(i)) TO '" + file + "' (FORMAT parquet)");
    }
    return Files.readAllBytes(file);
  }

  static void put(String key, byte[] bytes) throws Exception {
    minio.putObject(
        PutObjectArgs.builder().bucket("ticklake").object(key)
            .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
  }

  static void putText(String key, String text) throws Exception {
    put(key, text.getBytes(StandardCharsets.UTF_8));
  }

  static boolean exists(String key) {
    try {
      minio.statObject(StatObjectArgs.builder().bucket("ticklake").object(key).build());
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  record Run(int code, String out) {}

  static Run run(Callable<Integer> command, String... args) {
    if (command instanceof ExportCommand e) {
      e.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    } else if (command instanceof RetentionCommand r) {
      r.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    }
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--set=s3.endpoint=" + endpoint);
    all.add("--data-dir=" + dataDir);
    int code = cli.execute(all.toArray(String[]::new));
    return new Run(code, out.toString());
  }

  @Test
  void exportsOneSymbolsRecentRowsAsCsvInTimeOrder() throws Exception {
    Run r = run(new ExportCommand(), "--kind", "trades", "--venue", "binance-usdm", "--symbol", "BTCUSDT",
        "--format", "csv", "--since-hours", "24", "--output", "btc.csv");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains("exported 5 rows of trades");
    List<String> lines = Files.readAllLines(dataDir.resolve("exports/btc.csv"));
    assertThat(lines.get(0)).isEqualTo("venue,symbol,tradeId,price,eventTime");
    assertThat(lines).hasSize(6);
    assertThat(lines.subList(1, 6)).extracting(l -> l.split(",")[2]).containsExactly("10", "11", "12", "13", "14");
    assertThat(lines.get(1)).contains("2026-03-10 11:00:00");
  }

  @Test
  void exportsTheNewestRowsOfEveryVenueAsJsonLinesWithinTheLimit() throws Exception {
    Run r = run(new ExportCommand(), "--kind", "trades", "--format", "json", "--since-hours", "24",
        "--limit", "4", "--output", "sub/all.json");
    assertThat(r.code()).as(r.out()).isZero();
    List<String> lines = Files.readAllLines(dataDir.resolve("exports/sub/all.json"));
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("{").contains("\"symbol\":\"BTCUSDT\"").contains("\"tradeId\":\"13\"");
    assertThat(lines.get(3)).contains("\"symbol\":\"ETHUSDT\"").contains("\"tradeId\":\"2\"");
  }

  @Test
  void aCompactedPartitionIsReadThroughItsManifestWithoutDoubles() throws Exception {
    Run r = run(new ExportCommand(), "--kind", "trades", "--venue", "binance-usdm", "--symbol", "SOLUSDT",
        "--since-hours", "24", "--output", "sol.csv");
    assertThat(r.code()).as(r.out()).isZero();
    List<String> lines = Files.readAllLines(dataDir.resolve("exports/sol.csv"));
    assertThat(lines.subList(1, lines.size())).extracting(l -> l.split(",")[2]).containsExactly("1", "2", "3");
  }

  @Test
  void sinceHoursZeroExportsEverything() throws Exception {
    Run r = run(new ExportCommand(), "--kind", "trades", "--venue", "binance-usdm", "--symbol", "BTCUSDT",
        "--since-hours", "0", "--output", "btc-all.csv");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(Files.readAllLines(dataDir.resolve("exports/btc-all.csv"))).hasSize(1 + 9);
  }

  @Test
  void outputPathsOutsideTheOutputDirectoryAreRefused() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(dataDir.resolve("exports"));
    Files.createSymbolicLink(dataDir.resolve("exports/link"), outside);
    for (String bad : List.of("../escape.csv", "a/../../escape.csv", tmp.resolve("abs.csv").toString(), "link/x.csv")) {
      Run r = run(new ExportCommand(), "--kind", "trades", "--since-hours", "0", "--output", bad);
      assertThat(r.code()).as(bad + ": " + r.out()).isEqualTo(2);
      assertThat(r.out()).contains("refused").contains("outside the output directory");
    }
    try (var files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
    assertThat(tmp.resolve("abs.csv")).doesNotExist();
    assertThat(dataDir.resolve("escape.csv")).doesNotExist();
  }

  @Test
  void badArgumentsAreRefusedByName() {
    Run r = run(new ExportCommand(), "--kind", "trades", "--format", "xml", "--output", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("--format must be csv or json");
    r = run(new ExportCommand(), "--kind", "trades", "--symbol", "BTCUSDT", "--output", "x");
    assertThat(r.out()).contains("--symbol needs --venue");
  }

  @Test
  void retentionListsThenDeletesOnlyOldRawArchivesAndLogs() throws Exception {
    Path logs = Files.createDirectories(dataDir.resolve("logs"));
    Path run = Files.createDirectories(dataDir.resolve("run"));
    FileTime old = FileTime.from(NOW.minus(Duration.ofDays(30)));
    Path rotated = Files.writeString(logs.resolve("collector.log.1"), "old\n");
    Files.setLastModifiedTime(rotated, old);
    Path stale = Files.writeString(logs.resolve("simulator.log"), "stale, its component gone\n");
    Files.setLastModifiedTime(stale, old);
    Path held = Files.writeString(logs.resolve("kafka.log"), "quiet but its process runs\n");
    Files.setLastModifiedTime(held, old);
    Files.writeString(run.resolve("kafka.pid"), Long.toString(ProcessHandle.current().pid()));
    Path fresh = Files.writeString(logs.resolve("registry.log"), "fresh\n");
    String oldFrames = "lake/binance-usdm.frames/venue=binance-usdm/symbol=BTCUSDT/date=2026-03-01/f+0+00000000000000000000.parquet";
    String recentFrames = "lake/binance-usdm.frames/venue=binance-usdm/symbol=BTCUSDT/date=2026-03-09/f+0+00000000000000000100.parquet";
    String oldTrades = TRADES + "BTCUSDT/date=2026-03-03/md.norm.trades.v1+0+00000000000000000000.parquet";

    Run dry = run(new RetentionCommand(), "--older-than", "7");
    assertThat(dry.code()).as(dry.out()).isZero();
    assertThat(dry.out())
        .contains("would delete s3://ticklake/" + oldFrames)
        .contains("would delete " + rotated)
        .contains("would delete " + stale)
        .doesNotContain(recentFrames)
        .doesNotContain(held.toString())
        .doesNotContain(fresh.toString())
        .doesNotContain(oldTrades)
        .contains("retention: would delete 3 items")
        .contains("run with --apply to delete");
    assertThat(exists(oldFrames)).isTrue();
    assertThat(rotated).exists();

    Run applied = run(new RetentionCommand(), "--older-than", "7", "--apply");
    assertThat(applied.code()).as(applied.out()).isZero();
    assertThat(applied.out()).contains("retention: deleted 3 items");
    assertThat(exists(oldFrames)).isFalse();
    assertThat(exists(recentFrames)).isTrue();
    assertThat(exists(oldTrades)).as("normalized kinds are kept unless named").isTrue();
    assertThat(rotated).doesNotExist();
    assertThat(stale).doesNotExist();
    assertThat(held).exists();
    assertThat(fresh).exists();
  }
}
