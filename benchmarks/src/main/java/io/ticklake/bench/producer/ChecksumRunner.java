package io.ticklake.bench.producer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link ChecksumBenchmark} for Kraken and OKX, several rounds alternating the two sides (a
 * fork each), and reports per venue the median ns per update of applying it, of applying it and
 * verifying the checksum, the difference (the checksum's cost per update) and the ratio.
 */
public final class ChecksumRunner {
  static final List<String> VENUES = List.of("kraken", "okx");

  private ChecksumRunner() {}

  /** {@code [ROUNDS] [--venue ID]}. */
  public static void main(String[] args) throws Exception {
    int rounds = 3;
    List<String> venues = VENUES;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--venue")) {
        venues = List.of(args[++i]);
      } else {
        rounds = Integer.parseInt(args[i]);
      }
    }
    for (String venue : venues) {
      List<double[]> out = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        boolean applyFirst = r % 2 == 0;
        double a = side(venue, applyFirst ? "apply" : "applyAndChecksum");
        double b = side(venue, applyFirst ? "applyAndChecksum" : "apply");
        double apply = applyFirst ? a : b;
        double both = applyFirst ? b : a;
        out.add(new double[] {apply, both});
        System.out.printf("checksum round %s: apply %.0f ns/update; apply + checksum %.0f ns/update; checksum %.0f ns; ratio %.2f%n",
            venue, apply, both, both - apply, both / apply);
      }
      double apply = Stats.median(out.stream().mapToDouble(x -> x[0]).toArray());
      double both = Stats.median(out.stream().mapToDouble(x -> x[1]).toArray());
      double cost = Stats.median(out.stream().mapToDouble(x -> x[1] - x[0]).toArray());
      System.out.printf("checksum %s: median apply %.0f ns/update, apply + checksum %.0f ns/update -> checksum %.0f ns per update,"
          + " ratio %.2f%n", venue, apply, both, cost, Stats.median(out.stream().mapToDouble(x -> x[1] / x[0]).toArray()));
    }
  }

  private static double side(String venue, String method) throws Exception {
    Options opt = new OptionsBuilder()
        .include(ChecksumBenchmark.class.getName() + "\\." + method + "$")
        .param("venue", venue)
        .forks(1)
        .warmupIterations(3)
        .warmupTime(TimeValue.seconds(2))
        .measurementIterations(5)
        .measurementTime(TimeValue.seconds(2))
        .verbosity(VerboseMode.SILENT)
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    double[] scores = results.iterator().next().getBenchmarkResults().stream()
        .flatMap(b -> b.getIterationResults().stream())
        .mapToDouble(i -> i.getPrimaryResult().getScore())
        .toArray();
    return Stats.median(scores);
  }
}
