package io.ticklake.bench.producer;

import io.ticklake.producers.binance.BinanceUsdmVenue;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.CollectorMetrics;
import io.ticklake.producers.core.VenueRuntime;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.binance.BinanceMessageParser;
import io.ticklake.producers.binance.BinanceUsdmCaptureLoop;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Ingest: real frames through the real collector ({@link BinanceUsdmCollector#create}: parse,
 * order-book sync, Avro wire format, idempotent {@code acks=all} producers, raw topic and
 * normalized topics) to a local broker, in records acknowledged per second, against Kafka's own
 * {@code ProducerPerformance} on the same broker, at the same mean record size and with the same
 * producer settings. Each side runs in its own JVM ({@code -Xmx1g}), alternately, for several
 * rounds after one unreported warm-up round; the figure is the median of the per-round ratios.
 */
public final class IngestHarness {
  static final String CHILD = "--collector-child";
  static final String PERF_TOPIC = "bench.producer-performance";
  /**
   * The collector's producer settings, which ProducerPerformance gets too; except compression, off
   * on both sides: its random payload barely compresses while frames do, which would flatter us.
   */
  static final List<String> PRODUCER_PROPS = List.of("acks=all", "enable.idempotence=true", "linger.ms=20", "compression.type=none");

  private static final Pattern RATE = Pattern.compile("([0-9.]+) records/sec");

  /** One round's figures. */
  public record Round(long records, double recordsPerSec, long perfRecords, double perfRecordsPerSec, int recordSize) {
    public double ratio() {
      return recordsPerSec / perfRecordsPerSec;
    }
  }

  /** The rounds and their median ratio. */
  public record Report(List<Round> rounds) {
    public double medianRatio() {
      return Stats.median(rounds.stream().mapToDouble(Round::ratio).toArray());
    }

    public double medianRecordsPerSec() {
      return Stats.median(rounds.stream().mapToDouble(Round::recordsPerSec).toArray());
    }

    public double medianPerfRecordsPerSec() {
      return Stats.median(rounds.stream().mapToDouble(Round::perfRecordsPerSec).toArray());
    }
  }

  private IngestHarness() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(CHILD)) {
      child(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
      return;
    }
    int frames = 200_000;
    int rounds = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--frames" -> frames = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Report report = run(frames, rounds, Path.of(System.getProperty("java.io.tmpdir")));
    print(report);
  }

  static void print(Report r) {
    for (Round round : r.rounds()) {
      System.out.printf("ingest round: collector %d records at %.0f rec/s; ProducerPerformance %d records of %d B at %.0f rec/s; ratio %.3f%n",
          round.records(), round.recordsPerSec(), round.perfRecords(), round.recordSize(), round.perfRecordsPerSec(), round.ratio());
    }
    System.out.printf("ingest: median %.0f rec/s vs ProducerPerformance %.0f rec/s -> ratio %.3f (target >= 0.40)%n",
        r.medianRecordsPerSec(), r.medianPerfRecordsPerSec(), r.medianRatio());
  }

  /** Starts a broker and registry, then alternates ProducerPerformance and the collector. */
  public static Report run(int frames, int rounds, Path workDir) throws Exception {
    try (LocalBroker broker = LocalBroker.start()) {
      createTopics(broker);
      List<Round> out = new ArrayList<>();
      // Round -1 warms the broker (its JIT, its log segments) for both sides and is not reported.
      for (int r = -1; r < rounds; r++) {
        List<String> ours = runChild(workDir, List.of(CHILD, broker.bootstrapServers(), broker.registryUrl(),
            Integer.toString(frames), Integer.toString(frames / 4)));
        long records = Long.parseLong(ChildJvm.field(ours, "INGEST", "records"));
        double rate = Double.parseDouble(ChildJvm.field(ours, "INGEST", "rate"));
        int size = (int) Math.round(Double.parseDouble(ChildJvm.field(ours, "INGEST", "meanValueBytes")));
        long warmup = records / 4;
        List<String> perf = new ArrayList<>(List.of("--topic", PERF_TOPIC, "--num-records", Long.toString(records + warmup),
            "--warmup-records", Long.toString(warmup), "--record-size", Integer.toString(size), "--throughput", "-1",
            "--producer-props", "bootstrap.servers=" + broker.bootstrapServers()));
        perf.addAll(PRODUCER_PROPS);
        double perfRate = perfRate(runMain(workDir, "org.apache.kafka.tools.ProducerPerformance", perf));
        if (r >= 0) {
          out.add(new Round(records, rate, records, perfRate, size));
        }
      }
      return new Report(out);
    }
  }

  static double perfRate(List<String> lines) {
    String pick = null;
    for (String line : lines) {
      if (line.contains("steady state") && line.contains("records/sec")) {
        pick = line;
      } else if (pick == null && line.contains("records sent") && line.contains("records/sec")) {
        pick = line;
      }
    }
    if (pick == null) {
      throw new IllegalStateException("ProducerPerformance printed no rate: " + lines);
    }
    Matcher m = RATE.matcher(pick);
    if (!m.find()) {
      throw new IllegalStateException("no records/sec in: " + pick);
    }
    return Double.parseDouble(m.group(1));
  }

  private static List<String> runChild(Path workDir, List<String> args) throws Exception {
    return runMain(workDir, IngestHarness.class.getName(), args);
  }

  private static List<String> runMain(Path workDir, String main, List<String> args) throws Exception {
    Path log = Files.createTempFile(workDir, "ingest-child-", ".log");
    try (ChildJvm child = ChildJvm.start(List.of("-Xmx1g"), main, args, log)) {
      return child.await();
    }
  }

  static void createTopics(LocalBroker broker) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (TopicSpec s : Topics.all(List.of(BinanceMessageParser.VENUE))) {
      topics.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.configs()));
    }
    topics.add(new NewTopic(PERF_TOPIC, 6, (short) 1));
    try (Admin admin = broker.kafka().admin()) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * The measured side, in its own JVM: {@code warmup} frames through a first collector (JIT), then
   * {@code frames} through a fresh one, from the first frame handed over until every record is
   * acknowledged (close flushes).
   */
  static void child(String bootstrap, String registryUrl, int frames, int warmup) throws Exception {
    List<CaptureFile.Entry> entries = frames(Math.max(frames, warmup));
    String snapshot = resource(ProducerFrames.SNAPSHOTS).strip();
    CollectorConfig config = new CollectorConfig(new BinanceUsdmVenue(), Map.of(
        CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl,
        CollectorConfig.SYMBOLS_CONFIG, "BTCUSDT",
        CollectorConfig.CHANNELS_CONFIG, "trade,depth@0ms,bookTicker",
        // The same frames are fed twice (warm-up, then timed): each feed must write all of them.
        CollectorConfig.RESTART_TAIL_RECORDS_CONFIG, "0",
        "producer.compression.type", "none"));
    double meanValueBytes = meanValueBytes(entries.subList(0, frames), registryUrl);
    feed(config, snapshot, entries.subList(0, warmup));
    long t0 = System.nanoTime();
    CollectorMetrics m = feed(config, snapshot, entries.subList(0, frames));
    double seconds = (System.nanoTime() - t0) / 1e9;
    long records = m.rawProduced().get();
    long errors = m.rawErrors().get();
    for (Map<String, Long> c : m.snapshot().values()) {
      records += c.get("produced");
      errors += c.get("produceErrors") + c.get("deadLettered");
    }
    if (errors != 0) {
      throw new IllegalStateException("ingest had " + errors + " errors or dead letters: " + m);
    }
    System.out.printf("INGEST records=%d seconds=%.3f rate=%.1f meanValueBytes=%.1f frames=%d%n",
        records, seconds, records / seconds, meanValueBytes, frames);
  }

  private static CollectorMetrics feed(CollectorConfig config, String snapshot, List<CaptureFile.Entry> entries) {
    BinanceMessageParser parser = new BinanceMessageParser();
    // The REST answer arrives on another thread, after the request, as it does from the venue.
    BookRules.SnapshotFetcher recorded = new BookRules.SnapshotFetcher() {
      @Override
      public CompletableFuture<BookDelta> fetch(String symbol) {
        return CompletableFuture.supplyAsync(() -> {
          try {
            return parser.parseDepthSnapshot(symbol, snapshot, Instant.now());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      }

      @Override
      public CompletableFuture<String> fetchBody(String symbol) {
        return CompletableFuture.completedFuture(snapshot);
      }
    };
    // The venue's own book rules, the snapshot answered from the recording instead of over HTTP.
    BookRules books;
    try (BudgetedRestClient unused = new BudgetedRestClient("bench", java.net.URI.create("http://127.0.0.1:9"),
        config.venue().restLimits(config), Clock.systemUTC())) {
      BookRules venueRules = config.venue().books(config, unused, Clock.systemUTC()).orElseThrow();
      books = venueRules.withFetcher(recorded);
    }
    VenueRuntime collector = VenueRuntime.create(config, books, Clock.systemUTC());
    for (CaptureFile.Entry e : entries) {
      collector.onFrame(e.frame(), Instant.now());
    }
    collector.close(); // flushes both producers: every record is acknowledged (or counted as failed)
    return collector.metrics();
  }

  /** The capture looped (ids and times shifted) to {@code n} frames, rendered up front. */
  static List<CaptureFile.Entry> frames(int n) {
    List<CaptureFile.Entry> capture = ProducerFrames.capture();
    BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(capture, List.of("BTCUSDT"),
        Duration.ofSeconds(13L * (n / capture.size() + 1)));
    return new ArrayList<>(loop.subList(0, n));
  }

  /** Mean value size of the records the collector writes for these frames: raw frame or Avro record. */
  private static double meanValueBytes(List<CaptureFile.Entry> entries, String registryUrl) throws Exception {
    BinanceMessageParser parser = new BinanceMessageParser();
    AvroWireSerializer<SpecificRecord> serializer = new AvroWireSerializer<>();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    long bytes = 0;
    long records = 0;
    for (CaptureFile.Entry e : entries) {
      bytes += e.frame().getBytes(StandardCharsets.UTF_8).length;
      records++;
      SpecificRecord r = parser.parse(e.frame(), e.receiveTime()).record();
      if (r != null && !(r instanceof BookDelta d && d.getFirstUpdateId() == null)) {
        bytes += serializer.serialize(DecodeBenchmark.topicOf(r), r).length;
        records++;
      }
    }
    return (double) bytes / records;
  }

  static String resource(String name) throws IOException {
    try (InputStream in = IngestHarness.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
