package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exactly once through a crash: the local stack (as {@code ./ticklake up} runs it) sinks trades
 * into the lake while they are produced; the Connect worker is killed with {@code kill -9} once
 * some, but not all, files exist; the stack's supervisor restarts it; then {@code ./ticklake
 * compact} and {@code ./ticklake qa}. The lake must hold every produced trade exactly once, and
 * the manifests' offset ranges must cover every offset of the topic.
 */
@Tag("integration")
class LakeCrashIT {
  static final int PER_SYMBOL = 15_000;
  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
  /** Under target/, not a temp dir: after a failure the lake and the worker's log are there to read. */
  static Path dataDir;
  static final List<String> sets = new ArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();
  static final ObjectMapper json = new ObjectMapper();
  static StackConfig config;

  @BeforeAll
  static void ports() throws Exception {
    dataDir = Files.createDirectories(Path.of("target", "lake-crash-it")).toAbsolutePath().resolve("run-" + System.currentTimeMillis());
    Files.createDirectories(dataDir);
    Map<String, String> flags = StackCli.baseSettings(dataDir, StackCli.PORTS);
    // This test produces the trades itself.
    flags.put(StackConfig.COLLECTOR_ENABLED_CONFIG, "false");
    sets.addAll(StackCli.sets(flags));
    config = StackConfig.load(null, Map.of(), flags);
  }

  @AfterAll
  static void down() throws Exception {
    cli("down");
  }

  @Test
  void killMinus9OfTheConnectWorkerMidWriteLosesAndDuplicatesNothing() throws Exception {
    assertThat(cli("up", "--detach")).isZero();
    // Small files, so that there are many uploads for the kill to land between.
    String connector = config.connectUrl() + "/connectors/" + Provisioner.LAKE_CONNECTOR;
    ObjectNode lake = (ObjectNode) json.readTree(get(connector + "/config"));
    lake.put("flush.size", "400");
    lake.put("rotate.schedule.interval.ms", "5000");
    assertThat(put(connector + "/config", lake.toString())).isEqualTo(200);
    // Produce only once both tasks run the new config, so the kill meets the sink in steady state.
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
      JsonNode tasks = json.readTree(get(connector + "/tasks"));
      JsonNode status = json.readTree(get(connector + "/status")).path("tasks");
      return tasks.size() == 2 && tasks.findValues("flush.size").stream().allMatch(v -> v.asText().equals("400"))
          && status.size() == 2 && status.findValues("state").stream().allMatch(v -> v.asText().equals("RUNNING"));
    });

    AtomicInteger produced = new AtomicInteger();
    CountDownLatch killed = new CountDownLatch(1);
    CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(produced, killed));
    // Kill once some files exist but the producer is not done, so files are being written.
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> objects("lake/trades/").size() >= 5);
    long pid = Long.parseLong(Files.readString(dataDir.resolve("run").resolve("connect.pid")).trim());
    int filesAtKill = objects("lake/trades/").size();
    int producedAtKill = produced.get();
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    killed.countDown();
    assertThat(ProcessHandle.of(pid).orElseThrow().onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(producedAtKill).as("the kill landed while trades were still coming").isLessThan(PER_SYMBOL * SYMBOLS.size());
    producing.get(3, TimeUnit.MINUTES);
    int total = PER_SYMBOL * SYMBOLS.size();

    // The supervisor restarts the worker; the sink resumes from its last committed files.
    // (the group may wait for the dead worker's consumer sessions to expire before it reassigns.)
    await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
        .until(() -> !Files.readString(dataDir.resolve("run").resolve("connect.pid")).trim().equals(Long.toString(pid))
            && committedOffsets() >= total);
    System.out.printf("kill -9 of Connect (pid %d) with %d files in the lake and %d of %d trades produced%n", pid, filesAtKill,
        producedAtKill, total);

    // Some, not all, files existed at the kill: the restarted worker wrote the rest.
    assertThat(objects("lake/trades/").size()).isGreaterThan(filesAtKill);
    // Before compaction the sink's own files already hold every key once; QA says so.
    Path report = dataDir.resolve("qa-before.json");
    assertThat(cli("qa", "--kind", "trades", "--report", report.toString())).isZero();
    assertThat(cli("compact", "--all")).isZero();
    Path after = dataDir.resolve("qa-after.json");
    assertThat(cli("qa", "--report", after.toString())).isZero();
    JsonNode qa = json.readTree(after.toFile());
    assertThat(qa.get("status").asText()).isEqualTo("PASS");

    Path trades = dataDir.resolve("s3").resolve(config.get(StackConfig.S3_BUCKET_CONFIG)).resolve("lake").resolve("trades");
    try (Stream<Path> walk = Files.walk(trades)) {
      assertThat(walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .allMatch(n -> n.equals("_manifest.json") || n.matches("compacted-\\d{2}-[0-9a-f]{16}\\.parquet"));
    }
    Set<String> keys = new HashSet<>();
    long rows;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + trades + "/**/*.parquet')")) {
        rs.next();
        rows = rs.getLong(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT symbol, tradeId FROM read_parquet('" + trades + "/**/*.parquet')")) {
        while (rs.next()) {
          keys.add(rs.getString(1) + "/" + rs.getString(2));
        }
      }
    }
    Set<String> expected = new HashSet<>();
    for (String symbol : SYMBOLS) {
      for (int i = 0; i < PER_SYMBOL; i++) {
        expected.add(symbol + "/" + symbol + "-" + i);
      }
    }
    assertThat(rows).isEqualTo(total);
    assertThat(keys).isEqualTo(expected);
    assertThat(manifestOffsetUnion(trades)).isEqualTo(endOffsetsAsRanges());
  }

  /** Half the trades, then (once the worker is killed) the other half; a steady stream, not one burst. */
  static void produce(AtomicInteger produced, CountDownLatch killed) {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        CachingSchemaRegistryClient.SCHEMA_REGISTRY_URL_CONFIG, config.registryUrl());
    AvroWireSerializer<Object> values = new AvroWireSerializer<>();
    values.configure(props, false);
    // Yesterday (UTC), so the day is closed for compaction, and within the topic's retention: records
    // carry their event time as Kafka timestamp, and older ones would be deleted by the broker.
    Instant t0 = java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).atTime(8, 0).toInstant(java.time.ZoneOffset.UTC);
    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
      for (int i = 0; i < PER_SYMBOL; i++) {
        for (String symbol : SYMBOLS) {
          Instant t = t0.plusMillis(20L * i);
          producer.send(new ProducerRecord<>(Topics.TRADES, null, t.toEpochMilli(), "binance-usdm:" + symbol, Trade.newBuilder()
              .setVenue("binance-usdm").setSymbol(symbol).setTradeId(symbol + "-" + i).setSide(i % 3 == 0 ? Side.SELL : Side.BUY)
              .setPrice(new BigDecimal("60000.10").add(BigDecimal.valueOf(i % 500, 1)).setScale(18))
              .setSize(new BigDecimal("0.002").setScale(18)).setMarketTrade(true).setChannel("aggTrade")
              .setEventTime(t).setReceiveTime(t.plusMillis(2)).build()));
        }
        produced.addAndGet(SYMBOLS.size());
        if (i % 50 == 49) {
          producer.flush();
          Thread.sleep(50);
        }
        if (i == PER_SYMBOL / 2 && !killed.await(3, TimeUnit.MINUTES)) {
          throw new IllegalStateException("the worker was not killed within 3 minutes");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static long committedOffsets() throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-" + Provisioner.LAKE_CONNECTOR)
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(Topics.TRADES))
          .mapToLong(e -> e.getValue().offset()).sum();
    }
  }

  /** {topic+partition: [[0, end - 1]]} for every non-empty partition of the trades topic. */
  static Map<String, List<List<Long>>> endOffsetsAsRanges() throws Exception {
    Map<String, List<List<Long>>> out = new TreeMap<>();
    try (Admin admin = admin()) {
      int partitions = admin.describeTopics(List.of(Topics.TRADES)).allTopicNames().get().get(Topics.TRADES).partitions().size();
      Map<TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(Topics.TRADES, p), OffsetSpec.latest());
      }
      admin.listOffsets(request).all().get().forEach((tp, info) -> {
        if (info.offset() > 0) {
          out.put(tp.topic() + "+" + tp.partition(), List.of(List.of(0L, info.offset() - 1)));
        }
      });
    }
    return out;
  }

  /** The union of the manifests' source offset ranges, per topic-partition. */
  static Map<String, List<List<Long>>> manifestOffsetUnion(Path trades) throws IOException {
    Map<String, List<long[]>> ranges = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(trades)) {
      for (Path m : walk.filter(p -> p.getFileName().toString().equals("_manifest.json")).toList()) {
        for (JsonNode tp : json.readTree(m.toFile()).get("sourceOffsets")) {
          for (JsonNode r : tp.get("ranges")) {
            ranges.computeIfAbsent(tp.get("topic").asText() + "+" + tp.get("partition").asInt(), k -> new ArrayList<>())
                .add(new long[] {r.get(0).asLong(), r.get(1).asLong()});
          }
        }
      }
    }
    Map<String, List<List<Long>>> out = new TreeMap<>();
    ranges.forEach((tp, list) -> {
      list.sort((a, b) -> Long.compare(a[0], b[0]));
      List<List<Long>> merged = new ArrayList<>();
      long[] cur = null;
      for (long[] r : list) {
        if (cur != null && r[0] <= cur[1] + 1) {
          cur[1] = Math.max(cur[1], r[1]);
        } else {
          if (cur != null) {
            merged.add(List.of(cur[0], cur[1]));
          }
          cur = r.clone();
        }
      }
      merged.add(List.of(cur[0], cur[1]));
      out.put(tp, merged);
    });
    return out;
  }

  static Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return Admin.create(p);
  }

  static List<String> objects(String prefix) throws Exception {
    MinioClient minio = MinioClient.builder().endpoint(config.s3Endpoint())
        .credentials(config.get(StackConfig.S3_ACCESS_KEY_CONFIG), config.get(StackConfig.S3_SECRET_KEY_CONFIG)).build();
    List<String> keys = new ArrayList<>();
    for (var r : minio.listObjects(ListObjectsArgs.builder().bucket(config.get(StackConfig.S3_BUCKET_CONFIG)).prefix(prefix)
        .recursive(true).build())) {
      keys.add(r.get().objectName());
    }
    return keys;
  }

  static String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  static int put(String url, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static int cli(String... args) throws Exception {
    return StackCli.run(dataDir, StackCli.setOptions(sets), args);
  }

  static int freePort() throws IOException {
    return StackCli.freePort();
  }
}
