package io.ticklake.bench.streams;

import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.TopologyFactory;
import io.ticklake.streams.serde.SerdeFactory;
import io.ticklake.testkit.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streams app's benchmark, every figure against a baseline measured on the same embedded
 * broker in the same run:
 *
 * <ol>
 *   <li>throughput: the full topology drains a pre-filled trades + quotes backlog; records/s as a
 *       ratio against a pass-through topology (bytes in, bytes out, same topics, same guarantee);
 *   <li>exactly_once_v2 against at_least_once, full topology;
 *   <li>latency at half the sustainable exactly-once rate, live-like (event time = send time):
 *       from the send of the frame that closes a 1-second OFI window (stream time passes its end
 *       plus the grace) to the window's record being visible to a read_committed consumer,
 *       against {@code org.apache.kafka.tools.EndToEndLatency}'s p99 on the same broker.
 * </ol>
 *
 * <p>{@code java -cp ... io.ticklake.bench.streams.StreamsBench [records] [latencySeconds]}; the
 * README's Benchmarks section has the command. Prints one line per figure.
 */
public final class StreamsBench {
  private static final Logger log = LoggerFactory.getLogger(StreamsBench.class);
  static final String VENUE = "binance-usdm";
  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "SOLUSDT");
  /** Event-time spacing of the backlog: 50 ms per symbol and topic, so windows close as in a market. */
  static final long STEP_MS = 50;

  private final EmbeddedKafka kafka;
  private final RegistryServer registry;
  private final Path stateRoot;
  private int run;

  StreamsBench(EmbeddedKafka kafka, RegistryServer registry, Path stateRoot) {
    this.kafka = kafka;
    this.registry = registry;
    this.stateRoot = stateRoot;
  }

  /** The figures of one run. */
  public record Result(
      long records,
      double passThroughEos,
      double fullEos,
      double fullAlos,
      double latencyP50Ms,
      double latencyP99Ms,
      long latencySamples,
      double e2eP99Ms,
      long commitIntervalMs) {
    double ratioVsPassThrough() {
      return fullEos / passThroughEos;
    }

    double ratioEosVsAlos() {
      return fullEos / fullAlos;
    }

    double latencyBudgetMs() {
      return 10 * e2eP99Ms + commitIntervalMs;
    }

    @Override
    public String toString() {
      return String.format(
          "records=%d%n"
              + "pass-through (exactly_once_v2)  %,.0f records/s%n"
              + "full topology (exactly_once_v2) %,.0f records/s  ratio vs pass-through %.3f (target >= 0.35)%n"
              + "full topology (at_least_once)   %,.0f records/s  exactly_once_v2/at_least_once %.3f (target >= 0.90)%n"
              + "latency at %,.0f records/s: p50 %.1f ms, p99 %.1f ms over %d windows;"
              + " EndToEndLatency p99 %.1f ms; budget 10 x p99 + commit interval %d ms = %.1f ms (%s)%n",
          records,
          passThroughEos,
          fullEos,
          ratioVsPassThrough(),
          fullAlos,
          ratioEosVsAlos(),
          fullEos / 2,
          latencyP50Ms,
          latencyP99Ms,
          latencySamples,
          e2eP99Ms,
          commitIntervalMs,
          latencyBudgetMs(),
          latencyP99Ms <= latencyBudgetMs() ? "within" : "OVER");
    }
  }

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 600_000;
    int latencySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    System.out.print(measure(records, latencySeconds));
  }

  /** Starts a broker and a registry, measures, stops them. */
  public static Result measure(long records, int latencySeconds) throws Exception {
    Path state = Files.createTempDirectory("ticklake-streams-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      RegistryServer registry =
          new RegistryServer(
                  new RegistryConfig(
                      Map.of(
                          RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
                          RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())))
              .start();
      try {
        return new StreamsBench(kafka, registry, state).run(records, latencySeconds);
      } finally {
        registry.close();
      }
    } finally {
      Utils.delete(state.toFile());
    }
  }

  Result run(long records, int latencySeconds) throws Exception {
    try (Admin admin = kafka.admin()) {
      List<NewTopic> topics = new ArrayList<>();
      Topics.all(List.of(VENUE)).forEach(t -> topics.add(new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs())));
      topics.add(new NewTopic("bench.passthrough.trades", 6, (short) 1));
      topics.add(new NewTopic("bench.passthrough.quotes", 6, (short) 1));
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
    Instant t0 = Instant.parse("2024-08-08T00:00:00Z");
    fill(records, t0);
    double pass = drain(passThrough(), StreamsConfig.EXACTLY_ONCE_V2, records);
    double eos = drain(full(StreamsConfig.EXACTLY_ONCE_V2), StreamsConfig.EXACTLY_ONCE_V2, records);
    double alos = drain(full(StreamsConfig.AT_LEAST_ONCE), StreamsConfig.AT_LEAST_ONCE, records);
    long commitMs = 100; // Kafka Streams' commit.interval.ms default under exactly_once_v2
    double e2e = endToEndLatencyP99();
    double[] lat = latency(eos / 2, Duration.ofSeconds(latencySeconds));
    return new Result(records, pass, eos, alos, lat[0], lat[1], (long) lat[2], e2e, commitMs);
  }

  private Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registry.url());
  }

  private SerdeFactory serdes() {
    return SerdeFactory.forRegistry(serdeConfig());
  }

  /** The backlog: half trades, half quotes, six symbols, event time advancing STEP_MS a round. */
  private void fill(long records, Instant t0) throws Exception {
    SerdeFactory serdes = serdes();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      long n = 0;
      for (long round = 0; n < records; round++) {
        Instant t = t0.plusMillis(round * STEP_MS);
        for (String symbol : SYMBOLS) {
          if (n++ >= records) {
            break;
          }
          String key = VENUE + ":" + symbol;
          Trade trade = trade(symbol, round, t);
          producer.send(new ProducerRecord<>(Topics.TRADES, null, t.toEpochMilli(), key, serdes.value(Trade.class).serializer().serialize(Topics.TRADES, trade)));
          if (n++ >= records) {
            break;
          }
          Quote quote = quote(symbol, round, t);
          producer.send(new ProducerRecord<>(Topics.QUOTES, null, t.toEpochMilli(), key, serdes.value(Quote.class).serializer().serialize(Topics.QUOTES, quote)));
        }
      }
      producer.flush();
    }
    log.info("backlog of {} records written", records);
  }

  static Trade trade(String symbol, long i, Instant t) {
    return Trade.newBuilder()
        .setVenue(VENUE)
        .setSymbol(symbol)
        .setTradeId(Long.toString(i))
        .setSide(i % 3 == 0 ? Side.SELL : Side.BUY)
        .setPrice(Decimals.of(BigDecimal.valueOf(60_000_00 + (i % 200) - 100, 2)))
        .setSize(Decimals.of(BigDecimal.valueOf(1 + i % 50, 3)))
        .setMarketTrade(true)
        .setChannel("aggTrade")
        .setFirstTradeId(i)
        .setLastTradeId(i)
        .setEventTime(t)
        .setTransactTime(t)
        .setReceiveTime(t)
        .build();
  }

  static Quote quote(String symbol, long i, Instant t) {
    long tick = (i / 7) % 20;
    return Quote.newBuilder()
        .setVenue(VENUE)
        .setSymbol(symbol)
        .setUpdateId(i + 1)
        .setBidPrice(Decimals.of(BigDecimal.valueOf(60_000_00 + tick, 2)))
        .setBidSize(Decimals.of(BigDecimal.valueOf(1 + i % 90, 3)))
        .setAskPrice(Decimals.of(BigDecimal.valueOf(60_000_10 + tick, 2)))
        .setAskSize(Decimals.of(BigDecimal.valueOf(1 + (i * 7) % 90, 3)))
        .setEventTime(t)
        .setTransactTime(t)
        .setReceiveTime(t)
        .build();
  }

  private Topology passThrough() {
    StreamsBuilder b = new StreamsBuilder();
    b.stream(Topics.TRADES, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("pt-trades-source"))
        .to("bench.passthrough.trades", Produced.with(Serdes.String(), Serdes.ByteArray()).withName("pt-trades-sink"));
    b.stream(Topics.QUOTES, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("pt-quotes-source"))
        .to("bench.passthrough.quotes", Produced.with(Serdes.String(), Serdes.ByteArray()).withName("pt-quotes-sink"));
    return b.build();
  }

  private Topology full(String guarantee) {
    return TopologyFactory.build(new AppConfig(appSettings(guarantee, "unused")), serdes());
  }

  private Map<String, Object> appSettings(String guarantee, String appId) {
    Map<String, Object> s = new HashMap<>(serdeConfig());
    s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    s.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    s.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve(appId).toString());
    s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    s.put(AppConfig.HTTP_PORT_CONFIG, "0");
    s.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return s;
  }

  /** Runs the topology from the start of the backlog until it committed all of it; records/s. */
  private double drain(Topology topology, String guarantee, long records) throws Exception {
    String appId = "bench-" + (run++) + "-" + guarantee;
    Properties props = new AppConfig(appSettings(guarantee, appId)).streamsProperties();
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      long start = System.nanoTime();
      streams.start();
      awaitCommitted(appId, Duration.ofMinutes(15));
      double secs = (System.nanoTime() - start) / 1e9;
      double rate = records / secs;
      log.info("{} {}: {} records in {} s = {} records/s", appId, guarantee, records, secs, rate);
      streams.close(Duration.ofSeconds(60));
      return rate;
    }
  }

  private void awaitCommitted(String group, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String t : List.of(Topics.TRADES, Topics.QUOTES)) {
        for (int p = 0; p < 6; p++) {
          latest.put(new TopicPartition(t, p), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean done = ends.entrySet().stream().allMatch(e -> {
          OffsetAndMetadata c = committed.get(e.getKey());
          return e.getValue() == 0 || (c != null && c.offset() >= e.getValue());
        });
        if (done) {
          return;
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(group + " did not drain the backlog in " + timeout);
  }

  /**
   * Live-like run at {@code rate} records/s for {@code duration}: event time = send time. For each
   * closed 1-second OFI window, latency = its record's arrival at a read_committed consumer minus
   * the send time of the first record of its partition whose event time passed the window's end
   * plus the OFI grace (the record that closed it). Returns {p50, p99, samples}.
   */
  private double[] latency(double rate, Duration duration) throws Exception {
    String appId = "bench-latency";
    Map<String, Object> settings = appSettings(StreamsConfig.EXACTLY_ONCE_V2, appId);
    settings.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
    AppConfig config = new AppConfig(settings);
    long graceMs = config.ofiGrace().toMillis();
    SerdeFactory serdes = serdes();
    // Per partition: send times and event times of every record, in send order.
    Map<Integer, List<long[]>> sent = new ConcurrentHashMap<>();
    List<long[]> seen = new ArrayList<>(); // {partition, windowEndMs, visibleNanos}
    try (KafkaStreams streams = new KafkaStreams(TopologyFactory.build(config, serdes), config.streamsProperties())) {
      streams.start();
      while (streams.state() != KafkaStreams.State.RUNNING) {
        Thread.sleep(50);
      }
      Properties cp = new Properties();
      cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-reader");
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      Thread reader;
      long stopAt = System.nanoTime() + duration.toNanos();
      long epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(Topics.OFI));
        while (consumer.assignment().isEmpty()) {
          consumer.poll(Duration.ofMillis(100));
        }
        reader = null;
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
          long intervalNanos = (long) (1e9 / rate);
          long next = System.nanoTime();
          long i = 1_000_000;
          while (System.nanoTime() < stopAt + TimeUnit.SECONDS.toNanos(3)) {
            long now = System.nanoTime();
            if (now >= next && now < stopAt) {
              String symbol = SYMBOLS.get((int) (i % SYMBOLS.size()));
              String key = VENUE + ":" + symbol;
              long sendNanos = System.nanoTime();
              Instant t = Instant.ofEpochMilli((sendNanos + epochOffsetNanos) / 1_000_000L);
              boolean isTrade = i % 2 == 0;
              byte[] value =
                  isTrade
                      ? serdes.value(Trade.class).serializer().serialize(Topics.TRADES, trade(symbol, i, t))
                      : serdes.value(Quote.class).serializer().serialize(Topics.QUOTES, quote(symbol, i, t));
              int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 6;
              producer.send(new ProducerRecord<>(isTrade ? Topics.TRADES : Topics.QUOTES, partition, t.toEpochMilli(), key, value));
              sent.computeIfAbsent(partition, k -> new ArrayList<>()).add(new long[] {sendNanos, t.toEpochMilli()});
              i++;
              next += intervalNanos;
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ZERO)) {
              Ofi o = serdes.value(Ofi.class).deserializer().deserialize(Topics.OFI, r.value());
              if ("1s".equals(o.getWindow())) {
                int partition = Utils.toPositive(Utils.murmur2(r.key().getBytes(StandardCharsets.UTF_8))) % 6;
                seen.add(new long[] {partition, o.getWindowEnd().toEpochMilli(), System.nanoTime()});
              }
            }
          }
        }
      }
      streams.close(Duration.ofSeconds(60));
    }
    List<Double> ms = new ArrayList<>();
    for (long[] s : seen) {
      List<long[]> part = sent.get((int) s[0]);
      if (part == null) {
        continue;
      }
      for (long[] rec : part) {
        if (rec[1] >= s[1] + graceMs) {
          if (s[2] >= rec[0]) {
            ms.add((s[2] - rec[0]) / 1e6);
          }
          break;
        }
      }
    }
    double[] arr = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (arr.length == 0) {
      throw new IllegalStateException("no OFI window closed during the latency run");
    }
    return new double[] {percentile(arr, 0.50), percentile(arr, 0.99), arr.length};
  }

  static double percentile(double[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private static final Pattern PERCENTILES = Pattern.compile("99th = (\\d+)");

  /** Kafka's own tool, in a child JVM (it exits the JVM), on the same broker; its p99 in ms. */
  private double endToEndLatencyP99() throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic("bench.e2e", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    List<String> cmd =
        new ArrayList<>(
            Arrays.asList(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "org.apache.kafka.tools.EndToEndLatency",
                "--bootstrap-server", kafka.bootstrapServers(),
                "--topic", "bench.e2e",
                "--num-records", "5000",
                "--producer-acks", "all",
                "--record-size", "200"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.append(line).append('\n');
      }
    }
    p.waitFor(5, TimeUnit.MINUTES);
    Matcher m = PERCENTILES.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("EndToEndLatency printed no percentiles:\n" + out);
    }
    return Double.parseDouble(m.group(1));
  }
}
