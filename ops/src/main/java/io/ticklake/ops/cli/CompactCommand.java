package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake compact}: compacts closed partitions of the Parquet lake (dedup by primary key,
 * sort by event time, split at the target size, manifest last, superseded files removed after it).
 */
@Command(name = "compact", description = "Compact closed partitions of the Parquet lake and write their manifests.")
final class CompactCommand implements Callable<Integer> {
  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--all", description = "Every partition (closed ones; today too with --force).")
  boolean all;

  @Option(names = "--kind", paramLabel = "KIND", description = "Only this kind, e.g. trades, book, ohlcv-1m.")
  String kind;

  @Option(names = "--venue", paramLabel = "VENUE", description = "Only this venue (a venue id).")
  String venue;

  @Option(names = "--symbol", paramLabel = "SYMBOL", description = "Only this symbol, e.g. BTCUSDT.")
  String symbol;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Only this UTC date.")
  String date;

  @Option(names = "--force", description = "Compact the current UTC day too (it is still being written).")
  boolean force;

  @Option(names = "--target-file-size", paramLabel = "SIZE",
      description = "Split a partition into files of about this size (default 256MB).")
  String targetFileSize;

  @Override
  public Integer call() throws Exception {
    if (!all && kind == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --all or --kind (with --venue/--symbol/--date to narrow it)");
    }
    StackConfig config = options.load(true);
    List<String> args = new ArrayList<>();
    if (all) {
      args.add("--all");
    }
    add(args, "--kind", kind);
    add(args, "--venue", venue);
    add(args, "--symbol", symbol);
    add(args, "--date", date);
    add(args, "--target-file-size", targetFileSize);
    if (force) {
      args.add("--force");
    }
    return LakeTool.run(config, TicklakeCli.home(), LakeTool.COMPACT_MAIN, args);
  }

  static void add(List<String> args, String name, String value) {
    if (value != null) {
      args.add(name);
      args.add(value);
    }
  }
}
