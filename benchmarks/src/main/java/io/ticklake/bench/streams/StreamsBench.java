package io.ticklake.bench.streams;

import io.ticklake.producers.core.VenueRuntime;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.topic.TopicSpec;
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
import java.util.Collections;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
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
 * docs/benchmarks.md has the command. Prints one line per figure.
 */
public final class StreamsBench {
  private static final Logger log = LoggerFactory.getLogger(StreamsBench.class);
  static final String VENUE = "binance-usdm";
  static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT", "BNBUSDT", "XRPUSDT", "ADAUSDT", "SOLUSDT");
  /** Event-time spacing of the backlog: 50 ms per symbol and topic, so windows close as in a market. */
  static final long STEP_MS = 50;
  /**
   * Windows ending in the first seconds of the latency run (this, or a third of a run shorter than
   * three times this) are not counted: the app has just started (new tasks, first window scans,
   * code paths not yet compiled at this rate).
   */
  static final Duration WARM_UP = Duration.ofSeconds(5);
  /** System properties under this prefix are Streams settings for every side of the run. */
  static final String SETTING_PREFIX = "bench.streams.";

  private final EmbeddedKafka kafka;
  private final RegistryServer registry;
  private final Path stateRoot;
  private int run;

  StreamsBench(EmbeddedKafka kafka, RegistryServer registry, Path stateRoot) {
    this.kafka = kafka;
    this.registry = registry;
    this.stateRoot = stateRoot;
  }

  /**
   * The figures of one run: per-round rates (records/s) of each side, in round order, and the
   * latency phase. Ratios are medians of the per-round ratios, so a load spike on this shared
   * machine moves one round, not the figure.
   */
  public record Result(
      long records,
      double[] passThroughEos,
      double[] fullEos,
      double[] fullAlos,
      double latencyRate,
      double latencyP50Ms,
      double latencyP99Ms,
      long latencySamples,
      double e2eP50Ms,
      double e2eP99Ms,
      long commitIntervalMs) {

    int rounds() {
      return fullEos.length;
    }

    double[] ratiosVsPassThrough() {
      return ratios(fullEos, passThroughEos);
    }

    double[] ratiosEosVsAlos() {
      return ratios(fullEos, fullAlos);
    }

    double ratioVsPassThrough() {
      return median(ratiosVsPassThrough());
    }

    double ratioEosVsAlos() {
      return median(ratiosEosVsAlos());
    }

    double latencyBudgetMs() {
      return 10 * e2eP99Ms + commitIntervalMs;
    }

    private static double[] ratios(double[] a, double[] b) {
      double[] r = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = a[i] / b[i];
      }
      return r;
    }

    private static String list(double[] v, String format) {
      StringBuilder b = new StringBuilder();
      for (double x : v) {
        b.append(b.length() == 0 ? "" : " ").append(String.format(format, x));
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return String.format(
          "records=%d rounds=%d commit.interval.ms=%d (all sides)%n"
              + "pass-through (exactly_once_v2)  median %,.0f records/s  [%s]%n"
              + "full topology (exactly_once_v2) median %,.0f records/s  [%s]%n"
              + "full topology (at_least_once)   median %,.0f records/s  [%s]%n"
              + "full EOS / pass-through EOS: median %.3f [%s] (target >= 0.35)%n"
              + "full EOS / full ALOS:        median %.3f [%s] (target >= 0.90)%n"
              + "latency at %,.0f records/s: p50 %.1f ms, p99 %.1f ms over %d windows;"
              + " EndToEndLatency p50 %.1f ms, p99 %.1f ms; budget 10 x p99 + commit interval %d ms = %.1f ms (%s)%n",
          records,
          rounds(),
          commitIntervalMs,
          median(passThroughEos),
          list(passThroughEos, "%.0f"),
          median(fullEos),
          list(fullEos, "%.0f"),
          median(fullAlos),
          list(fullAlos, "%.0f"),
          ratioVsPassThrough(),
          list(ratiosVsPassThrough(), "%.3f"),
          ratioEosVsAlos(),
          list(ratiosEosVsAlos(), "%.3f"),
          latencyRate,
          latencyP50Ms,
          latencyP99Ms,
          latencySamples,
          e2eP50Ms,
          e2eP99Ms,
          commitIntervalMs,
          latencyBudgetMs(),
          latencyP99Ms <= latencyBudgetMs() ? "within" : "OVER");
    }
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  public static void main(String[] args) throws Exception {
    long records = args.length > 0 ? Long.parseLong(args[0]) : 600_000;
    int latencySeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.print(measure(records, latencySeconds, rounds));
  }

  /** Starts a broker and a registry, measures, stops them. */
  public static Result measure(long records, int latencySeconds, int rounds) throws Exception {
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
        return new StreamsBench(kafka, registry, state).run(records, latencySeconds, rounds);
      } finally {
        registry.close();
      }
    } finally {
      Utils.delete(state.toFile());
    }
  }

  /** The three sides of a round; their order rotates from round to round. */
  private enum Contender {
    PASS_THROUGH,
    FULL_EOS,
    FULL_ALOS
  }

  Result run(long records, int latencySeconds, int rounds) throws Exception {
    try (Admin admin = kafka.admin()) {
      List<NewTopic> topics = new ArrayList<>();
      // The backlog's timestamps are of 2024 and it is drained once per side and round: with the
      // catalogue's time retention the broker deleted it between runs, and a fresh group then
      // started at the end and saw nothing to do. Kept for the whole run instead.
      Map<String, String> keep = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1");
      Topics.all(List.of(VENUE))
          .forEach(
              t -> {
                Map<String, String> configs = new HashMap<>(t.configs());
                configs.putAll(keep);
                topics.add(new NewTopic(t.name(), t.partitions(), (short) 1).configs(configs));
              });
      topics.add(new NewTopic("bench.passthrough.trades", 6, (short) 1));
      topics.add(new NewTopic("bench.passthrough.quotes", 6, (short) 1));
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
    Instant t0 = Instant.parse("2024-08-08T00:00:00Z");
    fill(records, t0);
    double[] pass = new double[rounds];
    double[] eos = new double[rounds];
    double[] alos = new double[rounds];
    Contender[] sides = Contender.values();
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < sides.length; k++) {
        Contender side = sides[(round + k) % sides.length];
        truncateOutputs();
        switch (side) {
          case PASS_THROUGH -> pass[round] = drain(passThrough(), StreamsConfig.EXACTLY_ONCE_V2, records);
          case FULL_EOS -> eos[round] = drain(full(StreamsConfig.EXACTLY_ONCE_V2), StreamsConfig.EXACTLY_ONCE_V2, records);
          case FULL_ALOS -> alos[round] = drain(full(StreamsConfig.AT_LEAST_ONCE), StreamsConfig.AT_LEAST_ONCE, records);
        }
      }
      log.info(
          "round {}: pass-through {}, full EOS {}, full ALOS {} records/s",
          round, (long) pass[round], (long) eos[round], (long) alos[round]);
    }
    long commitMs = commitIntervalMs();
    double[] e2e = endToEndLatency();
    double latencyRate = median(eos) / 2;
    double[] lat = latency(latencyRate, Duration.ofSeconds(latencySeconds));
    return new Result(records, pass, eos, alos, latencyRate, lat[0], lat[1], (long) lat[2], e2e[0], e2e[1], commitMs);
  }

  /**
   * Empties every topic but the two inputs before a side starts. The full topology reads some of
   * its own output back (1-minute candles for the rollups, OFI and CVD for the features): without
   * this a later side would also read every earlier side's output, from the start, and do more
   * work than the first for the same backlog.
   */
  private void truncateOutputs() throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicSpec t : Topics.all(List.of(VENUE))) {
        if (t.name().equals(Topics.TRADES) || t.name().equals(Topics.QUOTES)
            || t.cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
          continue; // the inputs stay; a compacted topic cannot be truncated (and none is read back)
        }
        for (int p = 0; p < t.partitions(); p++) {
          latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
        }
      }
      Map<TopicPartition, RecordsToDelete> before = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> {
            if (info.offset() > 0) {
              before.put(tp, RecordsToDelete.beforeOffset(info.offset()));
            }
          });
      admin.deleteRecords(before).all().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The commit interval every side runs with: the app's under exactly_once_v2. The at_least_once
   * side gets the same, not Kafka Streams' 30 s default for it: the drain is timed by committed
   * offsets, and a side that commits 300 times less often would be compared on when it last
   * committed rather than on how fast it processes.
   */
  private long commitIntervalMs() {
    Properties p = new AppConfig(appSettings(StreamsConfig.EXACTLY_ONCE_V2, "unused")).streamsProperties();
    return new StreamsConfig(p).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
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
    // -Dbench.streams.<streams setting>=<value> applies to every side alike, e.g. num.stream.threads.
    System.getProperties().stringPropertyNames().stream()
        .filter(k -> k.startsWith(SETTING_PREFIX))
        .forEach(k -> s.put(k.substring(SETTING_PREFIX.length()), System.getProperty(k)));
    return s;
  }

  /**
   * Runs the topology from the start of the backlog until it committed all of it; records/s over
   * the timed section only: from the first commit that shows progress to the commit of the last
   * input offset, counting the records committed in between. Start-up, the first rebalance and
   * task creation are outside it. Every side runs with the same settings (the app's, see {@link
   * #commitIntervalMs}); each run is a fresh application id, state directory and consumer group.
   */
  private double drain(Topology topology, String guarantee, long records) throws Exception {
    String appId = "bench-" + (run++) + "-" + guarantee;
    Map<String, Object> settings = appSettings(guarantee, appId);
    settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs());
    Properties props = new AppConfig(settings).streamsProperties();
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      AtomicLong runningNanos = new AtomicLong(-1);
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
              runningNanos.compareAndSet(-1, System.nanoTime());
            }
          });
      streams.start();
      long[] timed = awaitCommitted(appId, Duration.ofMinutes(15));
      if (timed[1] >= timed[3]) {
        // A backlog drained within one commit (the CI smoke): time it from RUNNING instead, which
        // includes up to one commit interval; such a figure means little, and says so.
        log.warn("{}: the whole backlog was committed at once; timed from RUNNING, use a larger backlog", appId);
        timed[0] = runningNanos.get() > 0 ? runningNanos.get() : timed[0];
        timed[1] = 0;
      } // {firstNanos, firstCount, lastNanos, total}
      double secs = (timed[2] - timed[0]) / 1e9;
      long counted = timed[3] - timed[1];
      if (counted < records / 2) {
        log.warn("{}: only {} of {} records fell in the timed section; use a larger backlog", appId, counted, records);
      }
      double rate = counted / secs;
      log.info("{} {}: {} records in {} s = {} records/s", appId, guarantee, counted, secs, (long) rate);
      streams.close(Duration.ofSeconds(60));
      streams.cleanUp();
      return rate;
    }
  }

  /**
   * Polls the group's committed offsets on the input topics until they reach the end offsets.
   * Returns {nanos, committed records} at the first poll that saw any progress, then at the end
   * (the two coincide when one commit covered the whole backlog).
   */
  private long[] awaitCommitted(String group, Duration timeout) throws Exception {
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
      long total = ends.values().stream().mapToLong(Long::longValue).sum();
      long firstNanos = -1;
      long firstCount = 0;
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
          // Bounded: an offset fetch for a just-created group was seen to hang on the embedded
          // broker; a late answer only makes the timed section shorter, never wrong.
          committed =
              admin.listConsumerGroupOffsets(group, new ListConsumerGroupOffsetsOptions().timeoutMs(2_000))
                  .partitionsToOffsetAndMetadata()
                  .get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          log.debug("{}: offset fetch failed, retrying: {}", group, e.toString());
          continue;
        }
        long now = System.nanoTime();
        long count = 0;
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
          OffsetAndMetadata c = committed.get(e.getKey());
          count += c == null ? 0 : Math.min(c.offset(), e.getValue());
        }
        if (firstNanos < 0 && count > 0) {
          firstNanos = now;
          firstCount = count;
          log.info("{}: first committed progress {} of {} records", group, count, total);
        }
        log.debug("{}: committed {} of {}", group, count, total);
        if (count >= total) {
          return new long[] {firstNanos, firstCount, now, total};
        }
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException(group + " did not drain the backlog in " + timeout);
  }

  /**
   * Live-like run at {@code rate} records/s for {@code duration}: event time = send time. For each
   * closed 1-second OFI window, latency = its record's arrival at a read_committed consumer minus
   * the send time of the first record of its partition whose event time passed the window's end
   * plus the OFI grace (the record that closed it). The app is started and RUNNING before the
   * first send; the sender parks between sends and the reader blocks in poll, so neither spins on
   * a core the app needs. Returns {p50, p99, samples}.
   */
  private double[] latency(double rate, Duration duration) throws Exception {
    String appId = "bench-latency";
    Map<String, Object> settings = appSettings(StreamsConfig.EXACTLY_ONCE_V2, appId);
    settings.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
    AppConfig config = new AppConfig(settings);
    long graceMs = config.ofiGrace().toMillis();
    SerdeFactory serdes = serdes();
    // Per partition: the send time of its first record of each event-time millisecond, indexed by
    // the millisecond since the first send (0 = none sent then). A list of every send held some
    // ten million objects at this rate, and the collector pauses for them landed in the figures.
    int slots = (int) (duration.toMillis() + 1_000);
    long[][] firstSendAt = new long[6][slots];
    long[] firstEventMs = new long[1];
    List<long[]> seen = Collections.synchronizedList(new ArrayList<>()); // {partition, windowEndMs, visibleNanos}
    try (KafkaStreams streams = new KafkaStreams(TopologyFactory.build(config, serdes), config.streamsProperties())) {
      streams.start();
      long runningBy = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (streams.state() != KafkaStreams.State.RUNNING) {
        if (System.nanoTime() > runningBy) {
          throw new IllegalStateException("the latency app did not reach RUNNING: " + streams.state());
        }
        Thread.sleep(50);
      }
      Properties cp = new Properties();
      cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency-reader");
      cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
      cp.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
      AtomicBoolean reading = new AtomicBoolean(true);
      CountDownLatch assigned = new CountDownLatch(1);
      AtomicReference<Exception> readerFailure = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try (KafkaConsumer<String, byte[]> consumer =
                    new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer())) {
                  consumer.subscribe(List.of(Topics.OFI));
                  while (reading.get()) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    if (!consumer.assignment().isEmpty()) {
                      assigned.countDown();
                    }
                    for (ConsumerRecord<String, byte[]> r : records) {
                      Ofi o = serdes.value(Ofi.class).deserializer().deserialize(Topics.OFI, r.value());
                      if ("1s".equals(o.getWindow())) {
                        seen.add(new long[] {partitionOf(r.key()), o.getWindowEnd().toEpochMilli(), now});
                      }
                    }
                  }
                } catch (Exception e) {
                  readerFailure.set(e);
                  assigned.countDown();
                }
              },
              "bench-latency-reader");
      reader.start();
      if (!assigned.await(2, TimeUnit.MINUTES) || readerFailure.get() != null) {
        throw new IllegalStateException("the latency reader got no assignment", readerFailure.get());
      }
      Properties pp = new Properties();
      pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      // As the collector sends (VenueRuntime): its linger and compression, idempotent, acks=all.
      pp.putAll(VenueRuntime.PRODUCER_DEFAULTS);
      pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      long epochOffsetNanos = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pp, new StringSerializer(), new ByteArraySerializer())) {
        long intervalNanos = (long) (1e9 / rate);
        long stopAt = System.nanoTime() + duration.toNanos();
        long next = System.nanoTime();
        long i = 1_000_000;
        // A venue numbers each symbol's trades consecutively: so does the sender, as the backlog does.
        Map<String, Long> tradeIds = new HashMap<>();
        firstEventMs[0] = (next + epochOffsetNanos) / 1_000_000L;
        while (next < stopAt) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
            continue;
          }
          String symbol = SYMBOLS.get((int) (i % SYMBOLS.size()));
          String key = VENUE + ":" + symbol;
          long sendNanos = System.nanoTime();
          Instant t = Instant.ofEpochMilli((sendNanos + epochOffsetNanos) / 1_000_000L);
          boolean isTrade = i % 2 == 0;
          byte[] value =
              isTrade
                  ? serdes.value(Trade.class).serializer().serialize(Topics.TRADES, trade(symbol, tradeIds.merge(symbol, 1L, Long::sum), t))
                  : serdes.value(Quote.class).serializer().serialize(Topics.QUOTES, quote(symbol, i, t));
          int partition = partitionOf(key);
          producer.send(new ProducerRecord<>(isTrade ? Topics.TRADES : Topics.QUOTES, partition, t.toEpochMilli(), key, value));
          int slot = (int) (t.toEpochMilli() - firstEventMs[0]);
          if (slot >= 0 && slot < slots && firstSendAt[partition][slot] == 0) {
            firstSendAt[partition][slot] = sendNanos;
          }
          i++;
          next += intervalNanos;
        }
        producer.flush();
      }
      // Windows closed by the last sends are still on their way: give them the grace plus commit.
      Thread.sleep(graceMs + 3_000);
      reading.set(false);
      reader.join(10_000);
      streams.close(Duration.ofSeconds(60));
      streams.cleanUp();
    }
    List<Double> ms = new ArrayList<>();
    List<String> worst = new ArrayList<>();
    // The warm-up is 5 s, or a third of a shorter run (the CI smoke runs 5 s).
    Duration warmUp = duration.compareTo(WARM_UP.multipliedBy(3)) >= 0 ? WARM_UP : duration.dividedBy(3);
    long warmedUpMs = firstEventMs[0] + warmUp.toMillis();
    synchronized (seen) {
      for (long[] s : seen) {
        if (s[1] < warmedUpMs) {
          continue;
        }
        long[] part = firstSendAt[(int) s[0]];
        // The record that closed the window: the partition's first with event time >= end + grace.
        for (int slot = (int) Math.max(0, s[1] + graceMs - firstEventMs[0]); slot < slots; slot++) {
          long sendNanos = part[slot];
          if (sendNanos != 0) {
            if (s[2] >= sendNanos) {
              double latencyMs = (s[2] - sendNanos) / 1e6;
              ms.add(latencyMs);
              worst.add(String.format("%.1f ms (partition %d, window end +%d ms)", latencyMs, s[0], s[1] - firstEventMs[0]));
            }
            break;
          }
        }
      }
    }
    worst.sort(java.util.Comparator.comparingDouble((String w) -> Double.parseDouble(w.substring(0, w.indexOf(' ')))).reversed());
    log.info("latency: {} windows after a {} ms warm-up; slowest: {}", ms.size(), warmUp.toMillis(), worst.subList(0, Math.min(5, worst.size())));
    double[] arr = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (arr.length == 0) {
      throw new IllegalStateException("no OFI window closed during the latency run");
    }
    return new double[] {percentile(arr, 0.50), percentile(arr, 0.99), arr.length};
  }

  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 6;
  }

  static double percentile(double[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private static final Pattern PERCENTILES = Pattern.compile("50th = (\\d+(?:\\.\\d+)?), 99th = (\\d+(?:\\.\\d+)?)");

  /** Kafka's own tool, in a child JVM (it exits the JVM), on the same broker; {p50, p99} in ms. */
  private double[] endToEndLatency() throws Exception {
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
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }
}
