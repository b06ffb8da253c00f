package io.ticklake.bench.producer;

import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.CollectorMetrics;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import io.ticklake.producers.core.VenueRuntime;
import io.ticklake.producers.rest.BudgetedRestClient;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.Simulation;
import io.ticklake.producers.sim.VenueProfile;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Ingest: a venue's real frames through the real collector runtime ({@link VenueRuntime#create}:
 * parse, order-book sync, Avro wire format, idempotent {@code acks=all} producers, raw topic and
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

  /** The warm-up ends after this many chunks in a row with the JIT compiling under {@link #QUIET_JIT_SHARE} of their time. */
  static final int QUIET_CHUNKS = 5;
  static final double QUIET_JIT_SHARE = 0.05;
  static final int MAX_WARMUP_FACTOR = 20;

  /**
   * Every topic keeps at most its last 128 MB per partition, in 32 MB segments, whatever the
   * catalogue says: the warm-ups write gigabytes, and a log growing round after round made the
   * later rounds (and whichever side ran later in a round) slower, not the code they measure.
   */
  static final Map<String, String> BOUNDED_LOG = Map.of(
      "retention.bytes", Long.toString(128L << 20), "segment.bytes", Long.toString(32L << 20),
      "retention.ms", "-1", "cleanup.policy", "delete");

  private static final Pattern RATE = Pattern.compile("([0-9.]+) records/sec");

  /** One round's figures. */
  public record Round(long records, double recordsPerSec, long perfRecords, double perfRecordsPerSec, int recordSize) {
    public double ratio() {
      return recordsPerSec / perfRecordsPerSec;
    }
  }

  /** One venue's rounds and their median ratio. */
  public record Report(String venue, List<Round> rounds) {
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

  /** {@code [--venue ID] [--frames N] [--rounds N]}: every venue of {@link ProducerFrames#VENUES} unless one is named. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals(CHILD)) {
      child(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      return;
    }
    int frames = 200_000;
    int rounds = 3;
    List<String> venues = ProducerFrames.VENUES;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--frames" -> frames = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--venue" -> venues = List.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    for (String venue : venues) {
      print(run(venue, frames, rounds, Path.of(System.getProperty("java.io.tmpdir"))));
    }
  }

  static void print(Report r) {
    for (Round round : r.rounds()) {
      System.out.printf("ingest round %s: collector %d records at %.0f rec/s; ProducerPerformance %d records of %d B at %.0f rec/s; ratio %.3f%n",
          r.venue(), round.records(), round.recordsPerSec(), round.perfRecords(), round.recordSize(), round.perfRecordsPerSec(),
          round.ratio());
    }
    System.out.printf("ingest %s: median %.0f rec/s vs ProducerPerformance %.0f rec/s -> ratio %.3f (target >= 0.40)%n",
        r.venue(), r.medianRecordsPerSec(), r.medianPerfRecordsPerSec(), r.medianRatio());
  }

  /** Starts a broker and registry, then alternates ProducerPerformance and the collector of {@code venue}. */
  public static Report run(String venue, int frames, int rounds, Path workDir) throws Exception {
    try (LocalBroker broker = LocalBroker.start(Map.of("log.retention.check.interval.ms", "2000"))) {
      createTopics(broker, venue);
      List<Round> out = new ArrayList<>();
      // Round -1 warms the broker (its JIT, its log segments) for both sides and is not reported.
      for (int r = -1; r < rounds; r++) {
        List<String> ours = runChild(workDir, List.of(CHILD, venue, broker.bootstrapServers(), broker.registryUrl(),
            Integer.toString(frames), Integer.toString(frames)));
        ours.stream().filter(l -> l.startsWith("INGEST")).forEach(l -> System.out.println("  " + l));
        long records = Long.parseLong(ChildJvm.field(ours, "INGEST", "records"));
        double rate = Double.parseDouble(ChildJvm.field(ours, "INGEST", "rate"));
        int size = (int) Math.round(Double.parseDouble(ChildJvm.field(ours, "INGEST", "meanValueBytes")));
        long warmup = records; // as the collector's: as many records as it measures
        List<String> perf = new ArrayList<>(List.of("--topic", PERF_TOPIC, "--num-records", Long.toString(records + warmup),
            "--warmup-records", Long.toString(warmup), "--record-size", Integer.toString(size), "--throughput", "-1",
            "--producer-props", "bootstrap.servers=" + broker.bootstrapServers()));
        perf.addAll(PRODUCER_PROPS);
        double perfRate = perfRate(runMain(workDir, "org.apache.kafka.tools.ProducerPerformance", perf));
        if (r >= 0) {
          out.add(new Round(records, rate, records, perfRate, size));
        }
      }
      return new Report(venue, out);
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
    List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
    if (System.getenv("INGEST_JFR") != null && main.equals(IngestHarness.class.getName())) {
      jvm.add("-XX:StartFlightRecording=filename=" + System.getenv("INGEST_JFR") + ",settings=profile");
    }
    try (ChildJvm child = ChildJvm.start(jvm, main, args, log)) {
      return child.await();
    }
  }

  static void createTopics(LocalBroker broker, String venue) throws Exception {
    List<NewTopic> topics = new ArrayList<>();
    for (TopicSpec s : Topics.all(List.of(venue))) {
      Map<String, String> configs = new java.util.HashMap<>(s.configs());
      configs.putAll(BOUNDED_LOG);
      topics.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(configs));
    }
    topics.add(new NewTopic(PERF_TOPIC, 6, (short) 1).configs(BOUNDED_LOG));
    try (Admin admin = broker.kafka().admin()) {
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  /**
   * The measured side, in its own JVM, one collector runtime fed {@code venue}'s capture looped
   * (ids and times shifted). First a warm-up of at least {@code warmup} frames, in chunks of a
   * tenth, until the JIT has settled ({@value #QUIET_CHUNKS} chunks in a row during which compiling
   * took under 5 % of their time; at most {@value #MAX_WARMUP_FACTOR} times {@code warmup}), then a
   * flush; the figure is the next {@code frames}, made into strings beforehand, from the first
   * handed over until every record they made is acknowledged (close flushes). On two busy cores C2 was still compiling the Kafka client and our hot path most of
   * the way through a 200,000-frame run after a warm-up of a quarter of it, which measured the
   * JIT, not the rate a collector holds around the clock. Book snapshots a venue asks over REST are
   * answered from its recording by a local HTTP server, on another thread, as the venue would.
   */
  static void child(String venueId, String bootstrap, String registryUrl, int frames, int warmup) throws Exception {
    Venue venue = Venues.get(venueId);
    List<CaptureFile.Entry> capture = ProducerFrames.capture(venueId);
    Simulation simulation = venue.simulation();
    Simulation.Contents contents = simulation.scan(capture);
    List<CaptureFile.Entry> loop = simulation.loop(capture, null, Duration.ZERO, 0);

    try (RecordedRest rest = RecordedRest.start(venue.simulation().demoSnapshots())) {
      Map<String, Object> settings = new java.util.HashMap<>(contents.settings()); // what the capture was recorded with
      settings.putAll(Map.of(
          CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl,
          CollectorConfig.SYMBOLS_CONFIG, String.join(",", contents.symbols()),
          CollectorConfig.CHANNELS_CONFIG, String.join(",", contents.channels()),
          CollectorConfig.REST_URL_CONFIG, rest.url(),
          CollectorConfig.RESTART_TAIL_RECORDS_CONFIG, "0",
          "producer.compression.type", "none"));
      CollectorConfig config = new CollectorConfig(venue, settings);
      BudgetedRestClient restClient = new BudgetedRestClient(venue.id(), java.net.URI.create(config.restUrl()),
          venue.restLimits(config), Clock.systemUTC());
      BookRules books = venue.books(config, restClient, Clock.systemUTC()).orElse(null);
      // What the collector's connections get from the venue (its simulator): the answers to their
      // subscriptions, then each frame as the venue sends it (Kraken and OKX write a looped book's
      // checksums and seqIds from their own book) and what it owes them (snapshots, candles).
      // Worked out before each chunk is fed, never while timed.
      VenueSide venueSide = new VenueSide(simulation, venue.connections(config), config.symbols());
      // Measured first, so its parsing and serializing is compiled before the warm-up, not during the timed part.
      double meanValueBytes = meanValueBytes(venueId, loop.subList(0, frames), registryUrl);
      VenueRuntime collector = VenueRuntime.create(config, books, Clock.systemUTC(), restClient);
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      int fed = 0;
      int chunk = Math.max(1, warmup / 10);
      int quietChunks = 0;
      while (fed < warmup || (quietChunks < QUIET_CHUNKS && fed < MAX_WARMUP_FACTOR * warmup)) {
        long jitBefore = jit.getTotalCompilationTime();
        long t = System.nanoTime();
        List<CaptureFile.Entry> next = venueSide.play(loop.subList(fed, fed + chunk));
        feed(collector, next); // a list as the timed one: one profile
        fed += chunk;
        boolean quiet = jit.getTotalCompilationTime() - jitBefore < QUIET_JIT_SHARE * (System.nanoTime() - t) / 1e6;
        quietChunks = quiet ? quietChunks + 1 : 0;
      }
      boolean settled = quietChunks >= QUIET_CHUNKS;
      List<CaptureFile.Entry> timed = venueSide.play(loop.subList(fed, fed + frames));
      collector.flush();
      long warmRecords = acknowledged(collector.metrics());
      long jitBefore = jit.getTotalCompilationTime();
      long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      feed(collector, timed);
      double feedCpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
      collector.close(); // flushes both producers: every record is acknowledged (or counted as failed)
      double seconds = (System.nanoTime() - t0) / 1e9;
      long records = acknowledged(collector.metrics()) - warmRecords;
      if (collector.metrics().checksumsFailed() > 0) {
        throw new IllegalStateException("ingest of " + venueId + " failed " + collector.metrics().checksumsFailed()
            + " book checksums: the frames are not a valid feed, and the run would not measure the collector's path");
      }
      System.out.printf("INGEST records=%d seconds=%.3f rate=%.1f meanValueBytes=%.1f frames=%d warmupFrames=%d "
              + "jitSettled=%b jitMsWhileTimed=%d feedThreadCpuSeconds=%.3f checksumsVerified=%d%n",
          records, seconds, records / seconds, meanValueBytes, frames, fed, settled,
          jit.getTotalCompilationTime() - jitBefore, feedCpu, collector.metrics().checksumsVerified());
    }
  }

  /** The venue's side of the collector's connections: its simulator profile, one session per endpoint part. */
  static final class VenueSide {
    private final VenueProfile profile;
    private final List<VenueProfile.Session> sessions = new ArrayList<>();
    private final List<String> pending = new ArrayList<>();

    VenueSide(Simulation simulation, io.ticklake.producers.core.Connections connections, List<String> symbols) {
      this.profile = simulation.profile(simulation.demoSnapshots());
      for (io.ticklake.producers.core.Connections part : connections.parts()) {
        java.net.URI uri = part.uri(symbols);
        VenueProfile.Session session = profile.open(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        sessions.add(session);
        for (String frame : part.openFrames(symbols)) {
          pending.addAll(profile.onClientFrame(session, frame));
        }
      }
    }

    /** The frames the collector receives while the venue plays {@code recorded}. */
    List<CaptureFile.Entry> play(List<CaptureFile.Entry> recorded) {
      List<CaptureFile.Entry> out = new ArrayList<>(recorded.size() + pending.size());
      Instant first = recorded.isEmpty() ? null : recorded.get(0).receiveTime();
      pending.forEach(f -> out.add(new CaptureFile.Entry(first, f)));
      pending.clear();
      for (CaptureFile.Entry e : recorded) {
        String frame = profile.render(e.frame());
        String stream = profile.streamOf(frame);
        for (VenueProfile.Session s : sessions) {
          if (profile.wants(s, frame, stream)) {
            out.add(new CaptureFile.Entry(e.receiveTime(), frame));
          }
        }
        profile.played(frame);
        for (VenueProfile.Session s : sessions) {
          for (String owed : profile.due(s)) {
            out.add(new CaptureFile.Entry(e.receiveTime(), owed));
          }
        }
      }
      return out;
    }
  }

  private static void feed(VenueRuntime collector, List<CaptureFile.Entry> entries) {
    for (CaptureFile.Entry e : entries) {
      collector.onFrame(e.frame(), Instant.now());
    }
  }

  /** Records acknowledged on the raw and normalized topics; refuses a run with any error or dead letter. */
  private static long acknowledged(CollectorMetrics m) {
    long records = m.rawProduced().get();
    long errors = m.rawErrors().get();
    for (Map<String, Long> c : m.snapshot().values()) {
      records += c.get("produced");
      errors += c.get("produceErrors") + c.get("deadLettered");
    }
    if (errors != 0) {
      throw new IllegalStateException("ingest had " + errors + " errors or dead letters: " + m);
    }
    return records;
  }

  /** Mean value size of the records the collector writes for these frames: raw frame or Avro record. */
  private static double meanValueBytes(String venue, List<CaptureFile.Entry> entries, String registryUrl) throws Exception {
    FrameParser parser = ProducerFrames.parser(venue);
    AvroWireSerializer<SpecificRecord> serializer = new AvroWireSerializer<>();
    serializer.configure(Map.of("schema.registry.url", registryUrl), false);
    long bytes = 0;
    long records = 0;
    for (CaptureFile.Entry e : entries) {
      bytes += e.frame().getBytes(StandardCharsets.UTF_8).length;
      records++;
      try {
        for (SpecificRecord r : parser.parse(e.frame(), e.receiveTime()).records()) {
          bytes += serializer.serialize(DecodeBenchmark.topicOf(r), r).length;
          records++;
        }
      } catch (io.ticklake.producers.core.ParseException ignored) {
        // a frame the collector dead-letters: its raw record is counted above
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
