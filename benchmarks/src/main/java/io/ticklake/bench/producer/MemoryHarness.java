package io.ticklake.bench.producer;

import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.CollectorMain;
import io.ticklake.producers.binance.BinanceMessageParser;
import io.ticklake.producers.binance.BinanceUsdmCaptureLoop;
import io.ticklake.producers.binance.BinanceUsdmSimProfile;
import io.ticklake.producers.binance.BinanceUsdmSubscriptions;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import io.ticklake.schema.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Memory: the real collector ({@link CollectorMain}, in its own JVM with {@code -Xmx256m}) on the
 * real simulator replaying the shipped capture looped to {@code venue-seconds} of recorded time for
 * the six default symbols ({@link BinanceUsdmCaptureLoop}), as fast as the collector takes it, into
 * a local broker. Every {@code sample-seconds} the harness asks the collector's JVM for a full GC
 * ({@code jcmd GC.run}); its GC log gives the heap after each (the live set) and before each (the
 * peak). Reported: the least-squares slope of the live set after warm-up (the first fifth of the
 * samples), the growth it implies over the run, and the peak heap.
 */
public final class MemoryHarness {
  private static final Pattern PAUSE =
      Pattern.compile("\\[([0-9.]+)s\\].*GC\\(\\d+\\) (Pause [A-Za-z]+).*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  /** One GC pause from the collector's log: when (JVM uptime), what, heap before and after. */
  public record Pause(double seconds, String kind, double beforeMb, double afterMb) {
    boolean full() {
      return kind.equals("Pause Full");
    }
  }

  /** What the run showed. */
  public record Report(
      Duration venueTime, int symbols, long framesSent, long rawRecords, double wallSeconds, String heapLimit,
      List<Pause> pauses, double peakUsedMb, double maxLiveMb, double warmLiveMb, double slopeMbPerMin,
      double growthMb) {

    /** No growth after warm-up: the fitted growth over the run is within noise (5 MB or 10 %). */
    public boolean flat() {
      return growthMb <= Math.max(5, 0.10 * warmLiveMb);
    }

    public List<Pause> fullGcs() {
      return pauses.stream().filter(Pause::full).toList();
    }
  }

  private MemoryHarness() {}

  public static void main(String[] args) throws Exception {
    long venueSeconds = 3600;
    int sampleSeconds = 5;
    String heap = "256m";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--venue-seconds" -> venueSeconds = Long.parseLong(args[i + 1]);
        case "--sample-seconds" -> sampleSeconds = Integer.parseInt(args[i + 1]);
        case "--heap" -> heap = args[i + 1];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    print(run(Duration.ofSeconds(venueSeconds), Duration.ofSeconds(sampleSeconds), heap,
        Files.createTempDirectory("ticklake-memory-")));
  }

  static void print(Report r) {
    for (Pause p : r.fullGcs()) {
      System.out.printf("memory sample: t=%6.1fs live %.1f MB (before GC %.1f MB)%n", p.seconds(), p.afterMb(), p.beforeMb());
    }
    System.out.printf("memory: %s of recorded frames for %d symbols (%d frames, %d on the raw topic) in %.0f s with -Xmx%s%n",
        r.venueTime(), r.symbols(), r.framesSent(), r.rawRecords(), r.wallSeconds(), r.heapLimit());
    System.out.printf("memory: live set after warm-up %.1f MB, slope %+.3f MB/min, fitted growth %+.1f MB -> %s; peak heap %.1f MB (target < 256 MB)%n",
        r.warmLiveMb(), r.slopeMbPerMin(), r.growthMb(), r.flat() ? "flat" : "GROWING", r.peakUsedMb());
  }

  public static Report run(Duration venueTime, Duration sampleEvery, String heap, Path workDir) throws Exception {
    List<String> symbols = BinanceUsdmSubscriptions.DEFAULT_SYMBOLS;
    List<CaptureFile.Entry> capture = ProducerFrames.capture();
    BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(capture, symbols, venueTime);
    String snapshot = IngestHarness.resource(ProducerFrames.SNAPSHOTS).strip();
    Map<String, String> snapshots = new HashMap<>();
    symbols.forEach(s -> snapshots.put(s, snapshot));
    Path gcLog = workDir.resolve("collector-gc.log");
    try (LocalBroker broker = LocalBroker.start();
        VenueSimulator sim = new VenueSimulator(loop, new BinanceUsdmSimProfile(snapshots), 0)) {
      IngestHarness.createTopics(broker, ProducerFrames.BINANCE);
      sim.start(0);
      List<String> args = List.of(
          CollectorConfig.VENUE_CONFIG + "=binance-usdm",
          CollectorConfig.BOOTSTRAP_SERVERS_CONFIG + "=" + broker.bootstrapServers(),
          CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG + "=" + broker.registryUrl(),
          CollectorConfig.SYMBOLS_CONFIG + "=" + String.join(",", symbols),
          CollectorConfig.CHANNELS_CONFIG + "=trade,depth@0ms,bookTicker",
          CollectorConfig.WS_URL_CONFIG + "=" + sim.wsUrl(),
          CollectorConfig.REST_URL_CONFIG + "=" + sim.restUrl());
      long t0 = System.nanoTime();
      long raw;
      try (ChildJvm collector = ChildJvm.start(
              List.of("-Xmx" + heap, "-XX:+UseG1GC", "-Xlog:gc:file=" + gcLog + ":uptime"),
              CollectorMain.class.getName(), args, workDir.resolve("collector.log"));
          Admin admin = broker.kafka().admin()) {
        String jcmd = jcmd();
        while (true) {
          Thread.sleep(sampleEvery.toMillis());
          if (!collector.isAlive()) {
            throw new IllegalStateException("the collector died; see " + workDir.resolve("collector.log"));
          }
          fullGc(jcmd, collector.pid());
          raw = rawRecords(admin);
          if (sim.finished() && raw >= sim.framesSent()) {
            break;
          }
        }
        fullGc(jcmd, collector.pid());
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      List<Pause> pauses = parse(Files.readAllLines(gcLog));
      return report(venueTime, symbols.size(), sim.framesSent(), raw, wall, heap, pauses);
    }
  }

  static Report report(Duration venueTime, int symbols, long sent, long raw, double wall, String heap, List<Pause> pauses) {
    List<Pause> full = pauses.stream().filter(Pause::full).toList();
    if (full.size() < 3) {
      throw new IllegalStateException("too few full-GC samples (" + full.size() + ") for a trend; sample more often");
    }
    List<Pause> warm = full.subList(Math.max(1, full.size() / 5), full.size());
    double[] x = warm.stream().mapToDouble(p -> p.seconds() / 60).toArray();
    double[] y = warm.stream().mapToDouble(Pause::afterMb).toArray();
    double slope = Stats.slope(x, y);
    double growth = slope * (x[x.length - 1] - x[0]);
    double peak = pauses.stream().mapToDouble(Pause::beforeMb).max().orElse(0);
    double maxLive = full.stream().mapToDouble(Pause::afterMb).max().orElse(0);
    return new Report(venueTime, symbols, sent, raw, wall, heap, pauses, peak, maxLive, Stats.median(y), slope, growth);
  }

  static List<Pause> parse(List<String> gcLog) {
    List<Pause> out = new ArrayList<>();
    for (String line : gcLog) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        out.add(new Pause(Double.parseDouble(m.group(1)), m.group(2), mb(m.group(3), m.group(4)), mb(m.group(5), m.group(6))));
      }
    }
    return out;
  }

  private static double mb(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }

  private static long rawRecords(Admin admin) throws Exception {
    String topic = Topics.raw(BinanceMessageParser.VENUE);
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
        .get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(i -> i.offset()).sum();
  }

  private static String jcmd() {
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    Path jcmd = java.resolveSibling("jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IllegalStateException("jcmd not found beside " + java + "; the memory harness needs a JDK");
    }
    return jcmd.toString();
  }

  private static void fullGc(String jcmd, long pid) throws Exception {
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
