package io.ticklake.ops.cli;

import io.ticklake.producers.RecorderMain;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake record --venue ID}: a venue's live frames to a capture file in the format the
 * simulator replays ({@code <epoch seconds>: <frame>} per line), over the collector's own
 * connections, plus (venues whose book snapshots come over REST) one snapshot per symbol beside it,
 * {@code <symbol>-<capture name>.snapshots.jsonl}, so {@code ./ticklake up --simulate --replay
 * VENUE=FILE} plays the recording back whole. Runs until {@code --seconds} passed or Ctrl-C.
 */
@Command(name = "record", description = "Record a venue's live frames (and its REST book snapshots) to a capture file.")
final class RecordCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--venue", required = true, paramLabel = "ID", description = "The venue to record (one of the registered ids).")
  String venueId;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Capture file to append to.")
  Path out;

  @Option(names = "--symbols", split = ",", paramLabel = "SYMBOLS", description = "Venue-native symbols (default: the venue's).")
  List<String> symbols;

  @Option(names = "--channels", split = ",", paramLabel = "CHANNELS", description = "Channels (default: the venue's).")
  List<String> channels;

  @Option(names = "--seconds", paramLabel = "N", description = "Stop after N seconds (default 0: until Ctrl-C).")
  long seconds;

  @Option(names = "--ws-url", paramLabel = "URL", description = "WebSocket endpoint (default: the venue's).")
  String wsUrl;

  @Option(names = "--rest-url", paramLabel = "URL", description = "REST base for book snapshots (default: the venue's).")
  String restUrl;

  @Override
  public Integer call() throws Exception {
    if (seconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be >= 0, was " + seconds);
    }
    Venue venue;
    try {
      venue = Venues.get(venueId);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter err = spec.commandLine().getErr();
    String ws = wsUrl != null ? wsUrl : venue.defaults().wsUrl();
    RecorderMain.Options options =
        new RecorderMain.Options(venue, out, symbols != null ? symbols : venue.defaults().symbols(),
            channels != null ? channels : venue.defaults().channels(), ws,
            restUrl != null ? restUrl : venue.defaults().restUrl(), Duration.ofSeconds(seconds));
    err.printf("recording %s %s %s from %s to %s (Ctrl-C stops)%n", venue.id(), options.symbols(), options.channels(), ws, out);
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
