package io.ticklake.producers.sim;

import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link VenueSimulator} for one venue. Arguments: {@code --venue ID} (required), {@code
 * --port N} (default 8765), {@code --capture FILE} (default: the venue's shipped capture), {@code
 * --snapshots FILE} (a JSONL of recorded REST snapshots of one symbol, named by {@code
 * --snapshot-symbol} or the file name before its first '-'; without it, the snapshots recorded
 * beside the capture are found by name, {@code <symbol>-<capture name>.snapshots.jsonl}), {@code
 * --speed X} (default 1; 0 = as fast as possible), {@code --loop-seconds N} (loop the capture until
 * N seconds of recorded time are played, ids and times shifted so every chain continues; 0 loops
 * until stopped), {@code --clock now|recorded} (a loop starts as recorded, or, with {@code now}, at
 * the loop that would be playing now had the capture looped since it was recorded: today's times,
 * ids that carry on across restarts), {@code --symbols A,B,C} (play a one-symbol capture as each of
 * them), {@code --unsubscribed play|hold} (what the timeline does while no client is subscribed,
 * after the first one did: play on, frames to nobody, as a real venue does, or hold until one is
 * back; default play on today's wall clock, hold otherwise, so a test sees every frame).
 */
public final class SimulatorMain {
  private static final Logger log = LoggerFactory.getLogger(SimulatorMain.class);

  private SimulatorMain() {}

  public static void main(String[] args) throws Exception {
    String venueId = null;
    int port = 8765;
    Path capture = null;
    Path snapshots = null;
    String snapshotSymbol = null;
    double speed = 1;
    List<String> symbols = null;
    Long loopSeconds = null;
    boolean now = false;
    Boolean playUnsubscribed = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--venue" -> venueId = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--capture" -> capture = Path.of(args[i + 1]);
        case "--snapshots" -> snapshots = Path.of(args[i + 1]);
        case "--snapshot-symbol" -> snapshotSymbol = args[i + 1];
        case "--speed" -> speed = Double.parseDouble(args[i + 1]);
        case "--symbols" -> symbols = Arrays.stream(args[i + 1].split(",")).map(String::trim).toList();
        case "--loop-seconds" -> loopSeconds = Long.parseLong(args[i + 1]);
        case "--clock" -> now = switch (args[i + 1]) {
          case "now" -> true;
          case "recorded" -> false;
          default -> throw new IllegalArgumentException("--clock is now or recorded, got " + args[i + 1]);
        };
        case "--unsubscribed" -> playUnsubscribed = switch (args[i + 1]) {
          case "play" -> true;
          case "hold" -> false;
          default -> throw new IllegalArgumentException("--unsubscribed is play or hold, got " + args[i + 1]);
        };
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("arguments come in pairs (--name value); got " + String.join(" ", args));
    }
    if (venueId == null) {
      throw new IllegalArgumentException("--venue ID is required: one of " + String.join(", ", Venues.ids()));
    }
    Venue venue = Venues.get(venueId);
    VenueSimulator sim = start(venue, port, capture, snapshots, snapshotSymbol, speed, symbols, loopSeconds, now, playUnsubscribed);
    log.info("{} simulator: ws.url={} rest.url={}", venue.id(), sim.wsUrl(), sim.restUrl());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stop.countDown();
    }, "simulator-shutdown"));
    stop.await();
  }

  /**
   * A started simulator of {@code venue}.
   *
   * @param capture a capture file, or {@code null} for the venue's shipped one
   * @param snapshots one symbol's snapshots file, or {@code null} to find them beside the capture
   * @param loopSeconds recorded time to loop for (0: until stopped), or {@code null} to play once
   * @param now play a loop as if the capture had been looping since it was recorded, so its times
   *     are today's and its ids carry on from any earlier play ({@link Simulation#loopAt}); else it
   *     starts as recorded
   * @param playUnsubscribed whether the timeline plays on while no client is subscribed ({@link
   *     VenueSimulator#playingUnsubscribed}); {@code null}: only on today's wall clock
   */
  public static VenueSimulator start(
      Venue venue, int port, Path capture, Path snapshots, String snapshotSymbol, double speed, List<String> symbols,
      Long loopSeconds, boolean now, Boolean playUnsubscribed) throws Exception {
    Simulation simulation = venue.simulation();
    List<CaptureFile.Entry> frames = capture == null ? CaptureFile.readResource(simulation.demoCapture()) : CaptureFile.read(capture);
    Simulation.Contents contents = simulation.scan(frames);
    Map<String, String> recorded = new LinkedHashMap<>();
    if (snapshots != null) {
      String symbol = snapshotSymbol != null ? snapshotSymbol
          : snapshots.getFileName().toString().split("-")[0].toUpperCase(Locale.ROOT);
      String last = null;
      for (String line : Files.readAllLines(snapshots)) {
        if (!line.isBlank()) {
          last = line.strip(); // the last one of the file wins
        }
      }
      if (last != null) {
        recorded.put(symbol, last);
      }
    } else if (capture == null) {
      recorded.putAll(simulation.demoSnapshots());
    } else {
      recorded.putAll(CaptureFile.snapshotsBeside(capture, contents.symbols()));
    }
    if (symbols != null) {
      if (recorded.size() > 1 || contents.symbols().size() != 1) {
        throw new IllegalArgumentException("--symbols needs a capture of one symbol (this one holds " + contents.symbols() + ")");
      }
      String snapshot = recorded.isEmpty() ? null : recorded.values().iterator().next();
      recorded.clear();
      if (snapshot != null) {
        symbols.forEach(s -> recorded.put(venue.nativeSymbol(s), snapshot));
      }
    }
    if (symbols != null || loopSeconds != null) {
      Duration cover = Duration.ofSeconds(loopSeconds == null ? 0 : loopSeconds);
      long firstLoop = now && loopSeconds != null ? simulation.loopAt(frames, java.time.Instant.now()) : 0;
      List<CaptureFile.Entry> loop =
          simulation.loop(frames, symbols, loopSeconds == null ? Duration.ofMillis(1) : cover, firstLoop);
      Map<String, String> shifted = new LinkedHashMap<>(simulation.snapshotsAt(frames, recorded, firstLoop));
      recorded.clear();
      recorded.putAll(shifted);
      log.info("{}: looping the capture for {} ({} frames; {}; from loop {}, first frame at {})", venue.id(),
          symbols != null ? symbols : contents.symbols(), loop.size(),
          loopSeconds == null ? "once" : cover.isZero() ? "until stopped" : cover + " of recorded time", firstLoop,
          loop.isEmpty() ? null : loop.get(0).receiveTime());
      frames = loop;
    }
    log.info("{}: snapshots recorded for {}", venue.id(), recorded.keySet());
    VenueSimulator sim = new VenueSimulator(frames, simulation.profile(recorded), speed);
    boolean onTheWallClock = now && loopSeconds != null && speed == 1;
    if (onTheWallClock) {
      sim.onTheWallClock(); // today's times, played when the clock says so
    }
    sim.playingUnsubscribed(playUnsubscribed != null ? playUnsubscribed : onTheWallClock);
    return sim.start(port);
  }
}
