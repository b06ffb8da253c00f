package io.ticklake.producers;

import io.ticklake.producers.binance.BinanceUsdmCollector;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Binance USD-M collector. Arguments: an optional properties file, then {@code key=value}
 * overrides; keys are those of {@link CollectorConfig} ({@code bootstrap.servers}, {@code
 * schema.registry.url}, {@code symbols}, {@code ws.url}, {@code rest.url}, {@code channels}, ...).
 * Point {@code ws.url}/{@code rest.url} at a {@link io.ticklake.producers.sim.VenueSimulator} to
 * run on recorded data; nothing else changes.
 */
public final class CollectorMain {
  private static final Logger log = LoggerFactory.getLogger(CollectorMain.class);

  private CollectorMain() {}

  public static void main(String[] args) throws Exception {
    CollectorConfig config = new CollectorConfig(properties(args));
    BinanceUsdmCollector.Running running = BinanceUsdmCollector.run(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping collector: {}", running.metrics());
      running.close();
      stopped.countDown();
    }, "collector-shutdown"));
    stopped.await();
  }

  static Properties properties(String[] args) throws IOException {
    Properties props = new Properties();
    for (String arg : args) {
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
