package io.ticklake.producers;

import io.ticklake.producers.binance.BinanceMessageParser;
import io.ticklake.producers.binance.BinanceRestSnapshotClient;
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
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a venue's frames to a capture file ({@code <epoch seconds>: <frame>} per line, the format
 * {@link CaptureFile} and the simulator read), over the same {@link ReconnectingWsClient} the
 * collector uses, plus one REST depth snapshot per symbol, fetched once its first frame arrived (so
 * the capture starts with diffs the snapshot does not cover yet, as the collector sees it live) and
 * written as {@code <symbol>-<capture name>.snapshots.jsonl} beside the capture: the file the
 * simulator's {@code --snapshots} reads. Arguments: {@code --out FILE} (required), {@code --symbols
 * BTCUSDT,ETHUSDT}, {@code --channels trade,depth@0ms,bookTicker}, {@code --ws-url URL}, {@code
 * --rest-url URL}, {@code --seconds N} (0 = until stopped).
 */
public final class RecorderMain {
  private static final Logger log = LoggerFactory.getLogger(RecorderMain.class);

  /** What to record, and where. */
  public record Options(
      Path out, List<String> symbols, List<String> channels, String wsUrl, String restUrl, Duration duration) {

    public Options {
      symbols = symbols.stream().map(String::trim).map(s -> s.toUpperCase(Locale.ROOT)).toList();
      channels = channels.stream().map(String::trim).toList();
    }

    /** The snapshots file of {@code symbol}: {@code <symbol>-<capture name without extension>.snapshots.jsonl}. */
    public Path snapshotsFile(String symbol) {
      String name = out.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      Path dir = out.toAbsolutePath().getParent();
      return dir.resolve(symbol.toLowerCase(Locale.ROOT) + "-" + stem + ".snapshots.jsonl");
    }
  }

  /** What was recorded. */
  public record Result(long frames, Map<String, Path> snapshots) {}

  private RecorderMain() {}

  public static void main(String[] args) throws Exception {
    Path out = null;
    List<String> symbols = BinanceUsdmSubscriptions.DEFAULT_SYMBOLS;
    List<String> channels = BinanceUsdmSubscriptions.DEFAULT_CHANNELS;
    String wsUrl = CollectorConfig.WS_URL_DEFAULT;
    String restUrl = CollectorConfig.REST_URL_DEFAULT;
    long seconds = 0;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--out" -> out = Path.of(value);
        case "--symbols" -> symbols = Arrays.asList(value.split(","));
        case "--channels" -> channels = Arrays.asList(value.split(","));
        case "--ws-url" -> wsUrl = value;
        case "--rest-url" -> restUrl = value;
        case "--seconds" -> seconds = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    if (out == null) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    record(new Options(out, symbols, channels, wsUrl, restUrl, Duration.ofSeconds(seconds)));
  }

  /**
   * Records until {@code duration} has passed (zero: until the JVM is asked to stop, e.g. Ctrl-C),
   * then flushes and closes the files. Frames are appended to an existing capture.
   */
  public static Result record(Options o) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await(15, TimeUnit.SECONDS); // let the files be flushed before the JVM goes
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "recorder-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    URI uri = BinanceUsdmSubscriptions.combinedStreamUri(o.wsUrl(), o.symbols(), o.channels());
    Recorder recorder = null;
    try (BinanceRestSnapshotClient rest =
            new BinanceRestSnapshotClient(URI.create(o.restUrl()), new BinanceMessageParser());
        Recorder r = new Recorder(o, rest);
        ReconnectingWsClient client = new ReconnectingWsClient(ReconnectingWsClient.Config.of(uri), r)) {
      recorder = r;
      client.start();
      log.info("recording {} {} to {}", o.symbols(), o.channels(), o.out());
      if (o.duration().isZero()) {
        stop.await();
      } else {
        stop.await(o.duration().toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      closed.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is running
      }
    }
    log.info("recorded {} frames to {}; snapshots: {}", recorder.frames.get(), o.out(), recorder.written);
    return new Result(recorder.frames.get(), Map.copyOf(recorder.written));
  }

  /** Appends each frame as one capture line; asks for each symbol's snapshot on its first frame. */
  static final class Recorder implements WsListener, AutoCloseable {
    private final Options options;
    private final BinanceRestSnapshotClient rest;
    private final BufferedWriter writer;
    private final Set<String> requested = ConcurrentHashMap.newKeySet();
    final Map<String, Path> written = new ConcurrentHashMap<>();
    final AtomicLong frames = new AtomicLong();

    Recorder(Options options, BinanceRestSnapshotClient rest) throws IOException {
      this.options = options;
      this.rest = rest;
      Path dir = options.out().toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      this.writer = Files.newBufferedWriter(options.out(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }

    @Override
    public void onOpen(long connectionId) {
      log.info("recording, connection {}", connectionId);
    }

    @Override
    public void onFrame(String text, Instant receiveTime) {
      synchronized (this) {
        try {
          writer.write(CaptureFile.format(receiveTime, text));
          writer.newLine();
          frames.incrementAndGet();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      String symbol = symbolOf(text);
      if (symbol != null && options.symbols().contains(symbol) && requested.add(symbol)) {
        rest.fetchAnswer(symbol).thenAccept(a -> writeSnapshot(symbol, a.body()));
      }
    }

    private void writeSnapshot(String symbol, String body) {
      Path file = options.snapshotsFile(symbol);
      try {
        Files.writeString(file, body.strip() + System.lineSeparator(), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        written.put(symbol, file);
        log.info("snapshot of {} recorded to {}", symbol, file);
      } catch (IOException e) {
        log.error("cannot write the snapshot of {} to {}", symbol, file, e);
      }
    }

    /** {@code BTCUSDT} of {@code {"stream":"btcusdt@depth@0ms",...}}; null when there is no stream. */
    static String symbolOf(String frame) {
      int i = frame.indexOf("\"stream\":\"");
      if (i < 0) {
        return null;
      }
      int start = i + 10;
      int at = frame.indexOf('@', start);
      return at < 0 ? null : frame.substring(start, at).toUpperCase(Locale.ROOT);
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
