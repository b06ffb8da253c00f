package io.ticklake.producers;

import io.ticklake.producers.binance.BinanceUsdmSubscriptions;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.ws.ReconnectingWsClient;
import io.ticklake.producers.ws.WsListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a venue's frames to a capture file ({@code <epoch seconds>: <frame>} per line, the format
 * {@link CaptureFile} and the simulator read), over the same {@link ReconnectingWsClient} the
 * collector uses. Arguments: {@code --out FILE} (required), {@code --symbols BTCUSDT,ETHUSDT},
 * {@code --channels trade,depth@0ms,bookTicker}, {@code --ws-url URL}, {@code --seconds N} (0 =
 * until stopped).
 */
public final class RecorderMain {
  private static final Logger log = LoggerFactory.getLogger(RecorderMain.class);

  private RecorderMain() {}

  public static void main(String[] args) throws Exception {
    Path out = null;
    List<String> symbols = BinanceUsdmSubscriptions.DEFAULT_SYMBOLS;
    List<String> channels = BinanceUsdmSubscriptions.DEFAULT_CHANNELS;
    String wsUrl = CollectorConfig.WS_URL_DEFAULT;
    long seconds = 0;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--out" -> out = Path.of(value);
        case "--symbols" -> symbols = Arrays.stream(value.split(",")).map(String::trim).map(String::toUpperCase).toList();
        case "--channels" -> channels = Arrays.stream(value.split(",")).map(String::trim).toList();
        case "--ws-url" -> wsUrl = value;
        case "--seconds" -> seconds = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    URI uri = BinanceUsdmSubscriptions.combinedStreamUri(wsUrl, symbols, channels);
    try (Recorder recorder = new Recorder(out);
        ReconnectingWsClient client = new ReconnectingWsClient(ReconnectingWsClient.Config.of(uri), recorder)) {
      client.start();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "recorder-shutdown"));
      if (seconds > 0) {
        stop.await(seconds, TimeUnit.SECONDS);
      } else {
        stop.await();
      }
      log.info("recorded {} frames to {}", recorder.frames.get(), out);
    }
  }

  /** Appends each frame as one capture line; flushes on close. */
  static final class Recorder implements WsListener, AutoCloseable {
    private final BufferedWriter writer;
    final AtomicLong frames = new AtomicLong();

    Recorder(Path out) throws IOException {
      this.writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public void onOpen(long connectionId) {
      log.info("recording, connection {}", connectionId);
    }

    @Override
    public synchronized void onFrame(String text, Instant receiveTime) {
      try {
        writer.write(CaptureFile.format(receiveTime, text));
        writer.newLine();
        frames.incrementAndGet();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void onClose(String reason) {
      log.warn("recording interrupted: {}", reason);
    }

    @Override
    public synchronized void close() throws IOException {
      writer.close();
    }

  }
}
