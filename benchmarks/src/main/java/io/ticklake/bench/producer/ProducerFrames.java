package io.ticklake.bench.producer;

import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import io.ticklake.producers.sim.CaptureFile;
import java.util.List;
import java.util.Map;

/** The real frames the producer benchmarks run on: each venue's capture shipped with the producers. */
final class ProducerFrames {
  static final String BINANCE = "binance-usdm";
  static final String COINBASE = "coinbase";
  /** The venues the decode and ingest benchmarks measure. */
  static final List<String> VENUES = List.of(BINANCE, COINBASE);

  static final String CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  static final String SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  private ProducerFrames() {}

  /** The 3,291 frames of BTCUSDT, 2024-08-08, with their receive times. */
  static List<CaptureFile.Entry> capture() {
    return CaptureFile.readResource(CAPTURE);
  }

  /** A venue's shipped capture (Binance USD-M: 3,291 frames of BTCUSDT; Coinbase: 3,630 frames of ten products). */
  static List<CaptureFile.Entry> capture(String venue) {
    return CaptureFile.readResource(Venues.get(venue).simulation().demoCapture());
  }

  /** The collector's parser of a venue, as the collector makes it. */
  static FrameParser parser(String venue) {
    Venue v = Venues.get(venue);
    return v.parser(new CollectorConfig(v, Map.of(
        CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092", CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused")));
  }

  /** The baseline decoder of a venue. */
  static BaselineDecoder baseline(String venue) {
    return switch (venue) {
      case BINANCE -> new JacksonDatabindDecoder(venue);
      case COINBASE -> new CoinbaseJacksonDatabindDecoder(venue);
      default -> throw new IllegalArgumentException("no decode baseline for venue " + venue + "; there is one for " + VENUES);
    };
  }
}
