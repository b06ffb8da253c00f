package io.ticklake.producers.okx;

import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.Simulation;
import io.ticklake.producers.sim.VenueProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OKX offline: its simulator profile, the shipped capture and what a capture holds. A capture whose
 * books carry no {@code seqId} (recorded before OKX added it) is replayed with {@code
 * book.sequence=none}: the collector numbers the book and verifies its checksums.
 */
final class OkxSimulation implements Simulation {
  static final String DEMO_CAPTURE = "/captures/okx/okx-btcusdt-20240808.capture";
  static final String INSTRUMENTS = "/captures/okx/instruments-spot.json";
  private static final Pattern ARG = Pattern.compile("^\\{\"arg\":\\{\"channel\":\"([A-Za-z0-9-]+)\",\"instId\":\"([^\"]+)\"");

  private boolean sequenced = true;

  @Override
  public String wsPath() {
    return "/ws/v5/public";
  }

  @Override
  public String demoCapture() {
    return DEMO_CAPTURE;
  }

  @Override
  public Map<String, String> demoSnapshots() {
    return Map.of();
  }

  @Override
  public boolean recognizes(List<String> frames) {
    for (String f : frames) {
      Matcher m = ARG.matcher(f);
      if (m.find() && OkxMessageParser.kind(m.group(1)) != null) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Contents scan(List<CaptureFile.Entry> capture) {
    Set<String> symbols = new TreeSet<>();
    Set<String> channels = new TreeSet<>();
    boolean books = false;
    boolean seqIds = false;
    for (CaptureFile.Entry e : capture) {
      Matcher m = ARG.matcher(e.frame());
      if (!m.find()) {
        continue;
      }
      String kind = OkxMessageParser.kind(m.group(1));
      if (kind == null) {
        continue;
      }
      symbols.add(m.group(2));
      channels.add(kind.equals("books") ? m.group(1) : kind);
      if (kind.equals("books")) {
        books = true;
        seqIds |= e.frame().contains("\"seqId\":");
      }
    }
    if (channels.contains("trades")) {
      channels.add("candles"); // the venue's bars, made from the trades played
    }
    this.sequenced = !books || seqIds;
    Map<String, String> settings = new TreeMap<>();
    settings.put(OkxVenue.BOOK_SEQUENCE_CONFIG, sequenced ? "seqid" : "none");
    return new Contents(symbols, channels, settings);
  }

  @Override
  public VenueProfile profile(Map<String, String> snapshots) {
    return new OkxSimProfile(sequenced, resource(INSTRUMENTS));
  }

  static String resource(String name) {
    try (InputStream in = OkxSimulation.class.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<CaptureFile.Entry> loop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover, long firstLoop) {
    if (playAs != null) {
      throw new IllegalArgumentException("an OKX capture plays its own instruments");
    }
    if (!sequenced) {
      throw new IllegalArgumentException("an OKX capture from before seqId plays as recorded (its checksums are of its own books)");
    }
    return new OkxCaptureLoop(capture, cover, firstLoop);
  }
}
