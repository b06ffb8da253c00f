package io.ticklake.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.connect.s3.storage.MinioS3Storage;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged plugin in a real Connect worker (a child JVM with plugin.path at target/plugins,
 * as the local stack runs it), our KRaft broker, our registry and S3Proxy on a local directory.
 * The Parquet files are read back with DuckDB straight from S3Proxy's directory.
 */
@Tag("integration")
class S3ParquetSinkIT {
  static final String TOPIC = "md.norm.trades.v1";
  static final String BUCKET = "ticklake-it";
  static final String ACCESS = "it-access";
  static final String SECRET = "it-secret-key";

  static EmbeddedKafka kafka;
  static RegistryServer registry;
  static S3Proxy s3proxy;
  static Path s3dir;
  static Process worker;
  static String connectUrl;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startStack() throws Exception {
    kafka = EmbeddedKafka.start();
    registry = new RegistryServer(new RegistryConfig(Map.of(
        "listeners", "http://127.0.0.1:0",
        "kafkastore.bootstrap.servers", kafka.bootstrapServers()))).start();

    s3dir = Files.createTempDirectory("ticklake-s3proxy-");
    Properties fs = new Properties();
    fs.setProperty(FilesystemConstants.PROPERTY_BASEDIR, s3dir.toString());
    var blobStore = ContextBuilder.newBuilder("filesystem").overrides(fs)
        .credentials(ACCESS, SECRET).build(BlobStoreContext.class).getBlobStore();
    s3proxy = S3Proxy.builder().blobStore(blobStore)
        .endpoint(URI.create("http://127.0.0.1:" + freePort()))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
    s3proxy.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> "STARTED".equals(s3proxy.getState()));
    new MinioS3Storage(s3Url(), "us-east-1", ACCESS, SECRET, BUCKET).createBucketIfMissing();

    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic("it-dlq", 1, (short) 1))).all().get();
    }
    worker = startWorker();
  }

  @AfterAll
  static void stopStack() throws Exception {
    if (worker != null) {
      worker.destroy();
      // Connect's shutdown hook was seen to hang in its REST server's stop (Jetty), which left
      // this wait, and CI, hanging: a worker not gone after 30 s is killed.
      if (!worker.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        worker.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    if (s3proxy != null) {
      s3proxy.stop();
    }
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void tradesLandAsParquetExactlyOnceWithExactValues() throws Exception {
    Instant t0 = Instant.parse("2024-05-01T23:59:00Z");
    int perSymbol = 250;
    long badOffset;
    try (KafkaProducer<String, Object> producer = producer()) {
      for (int i = 0; i < perSymbol; i++) {
        for (String symbol : List.of("BTCUSDT", "ETHUSDT")) {
          Trade trade = Trade.newBuilder()
              .setVenue("binance-usdm").setSymbol(symbol).setTradeId(symbol + "-" + i)
              .setSide(i % 2 == 0 ? Side.BUY : Side.SELL)
              .setPrice(new BigDecimal("65000.000000000000000001").add(BigDecimal.valueOf(i)).setScale(18))
              .setSize(new BigDecimal("0.001").setScale(18))
              .setMarketTrade(true).setChannel("aggTrade")
              // 250 trades a second apart from 23:59:00: the first 60 on May 1st, the rest on May 2nd (UTC).
              .setEventTime(t0.plusSeconds(i)).setReceiveTime(t0.plusSeconds(i).plusMillis(3))
              .build();
          producer.send(new ProducerRecord<>(TOPIC, "binance-usdm:" + symbol, trade));
        }
      }
      // One record that is not wire format: tolerated, and sent to the dead-letter queue.
      try (KafkaProducer<byte[], byte[]> raw = rawProducer()) {
        badOffset = raw.send(new ProducerRecord<>(TOPIC, 0, null, "not avro".getBytes())).get().offset();
      }
      producer.flush();
    }

    createConnector("lake-sink", Map.ofEntries(
        Map.entry("connector.class", S3ParquetSinkConnector.class.getName()),
        Map.entry("tasks.max", "2"),
        Map.entry("topics", TOPIC),
        Map.entry("s3.bucket.name", BUCKET),
        Map.entry("store.url", s3Url()),
        Map.entry("aws.access.key.id", ACCESS),
        Map.entry("aws.secret.access.key", SECRET),
        Map.entry("schema.registry.url", registry.url()),
        Map.entry("flush.size", "100"),
        Map.entry("rotate.schedule.interval.ms", "3000"),
        Map.entry("errors.tolerance", "all"),
        Map.entry("errors.deadletterqueue.topic.name", "it-dlq"),
        Map.entry("errors.deadletterqueue.topic.replication.factor", "1"),
        Map.entry("errors.deadletterqueue.context.headers.enable", "true")));

    Path lake = s3dir.resolve(BUCKET).resolve("lake");
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
        .until(() -> Files.exists(lake) && rows(lake) == 2L * perSymbol);
    // The group's committed offsets reach the end of both partitions (DLQ record included).
    await().atMost(Duration.ofMinutes(1)).until(() -> committedTotal() == 2L * perSymbol + 1);

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      String files = "read_parquet('" + lake + "/trades/**/*.parquet', filename=true, hive_partitioning=false)";
      try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT (symbol, tradeId)) FROM " + files)) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(2L * perSymbol);
        assertThat(rs.getLong(2)).isEqualTo(2L * perSymbol);
      }
      try (ResultSet rs = s.executeQuery("SELECT venue, symbol, price::VARCHAR, size::VARCHAR, side, epoch_us(eventTime),"
          + " epoch_us(receiveTime), marketTrade, channel, filename FROM " + files + " WHERE tradeId = 'ETHUSDT-61'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("binance-usdm");
        assertThat(rs.getString(2)).isEqualTo("ETHUSDT");
        assertThat(rs.getString(3)).isEqualTo("65061.000000000000000001");
        assertThat(rs.getString(4)).isEqualTo("0.001000000000000000");
        assertThat(rs.getString(5)).isEqualTo("SELL");
        assertThat(rs.getLong(6)).isEqualTo(micros(t0.plusSeconds(61)));
        assertThat(rs.getLong(7)).isEqualTo(micros(t0.plusSeconds(61).plusMillis(3)));
        assertThat(rs.getBoolean(8)).isTrue();
        assertThat(rs.getString(9)).isEqualTo("aggTrade");
        assertThat(rs.getString(10).replace(File.separatorChar, '/'))
            .contains("/lake/trades/venue=binance-usdm/symbol=ETHUSDT/date=2024-05-02/md.norm.trades.v1+")
            .matches(".*\\+[01]\\+\\d{20}\\.parquet");
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + files + " WHERE filename LIKE '%date=2024-05-01%'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(2L * 60);
      }
    }
    // Connect's dead-letter queue is at-least-once: a rebalance between two tasks may route the same bad
    // record twice. What must hold is that the only record there is the bad one, at its source offset.
    assertThat(dlqSources()).containsExactly(TOPIC + "/0/" + badOffset);
    // Every file name is the topic-partition and its first offset; none is left half-written.
    try (var walk = Files.walk(lake)) {
      Set<String> names = walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertThat(names).allMatch(n -> n.matches("md\\.norm\\.trades\\.v1\\+[01]\\+\\d{20}\\.parquet"));
    }
  }

  static long rows(Path lake) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + lake + "/trades/**/*.parquet')")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      return -1; // no file yet, or one being written by S3Proxy
    }
  }

  static long committedTotal() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets("connect-lake-sink").partitionsToOffsetAndMetadata().get();
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  /** The distinct source (topic/partition/offset) of every dead-letter record, from Connect's context headers. */
  static Set<String> dlqSources() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-reader");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("it-dlq"));
      Set<String> sources = new java.util.TreeSet<>();
      long end = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < end && sources.isEmpty()) {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
          sources.add(header(record, "__connect.errors.topic") + "/" + header(record, "__connect.errors.partition")
              + "/" + header(record, "__connect.errors.offset"));
        }
      }
      return sources;
    }
  }

  static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, String name) {
    var h = record.headers().lastHeader(name);
    return h == null ? "?" : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  static KafkaProducer<String, Object> producer() {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        CachingSchemaRegistryClient.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    AvroWireSerializer<Object> values = new AvroWireSerializer<>();
    values.configure(config, false);
    return new KafkaProducer<>(config, new StringSerializer(), values);
  }

  static KafkaProducer<byte[], byte[]> rawProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  static void createConnector(String name, Map<String, String> config) throws Exception {
    StringBuilder json = new StringBuilder("{");
    config.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":\"").append(v).append('"'));
    json.append('}');
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(connectUrl + "/connectors/" + name + "/config"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    await().atMost(Duration.ofMinutes(1)).until(() -> {
      String status = get("/connectors/" + name + "/status");
      return status.contains("\"tasks\":[{") && !status.contains("FAILED") && !status.contains("UNASSIGNED");
    });
  }

  static String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(connectUrl + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  /** ConnectDistributed in a child JVM: the test's class path minus this module, plugin from target/plugins. */
  static Process startWorker() throws Exception {
    Path pluginDir = Paths.get(System.getProperty("plugin.dir", "target/plugins")).toAbsolutePath();
    assertThat(pluginDir.resolve("ticklake-s3-parquet-sink/lib")).as("run mvn package first").isDirectory();
    int restPort = freePort();
    connectUrl = "http://127.0.0.1:" + restPort;
    Path work = Files.createTempDirectory("ticklake-connect-");
    Properties worker = new Properties();
    worker.setProperty("bootstrap.servers", kafka.bootstrapServers());
    worker.setProperty("group.id", "ticklake-it-connect");
    worker.setProperty("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    worker.setProperty("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
    worker.setProperty("config.storage.topic", "it-connect-configs");
    worker.setProperty("offset.storage.topic", "it-connect-offsets");
    worker.setProperty("status.storage.topic", "it-connect-status");
    worker.setProperty("config.storage.replication.factor", "1");
    worker.setProperty("offset.storage.replication.factor", "1");
    worker.setProperty("status.storage.replication.factor", "1");
    worker.setProperty("offset.flush.interval.ms", "1000");
    worker.setProperty("listeners", connectUrl);
    worker.setProperty("plugin.path", pluginDir.toString());
    worker.setProperty("plugin.discovery", "service_load");
    Path props = work.resolve("worker.properties");
    try (var out = Files.newBufferedWriter(props)) {
      worker.store(out, "ticklake IT worker");
    }
    String moduleTarget = Paths.get("target").toAbsolutePath().toString();
    String classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
        .filter(e -> !Paths.get(e).toAbsolutePath().toString().startsWith(moduleTarget))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-Duser.timezone=Europe/Vienna",
        "-Dlogback.configurationFile=" + Paths.get("src/test/resources/logback-worker.xml").toAbsolutePath(),
        "-cp", classpath, "org.apache.kafka.connect.cli.ConnectDistributed", props.toString()));
    Path log = Paths.get("target/connect-worker.log").toAbsolutePath();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
      if (!p.isAlive()) {
        throw new IllegalStateException("Connect worker exited; see " + log);
      }
      try {
        return get("/connector-plugins").contains(S3ParquetSinkConnector.class.getName());
      } catch (IOException e) {
        return false;
      }
    });
    return p;
  }

  static String s3Url() {
    return "http://127.0.0.1:" + s3proxy.getPort();
  }

  static long micros(Instant i) {
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
