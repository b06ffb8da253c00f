package io.ticklake.producers;

import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.Connections;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import io.ticklake.producers.rest.BudgetedRestClient;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * {@link CaptureFile} and the simulator read), over the same connections the collector opens, plus,
 * for venues whose book snapshots come over REST, one snapshot per symbol fetched once its first
 * frame arrived (so the capture starts with diffs the snapshot does not cover yet, as the collector
 * sees it live), written as {@code <symbol>-<capture name>.snapshots.jsonl} beside the capture,
 * where the simulator finds it. Arguments: {@code --venue ID} (required), {@code --out FILE}
 * (required), {@code --symbols A,B}, {@code --channels a,b}, {@code --ws-url URL}, {@code
 * --rest-url URL}, {@code --seconds N} (0 = until stopped).
 */
public final class RecorderMain {
  private static final Logger log = LoggerFactory.getLogger(RecorderMain.class);

  /** What to record, and where. */
  public record Options(
      Venue venue, Path out, List<String> symbols, List<String> channels, String wsUrl, String restUrl, Duration duration) {

    public Options {
      symbols = symbols.stream().map(String::trim).filter(s -> !s.isEmpty()).map(venue::nativeSymbol).toList();
      channels = channels.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The snapshots file of {@code symbol}: {@code <symbol>-<capture name without extension>.snapshots.jsonl}. */
    public Path snapshotsFile(String symbol) {
      String name = out.getFileName().toString();
      int dot = name.lastIndexOf('.');
      String stem = dot > 0 ? name.substring(0, dot) : name;
      Path dir = out.toAbsolutePath().getParent();
      return dir.resolve(symbol.toLowerCase(Locale.ROOT) + "-" + stem + ".snapshots.jsonl");
    }

    CollectorConfig collectorConfig() {
      Map<String, Object> p = new HashMap<>();
      p.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, "");
      p.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, "");
      p.put(CollectorConfig.SYMBOLS_CONFIG, String.join(",", symbols));
      p.put(CollectorConfig.CHANNELS_CONFIG, String.join(",", channels));
      p.put(CollectorConfig.WS_URL_CONFIG, wsUrl);
      p.put(CollectorConfig.REST_URL_CONFIG, restUrl);
      return new CollectorConfig(venue, p);
    }
  }

  /** What was recorded. */
  public record Result(long frames, Map<String, Path> snapshots) {}

  private RecorderMain() {}

  public static void main(String[] args) throws Exception {
    record(options(args));
  }

  /** The options of a command line; venue defaults for what it does not say. */
  public static Options options(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      a.put(args[i], args[i + 1]);
    }
    for (String k : a.keySet()) {
      if (!List.of("--venue", "--out", "--symbols", "--channels", "--ws-url", "--rest-url", "--seconds").contains(k)) {
        throw new IllegalArgumentException("unknown argument " + k);
      }
    }
    if (!a.containsKey("--venue")) {
      throw new IllegalArgumentException("--venue ID is required: one of " + String.join(", ", Venues.ids()));
    }
    if (!a.containsKey("--out")) {
      throw new IllegalArgumentException("--out FILE is required");
    }
    Venue venue = Venues.get(a.get("--venue"));
    return new Options(
        venue,
        Path.of(a.get("--out")),
        a.containsKey("--symbols") ? Arrays.asList(a.get("--symbols").split(",")) : venue.defaults().symbols(),
        a.containsKey("--channels") ? Arrays.asList(a.get("--channels").split(",")) : venue.defaults().channels(),
        a.getOrDefault("--ws-url", venue.defaults().wsUrl()),
        a.getOrDefault("--rest-url", venue.defaults().restUrl()),
        Duration.ofSeconds(Long.parseLong(a.getOrDefault("--seconds", "0"))));
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
    CollectorConfig config = o.collectorConfig();
    Venue venue = o.venue();
    Connections connections = venue.connections(config);
    Clock clock = Clock.systemUTC();
    Recorder recorder = null;
    List<ReconnectingWsClient> clients = new ArrayList<>();
    try (BudgetedRestClient rest = new BudgetedRestClient(venue.id(), URI.create(o.restUrl()), venue.restLimits(config), clock);
        Recorder r = new Recorder(o, venue.parser(config),
            connections.bookChannel() == null ? null : venue.books(config, rest, clock).orElse(null))) {
      recorder = r;
      List<String> symbols = o.symbols();
      for (Connections part : connections.parts()) {
        int cap = Math.min(config.wsMaxSymbolsPerConnection(), part.maxSymbolsPerConnection());
        for (int i = 0; i < symbols.size(); i += cap) {
          List<String> group = symbols.subList(i, Math.min(symbols.size(), i + cap));
          ReconnectingWsClient client =
              new ReconnectingWsClient(
                  ReconnectingWsClient.Config.of(part.uri(group))
                      .withMaxFrameBytes(config.wsMaxFrameBytes())
                      .withMessagesPerSecond(config.wsMessagesPerSecond())
                      .withKeepalive(part.keepaliveInterval(), part.keepaliveFrame())
                      .withSubscribeFrames(part.openFrames(group)),
                  r);
          clients.add(client);
          client.start();
        }
      }
      log.info("recording {} {} {} to {} over {} connection(s)", venue.id(), o.symbols(), connections.channels(), o.out(), clients.size());
      if (o.duration().isZero()) {
        stop.await();
      } else {
        stop.await(o.duration().toMillis(), TimeUnit.MILLISECONDS);
      }
      clients.forEach(ReconnectingWsClient::close);
      r.awaitSnapshots(Duration.ofSeconds(10));
    } finally {
      clients.forEach(ReconnectingWsClient::close);
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

  /** Appends each frame as one capture line; asks for each symbol's REST snapshot on its first frame. */
  static final class Recorder implements WsListener, AutoCloseable {
    private final Options options;
    private final FrameParser parser;
    private final BookRules books;
    private final BufferedWriter writer;
    private final Set<String> requested = ConcurrentHashMap.newKeySet();
    private final AtomicLong pendingSnapshots = new AtomicLong();
    final Map<String, Path> written = new ConcurrentHashMap<>();
    final AtomicLong frames = new AtomicLong();

    Recorder(Options options, FrameParser parser, BookRules books) throws IOException {
      this.options = options;
      this.parser = parser;
      this.books = books != null && books.snapshots() == BookRules.Snapshots.REST ? books : null;
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
      if (books == null) {
        return;
      }
      String symbol;
      try {
        ParsedFrame f = parser.parse(text, receiveTime);
        symbol = f.symbol();
      } catch (ParseException e) {
        return; // recorded as it is; nothing to learn from it
      }
      if (symbol != null && options.symbols().contains(symbol) && requested.add(symbol)) {
        pendingSnapshots.incrementAndGet();
        books.fetcher().fetchBody(symbol).whenComplete((body, error) -> {
          if (error == null) {
            writeSnapshot(symbol, body);
          } else {
            log.warn("no snapshot of {} recorded: {}", symbol, error.toString());
          }
          pendingSnapshots.decrementAndGet();
        });
      }
    }

    void awaitSnapshots(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (pendingSnapshots.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
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
