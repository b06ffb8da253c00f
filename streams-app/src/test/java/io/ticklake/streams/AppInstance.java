package io.ticklake.streams;

import io.ticklake.streams.query.QueryServer;
import io.ticklake.streams.query.QueryService;
import io.ticklake.streams.serde.SerdeFactory;
import io.ticklake.testkit.EmbeddedKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/** One running instance of the app for the integration tests: Kafka Streams and its query server. */
record AppInstance(KafkaStreams streams, QueryServer server, int port) implements AutoCloseable {

  /** Starts the app under {@code appId} with its state in {@code stateDir} and a free HTTP port. */
  static AppInstance start(EmbeddedKafka kafka, SerdeFactory serdes, String appId, Path stateDir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, Object> settings = new HashMap<>();
    settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    settings.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    settings.put(AppConfig.HTTP_PORT_CONFIG, Integer.toString(port));
    settings.put(StreamsConfig.consumerPrefix("session.timeout.ms"), "10000");
    // Windows closed by the last record would otherwise wait for the next one when it came
    // within emit.interval (1 s of wall clock) of the previous close check (an internal setting).
    settings.put(StreamsConfig.InternalConfig.EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, "0");
    AppConfig config = new AppConfig(settings);
    KafkaStreams streams = new KafkaStreams(TopologyFactory.build(config, serdes), config.streamsProperties());
    QueryServer server = new QueryServer(new QueryService(streams, new HostInfo("localhost", port), Clock.systemUTC()), port);
    server.start();
    streams.start();
    return new AppInstance(streams, server, port);
  }

  @Override
  public void close() {
    server.close();
    streams.close(Duration.ofSeconds(20));
  }
}
