package io.ticklake.producers.kraken;

import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.Simulation;
import io.ticklake.producers.sim.VenueProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kraken offline: its simulator profile (either protocol, the capture's), the shipped capture and
 * what a capture holds. A capture says its own protocol and book depth ({@code book-1000} in v1,
 * the snapshot's levels in v2), which a replay passes to the collector, so {@code --replay
 * kraken=FILE} needs no other option.
 */
final class KrakenSimulation implements Simulation {
  static final String DEMO_CAPTURE = "/captures/kraken/kraken-v2-btcusd-20240808.capture";
  static final String ASSET_PAIRS = "/captures/kraken/assetpairs-20210417.json";
  private static final Pattern V2_CHANNEL = Pattern.compile("^\\{\"channel\":\"(trade|book|ticker|ohlc|instrument)\"");
  private static final Pattern V2_SYMBOL = Pattern.compile("\"symbol\":\"([^\"]+)\"");
  private static final Pattern V2_LEVEL = Pattern.compile("\\{\"price\":");

  /** What the last capture scanned was recorded with: the profile serves it so. */
  private KrakenProtocol protocol = KrakenProtocol.V2;
  private int depth = 10;

  @Override
  public String wsPath() {
    return "/v2";
  }

  @Override
  public String demoCapture() {
    return DEMO_CAPTURE;
  }

  @Override
  public Map<String, String> demoSnapshots() {
    return Map.of(); // books come in the stream
  }

  @Override
  public boolean recognizes(List<String> frames) {
    return KrakenProtocol.detect(frames) != null;
  }

  @Override
  public Contents scan(List<CaptureFile.Entry> capture) {
    List<String> first = new ArrayList<>();
    for (CaptureFile.Entry e : capture) {
      first.add(e.frame());
      if (first.size() >= 200) {
        break;
      }
    }
    KrakenProtocol p = KrakenProtocol.detect(first);
    this.protocol = p == null ? KrakenProtocol.V2 : p;
    Set<String> symbols = new TreeSet<>();
    Set<String> channels = new TreeSet<>();
    int levels = 0;
    for (CaptureFile.Entry e : capture) {
      String f = e.frame();
      if (protocol == KrakenProtocol.V2) {
        Matcher c = V2_CHANNEL.matcher(f);
        if (!c.find()) {
          continue;
        }
        channels.add(c.group(1));
        Matcher s = V2_SYMBOL.matcher(f);
        if (s.find() && !c.group(1).equals("instrument")) {
          symbols.add(s.group(1));
        }
        if (c.group(1).equals("book") && f.contains("\"type\":\"snapshot\"")) {
          int n = 0;
          for (Matcher l = V2_LEVEL.matcher(f); l.find(); ) {
            n++;
          }
          levels = Math.max(levels, (n + 1) / 2);
        }
      } else if (f.startsWith("[")) {
        String[] tail = KrakenV1Parser.lastTwoStrings(f);
        if (tail == null) {
          continue;
        }
        String channel = KrakenV1Parser.channelOfName(tail[0]);
        channels.add(channel);
        symbols.add(tail[1]);
        if (channel.equals("book")) {
          levels = Math.max(levels, Integer.parseInt(tail[0].substring("book-".length())));
        }
      }
    }
    this.depth = 10;
    for (int d : new TreeSet<>(KrakenSubscriptions.DEPTHS)) {
      if (d >= levels) {
        depth = d;
        break;
      }
    }
    if (channels.contains("trade")) {
      channels.add("ohlc"); // the venue's candles, made from the trades played
    }
    if (protocol == KrakenProtocol.V2) {
      channels.add("instrument");
    }
    Map<String, String> settings = new TreeMap<>();
    settings.put(KrakenVenue.PROTOCOL_CONFIG, protocol.name().toLowerCase());
    if (channels.contains("book")) {
      settings.put(KrakenVenue.BOOK_DEPTH_CONFIG, Integer.toString(depth));
    }
    return new Contents(symbols, channels, settings);
  }

  @Override
  public VenueProfile profile(Map<String, String> snapshots) {
    return new KrakenSimProfile(protocol, depth, assetPairs());
  }

  /** The {@code GET /0/public/AssetPairs} answer recorded (2021-04-17) for the shipped pairs. */
  static String assetPairs() {
    try (InputStream in = KrakenSimulation.class.getResourceAsStream(ASSET_PAIRS)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<CaptureFile.Entry> loop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover, long firstLoop) {
    if (playAs != null) {
      throw new IllegalArgumentException("a Kraken capture plays its own pairs");
    }
    return new KrakenCaptureLoop(capture, cover, firstLoop);
  }
}
