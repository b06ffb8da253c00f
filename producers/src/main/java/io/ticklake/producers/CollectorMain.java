package io.ticklake.producers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ticklake.producers.core.Collector;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.CollectorMetrics;
import io.ticklake.producers.core.SymbolsFileWatcher;
import io.ticklake.producers.core.Venues;
import io.ticklake.schema.ops.ComponentEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one venue's collector. Arguments: {@code --venue ID} (or the {@code venue} key), an optional
 * properties file, then {@code key=value} overrides; keys are those of {@link CollectorConfig}
 * ({@code bootstrap.servers}, {@code schema.registry.url}, {@code symbols}, {@code ws.url}, {@code
 * rest.url}, {@code channels}, ..., also as {@code venue.<id>.<key>}). Point {@code ws.url}/{@code
 * rest.url} at a {@link io.ticklake.producers.sim.VenueSimulator} to run on recorded data; nothing
 * else changes.
 */
public final class CollectorMain {
  private static final Logger log = LoggerFactory.getLogger(CollectorMain.class);

  private CollectorMain() {}

  public static void main(String[] args) throws Exception {
    Collecting collecting = start(properties(args));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping collector (SIGTERM): closing the connections, then flushing the producers");
      // close() stops the WebSockets first, so no frame arrives after the flush; the producers'
      // close waits for every record in flight to be acknowledged (up to 10 s each).
      collecting.close();
      CollectorMetrics m = collecting.collector().metrics();
      log.info("collector stopped: received {}, written {}, raw written {}, raw errors {}; {}",
          m.received(), m.written(), m.rawProduced().get(), m.rawErrors().get(), m);
      stopped.countDown();
    }, "collector-shutdown"));
    stopped.await();
  }

  /**
   * A running collector, the watcher of its symbols file ({@code null} without one) and its
   * /metrics and /status endpoint ({@code null} when turned off).
   */
  public record Collecting(Collector collector, SymbolsFileWatcher watcher, ComponentEndpoint endpoint)
      implements AutoCloseable {
    @Override
    public void close() {
      if (watcher != null) {
        watcher.close();
      }
      collector.close();
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  /**
   * Starts collecting. With {@code symbols.file}, the file's list wins over {@code symbols} (a
   * reload may have rewritten it since these settings were written, e.g. before a restart after a
   * crash) and later changes to it are applied live.
   */
  public static Collecting start(Properties props) throws IOException {
    CollectorConfig config = CollectorConfig.of(props);
    Path symbolsFile = config.symbolsFile();
    if (symbolsFile != null && Files.exists(symbolsFile)) {
      config = config.with(CollectorConfig.SYMBOLS_CONFIG, String.join(",", SymbolsFileWatcher.read(symbolsFile)));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Collector collector = Collector.start(config, registry);
    ComponentEndpoint endpoint =
        config.opsHttpPort() < 0
            ? null
            : ComponentEndpoint.start(config.opsHttpAddress(), config.opsHttpPort(), config.opsHttpUrlFile(),
                registry::scrape, () -> json(collector));
    SymbolsFileWatcher watcher =
        symbolsFile == null
            ? null
            : new SymbolsFileWatcher(symbolsFile, config.symbols(), collector::applySymbols).start(config.symbolsPoll());
    return new Collecting(collector, watcher, endpoint);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  static String json(Collector collector) {
    try {
      return JSON.writeValueAsString(collector.status());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code --venue ID}, a properties file and {@code key=value} arguments, later ones winning. */
  static Properties properties(String[] args) throws IOException {
    Properties props = new Properties();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--venue")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--venue needs an id: one of " + String.join(", ", Venues.ids()));
        }
        props.setProperty(CollectorConfig.VENUE_CONFIG, args[++i]);
        continue;
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        props.setProperty(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
      } else {
        try (InputStream in = Files.newInputStream(Path.of(arg))) {
          Properties file = new Properties();
          file.load(in);
          file.forEach(props::putIfAbsent);
        }
      }
    }
    return props;
  }
}
