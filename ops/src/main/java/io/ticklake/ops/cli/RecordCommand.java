package io.ticklake.ops.cli;

import io.ticklake.producers.CollectorConfig;
import io.ticklake.producers.RecorderMain;
import io.ticklake.producers.binance.BinanceUsdmSubscriptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake record}: live Binance USD-M frames to a capture file in the format the
 * simulator replays ({@code <epoch seconds>: <frame>} per line), plus one REST depth snapshot per
 * symbol beside it, so {@code ./ticklake up --simulate --replay FILE --snapshots SNAPSHOTS} plays
 * the recording back. Runs until {@code --seconds} passed or Ctrl-C.
 */
@Command(name = "record", description = "Record live venue frames (and REST depth snapshots) to a capture file.")
final class RecordCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Capture file to append to.")
  Path out;

  @Option(names = "--symbols", split = ",", paramLabel = "SYMBOLS",
      description = "Venue-native symbols (default: BTCUSDT,ETHUSDT,BNBUSDT,XRPUSDT,ADAUSDT,SOLUSDT).")
  List<String> symbols = new ArrayList<>(BinanceUsdmSubscriptions.DEFAULT_SYMBOLS);

  @Option(names = "--channels", split = ",", paramLabel = "CHANNELS",
      description = "Channels (default: aggTrade,depth,bookTicker; also trade, depth@0ms).")
  List<String> channels = new ArrayList<>(BinanceUsdmSubscriptions.DEFAULT_CHANNELS);

  @Option(names = "--seconds", paramLabel = "N", description = "Stop after N seconds (default 0: until Ctrl-C).")
  long seconds;

  @Option(names = "--ws-url", paramLabel = "URL", description = "Combined-stream endpoint (default: Binance's).")
  String wsUrl = CollectorConfig.WS_URL_DEFAULT;

  @Option(names = "--rest-url", paramLabel = "URL", description = "REST base for depth snapshots (default: Binance's).")
  String restUrl = CollectorConfig.REST_URL_DEFAULT;

  @Override
  public Integer call() throws Exception {
    if (seconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be >= 0, was " + seconds);
    }
    PrintWriter err = spec.commandLine().getErr();
    RecorderMain.Options options =
        new RecorderMain.Options(out, symbols, channels, wsUrl, restUrl, Duration.ofSeconds(seconds));
    err.printf("recording %s %s from %s to %s (Ctrl-C stops)%n", options.symbols(), options.channels(), wsUrl, out);
    err.flush();
    RecorderMain.Result result = RecorderMain.record(options);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("recorded %d frames to %s%n", result.frames(), out);
    for (Map.Entry<String, Path> s : result.snapshots().entrySet()) {
      o.printf("  snapshot of %s: %s%n", s.getKey(), s.getValue());
    }
    o.flush();
    return 0;
  }
}
