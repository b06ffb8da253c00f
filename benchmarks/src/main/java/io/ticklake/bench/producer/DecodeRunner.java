package io.ticklake.bench.producer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link DecodeBenchmark} (both sides, GC profiler on) for several rounds, one JMH fork per
 * side and round, against one registry in this JVM, and reports the median over rounds of the
 * time ratio ticklake / baseline. Rounds alternate the sides, so a load spike from elsewhere on
 * the machine hits both.
 */
public final class DecodeRunner {

  /** One side of one round: median ns per frame over the measured iterations, bytes allocated per frame. */
  public record Side(double nsPerFrame, double bytesPerFrame) {}

  /** One round. */
  public record Round(Side ticklake, Side baseline) {
    public double ratio() {
      return ticklake.nsPerFrame() / baseline.nsPerFrame();
    }
  }

  /** All rounds of one venue. */
  public record Report(String venue, List<Round> rounds) {
    public double medianRatio() {
      return Stats.median(rounds.stream().mapToDouble(Round::ratio).toArray());
    }

    public double median(java.util.function.ToDoubleFunction<Round> f) {
      return Stats.median(rounds.stream().mapToDouble(f).toArray());
    }
  }

  private DecodeRunner() {}

  /** {@code [ROUNDS] [--venue ID]}: every venue of {@link ProducerFrames#VENUES} unless one is named. */
  public static void main(String[] args) throws Exception {
    int rounds = 5;
    List<String> venues = ProducerFrames.VENUES;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--venue")) {
        venues = List.of(args[++i]);
      } else {
        rounds = Integer.parseInt(args[i]);
      }
    }
    for (String venue : venues) {
      print(run(venue, rounds, 3, 5, 2));
    }
  }

  static void print(Report r) {
    for (Round round : r.rounds()) {
      System.out.printf("decode round %s: ticklake %.0f ns/frame %.0f B/frame; jackson databind %.0f ns/frame %.0f B/frame; ratio %.3f%n",
          r.venue(), round.ticklake().nsPerFrame(), round.ticklake().bytesPerFrame(),
          round.baseline().nsPerFrame(), round.baseline().bytesPerFrame(), round.ratio());
    }
    System.out.printf("decode %s: median %.0f vs %.0f ns/frame -> ratio %.3f (target <= 0.6); allocation %.0f vs %.0f B/frame%n",
        r.venue(), r.median(x -> x.ticklake().nsPerFrame()), r.median(x -> x.baseline().nsPerFrame()), r.medianRatio(),
        r.median(x -> x.ticklake().bytesPerFrame()), r.median(x -> x.baseline().bytesPerFrame()));
  }

  /**
   * @param warmups warm-up iterations per fork
   * @param iterations measured iterations per fork
   * @param seconds length of each iteration
   */
  public static Report run(String venue, int rounds, int warmups, int iterations, int seconds) throws Exception {
    List<Round> out = new ArrayList<>();
    try (LocalBroker broker = LocalBroker.start()) {
      for (int r = 0; r < rounds; r++) {
        // Alternate which side goes first.
        String first = r % 2 == 0 ? "ticklake" : "jacksonDatabind";
        String second = r % 2 == 0 ? "jacksonDatabind" : "ticklake";
        Side a = side(venue, first, broker.registryUrl(), warmups, iterations, seconds);
        Side b = side(venue, second, broker.registryUrl(), warmups, iterations, seconds);
        out.add(r % 2 == 0 ? new Round(a, b) : new Round(b, a));
      }
    }
    return new Report(venue, out);
  }

  private static Side side(String venue, String method, String registryUrl, int warmups, int iterations, int seconds)
      throws Exception {
    Options opt = new OptionsBuilder()
        .include(DecodeBenchmark.class.getName() + "\\." + method + "$")
        .param("registryUrl", registryUrl)
        .param("venue", venue)
        .addProfiler(GCProfiler.class)
        .forks(1)
        .warmupIterations(warmups)
        .warmupTime(TimeValue.seconds(seconds))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(seconds))
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    RunResult result = results.iterator().next();
    double[] scores = result.getBenchmarkResults().stream()
        .flatMap(b -> b.getIterationResults().stream())
        .mapToDouble(i -> i.getPrimaryResult().getScore())
        .toArray();
    @SuppressWarnings("rawtypes")
    Result alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
    return new Side(Stats.median(scores), alloc == null ? Double.NaN : alloc.getScore());
  }
}
