package io.ticklake.producers.sim;

import io.ticklake.producers.binance.BinanceUsdmCaptureLoop;
import io.ticklake.producers.binance.BinanceUsdmSimProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link VenueSimulator} for Binance USD-M. Arguments: {@code --port N} (default 8765),
 * {@code --capture FILE}, {@code --snapshots FILE} (JSONL of recorded depth responses; the symbol
 * is {@code --snapshot-symbol} or the file name before its first '-', upper-cased), {@code --speed
 * X} (default 1; 0 = as fast as possible). Without files, the shipped BTCUSDT capture is served.
 * {@code --symbols A,B,C} plays the one-symbol capture for each of them, and {@code --loop-seconds N}
 * loops it until N seconds of recorded time are covered ({@link BinanceUsdmCaptureLoop}: ids and
 * times shifted so every symbol's diff chain stays unbroken), e.g. an hour of the six default
 * symbols from the demo capture.
 */
public final class SimulatorMain {
  private static final Logger log = LoggerFactory.getLogger(SimulatorMain.class);
  static final String DEMO_CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  static final String DEMO_SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  private SimulatorMain() {}

  public static void main(String[] args) throws Exception {
    int port = 8765;
    Path capture = null;
    Path snapshots = null;
    String snapshotSymbol = null;
    double speed = 1;
    List<String> symbols = null;
    long loopSeconds = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--capture" -> capture = Path.of(args[i + 1]);
        case "--snapshots" -> snapshots = Path.of(args[i + 1]);
        case "--snapshot-symbol" -> snapshotSymbol = args[i + 1];
        case "--speed" -> speed = Double.parseDouble(args[i + 1]);
        case "--symbols" -> symbols = Arrays.stream(args[i + 1].split(",")).map(String::trim).toList();
        case "--loop-seconds" -> loopSeconds = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    List<CaptureFile.Entry> frames = capture == null ? CaptureFile.readResource(DEMO_CAPTURE) : CaptureFile.read(capture);
    Map<String, String> recorded = new HashMap<>();
    if (snapshots == null) {
      recorded.put("BTCUSDT", readResource(DEMO_SNAPSHOTS).strip());
    } else {
      String symbol = snapshotSymbol != null ? snapshotSymbol
          : snapshots.getFileName().toString().split("-")[0].toUpperCase(Locale.ROOT);
      for (String line : Files.readAllLines(snapshots)) {
        if (!line.isBlank()) {
          recorded.put(symbol, line.strip()); // the last one of the file wins
        }
      }
    }
    if (symbols != null || loopSeconds > 0) {
      if (recorded.size() != 1) {
        throw new IllegalArgumentException("--symbols and --loop-seconds need a capture of one symbol with its snapshot");
      }
      String snapshot = recorded.values().iterator().next();
      List<String> playAs = symbols != null ? symbols : List.copyOf(recorded.keySet());
      BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(frames, playAs, Duration.ofSeconds(loopSeconds));
      log.info("looping the capture {} times for {} ({} of recorded time, {} frames)", loop.loops(), playAs,
          loop.covers(), loop.size());
      frames = loop;
      recorded.clear();
      playAs.forEach(s -> recorded.put(s.toUpperCase(Locale.ROOT), snapshot));
    }
    VenueSimulator sim = new VenueSimulator(frames, new BinanceUsdmSimProfile(recorded), speed).start(port);
    log.info("serving {} frames: ws.url={} rest.url={}", frames.size(), sim.wsUrl(), sim.restUrl());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stop.countDown();
    }, "simulator-shutdown"));
    stop.await();
  }

  static String readResource(String name) throws java.io.IOException {
    try (var in = SimulatorMain.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
