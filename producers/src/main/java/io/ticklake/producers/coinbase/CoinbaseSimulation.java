package io.ticklake.producers.coinbase;

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
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Coinbase Exchange feed offline: its simulator profile, the shipped capture and its products. */
final class CoinbaseSimulation implements Simulation {
  static final String DEMO_CAPTURE = "/captures/coinbase/coinbase-20210417.capture";
  static final String DEMO_PRODUCTS = "/captures/coinbase/coinbase-20210417.products.json";
  private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"(match|last_match|l2update|snapshot|ticker|heartbeat)\"");
  private static final Pattern PRODUCT = Pattern.compile("\"product_id\"\\s*:\\s*\"([^\"]+)\"");

  @Override
  public String wsPath() {
    return "/";
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
    for (String f : frames) {
      if (TYPE.matcher(f).find() && PRODUCT.matcher(f).find()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Contents scan(List<CaptureFile.Entry> capture) {
    Set<String> products = new TreeSet<>();
    Set<String> channels = new TreeSet<>();
    for (CaptureFile.Entry e : capture) {
      Matcher t = TYPE.matcher(e.frame());
      Matcher p = PRODUCT.matcher(e.frame());
      if (t.find() && p.find()) {
        products.add(p.group(1));
        channels.add(switch (t.group(1)) {
          case "match", "last_match" -> "matches";
          // level2_batch sends the same messages as level2, which needs a key since 2023.
          case "l2update", "snapshot" -> "level2_batch";
          default -> t.group(1);
        });
      }
    }
    channels.add("heartbeat"); // the venue keeps a quiet connection alive with it
    return new Contents(products, channels);
  }

  @Override
  public VenueProfile profile(Map<String, String> snapshots) {
    return new CoinbaseSimProfile(products());
  }

  /** The {@code GET /products} answer recorded with the shipped capture. */
  static String products() {
    try (InputStream in = CoinbaseSimulation.class.getResourceAsStream(DEMO_PRODUCTS)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<CaptureFile.Entry> loop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover, long firstLoop) {
    if (playAs != null) {
      throw new IllegalArgumentException("a Coinbase capture plays its own products");
    }
    return new CoinbaseCaptureLoop(capture, cover, firstLoop);
  }
}
