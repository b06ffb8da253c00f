package io.ticklake.streams;

import io.ticklake.streams.query.QueryServer;
import io.ticklake.streams.query.QueryService;
import io.ticklake.streams.serde.SerdeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the topology: {@code StreamsApp [config.properties]}. Settings from the file, overridden by
 * system properties of the same name ({@code -Dbootstrap.servers=...}).
 */
public final class StreamsApp {
  private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);

  private StreamsApp() {}

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    if (args.length > 0) {
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        props.load(in);
      }
    }
    for (String name : AppConfig.configDef().names()) {
      String v = System.getProperty(name);
      if (v != null) {
        props.setProperty(name, v);
      }
    }
    AppConfig config = new AppConfig(props);
    SerdeFactory serdes = SerdeFactory.forRegistry(config.serdeConfig());
    KafkaStreams streams = new KafkaStreams(TopologyFactory.build(config, serdes), config.streamsProperties());
    QueryServer server = startQueryServer(config, streams);
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch failed = new CountDownLatch(1);
    // A client in ERROR processes nothing more: exit non-zero so the supervisor (./ticklake up)
    // restarts the process with backoff rather than leaving a live JVM that answers stale data.
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.ERROR) {
            log.error("Kafka Streams went from {} to ERROR; exiting so the process is restarted", before);
            failed.countDown();
          }
        });
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutting down");
                  if (server != null) {
                    server.close();
                  }
                  streams.close(Duration.ofSeconds(30));
                  done.countDown();
                },
                "ticklake-streams-shutdown"));
    streams.start();
    log.info("Started {} against {}", config.getString(AppConfig.APPLICATION_ID_CONFIG), config.getString(AppConfig.BOOTSTRAP_SERVERS_CONFIG));
    while (!done.await(1, TimeUnit.SECONDS)) {
      if (failed.getCount() == 0) {
        System.exit(1);
      }
    }
  }

  private static QueryServer startQueryServer(AppConfig config, KafkaStreams streams) throws IOException {
    if (config.httpPort() == 0) {
      return null;
    }
    QueryService service = new QueryService(streams, new HostInfo(config.httpHost(), config.httpPort()), Clock.systemUTC());
    QueryServer server = new QueryServer(service, config.httpBindAddress(), config.httpPort());
    server.start();
    return server;
  }
}
