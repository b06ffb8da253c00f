package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake qa}: the lake QA suite. Prints a summary, writes a JSON report, exits 1 when
 * any check fails (each FAIL line names the check and the partition).
 */
@Command(name = "qa", description = "Check the Parquet lake: keys, grid, values, OHLC, time, gaps, coverage, manifests.")
final class QaCommand implements Callable<Integer> {
  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();

  @Option(names = "--days", paramLabel = "N", description = "Only partitions of the last N UTC days before today, and today (default: all).")
  Integer days;

  @Option(names = "--report", paramLabel = "FILE", description = "Where to write the JSON report (default <data.dir>/qa/qa-report.json).")
  Path report;

  @Option(names = "--kind", paramLabel = "KIND", description = "Only this kind.")
  String kind;

  @Option(names = "--venue", paramLabel = "VENUE", description = "Only this venue.")
  String venue;

  @Option(names = "--symbol", paramLabel = "SYMBOL", description = "Only this symbol.")
  String symbol;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Only this UTC date.")
  String date;

  @Option(names = "--gap-threshold-minutes", paramLabel = "M", description = "A silence longer than this is a gap (default 5).")
  Integer gapMinutes;

  @Option(names = "--min-coverage", paramLabel = "PERCENT", description = "Share of expected minutes required (default 99.9).")
  String minCoverage;

  @Override
  public Integer call() throws Exception {
    StackConfig config = options.load(true);
    Path file = report != null ? report.toAbsolutePath() : config.dataDir().resolve("qa").resolve("qa-report.json");
    List<String> args = new ArrayList<>(List.of("--report", file.toString()));
    CompactCommand.add(args, "--days", days == null ? null : days.toString());
    CompactCommand.add(args, "--kind", kind);
    CompactCommand.add(args, "--venue", venue);
    CompactCommand.add(args, "--symbol", symbol);
    CompactCommand.add(args, "--date", date);
    CompactCommand.add(args, "--gap-threshold-minutes", gapMinutes == null ? null : gapMinutes.toString());
    CompactCommand.add(args, "--min-coverage", minCoverage);
    // Each venue is judged by its traits: a venue with sessions has minutes without data.
    List<String> traits = new ArrayList<>();
    for (io.ticklake.producers.core.Venue v : io.ticklake.producers.core.Venues.all()) {
      traits.add(v.id() + "=" + (v.traits().continuousTrading() ? "continuous" : "sessions") + "/" + v.traits().staleAfter().toSeconds()
          + (v.traits().quietSymbols() ? "/quiet" : ""));
    }
    CompactCommand.add(args, "--venue-traits", String.join(",", traits));
    return LakeTool.run(config, TicklakeCli.home(), LakeTool.QA_MAIN, args);
  }
}
