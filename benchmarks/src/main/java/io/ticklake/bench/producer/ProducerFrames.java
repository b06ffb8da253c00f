package io.ticklake.bench.producer;

import io.ticklake.producers.sim.CaptureFile;
import java.util.List;

/** The real frames the producer benchmarks run on: the capture shipped with the producers. */
final class ProducerFrames {
  static final String CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  static final String SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  private ProducerFrames() {}

  /** The 3,291 frames of BTCUSDT, 2024-08-08, with their receive times. */
  static List<CaptureFile.Entry> capture() {
    return CaptureFile.readResource(CAPTURE);
  }
}
