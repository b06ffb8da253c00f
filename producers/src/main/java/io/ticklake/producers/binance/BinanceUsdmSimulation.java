package io.ticklake.producers.binance;

import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.Simulation;
import io.ticklake.producers.sim.VenueProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Binance USD-M futures offline: the combined-stream simulator profile and the shipped capture. */
final class BinanceUsdmSimulation implements Simulation {
  static final String DEMO_CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  static final String DEMO_SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";
  /** A real {@code /fapi/v1/exchangeInfo} answer (2021-07-22; see PROVENANCE.md). */
  static final String EXCHANGE_INFO = "/captures/binance-usdm/exchangeInfo-20210722.json";
  private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*\"([^\"@]+)@([^\"]+)\"");
  private static final Pattern EVENT = Pattern.compile("\"e\"\\s*:\\s*\"(depthUpdate|aggTrade|trade|bookTicker|kline)\"");

  @Override
  public String wsPath() {
    return "/stream";
  }

  @Override
  public String demoCapture() {
    return DEMO_CAPTURE;
  }

  @Override
  public Map<String, String> demoSnapshots() {
    return Map.of("BTCUSDT", CaptureFile.lastLineOfResource(DEMO_SNAPSHOTS));
  }

  @Override
  public boolean recognizes(List<String> frames) {
    for (String f : frames) {
      if (STREAM.matcher(f).find() && EVENT.matcher(f).find()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Contents scan(List<CaptureFile.Entry> capture) {
    Set<String> symbols = new TreeSet<>();
    Set<String> channels = new TreeSet<>();
    for (CaptureFile.Entry e : capture) {
      Matcher m = STREAM.matcher(e.frame());
      if (m.find()) {
        symbols.add(m.group(1).toUpperCase(Locale.ROOT));
        channels.add(m.group(2));
      }
    }
    return new Contents(symbols, channels);
  }

  @Override
  public VenueProfile profile(Map<String, String> snapshots) {
    return new BinanceUsdmSimProfile(snapshots, CaptureFile.lastLineOfResource(EXCHANGE_INFO));
  }

  @Override
  public List<CaptureFile.Entry> loop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover, long firstLoop) {
    return new BinanceUsdmCaptureLoop(capture, playAs, cover, firstLoop);
  }

  @Override
  public long loopAt(List<CaptureFile.Entry> capture, Instant when) {
    return CaptureFile.loopAt(capture, when, BinanceUsdmCaptureLoop.loopSpanMillis(capture));
  }

  @Override
  public Map<String, String> snapshotsAt(List<CaptureFile.Entry> capture, Map<String, String> snapshots, long firstLoop) {
    if (firstLoop == 0 || snapshots.isEmpty()) {
      return snapshots;
    }
    BinanceUsdmCaptureLoop loop = new BinanceUsdmCaptureLoop(capture, null, Duration.ofMillis(1));
    Map<String, String> out = new java.util.LinkedHashMap<>();
    snapshots.forEach((symbol, body) -> out.put(symbol, loop.snapshotAt(symbol, body, firstLoop)));
    return out;
  }
}
