package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.producers.book.BookSync;
import io.ticklake.producers.core.Collector;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.CollectorMain;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.VenueSimulator;
import io.ticklake.registry.RegistryConfig;
import io.ticklake.registry.RegistryServer;
import io.ticklake.schema.serde.AvroWireDeserializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reload} of the symbol list reaches a running collector without a restart: the watched
 * symbols file changes, the collector subscribes and unsubscribes on its one live connection
 * (Binance's SUBSCRIBE/UNSUBSCRIBE, served by the simulator), starts a book sync for the added
 * symbol and stops it for the dropped one. Real capture, real broker, real registry.
 */
@Tag("integration")
class SymbolReloadIT {
  private static final String CAPTURE = "/captures/binance-usdm/btcusdt-20240808.capture";
  private static final String SNAPSHOTS = "/captures/binance-usdm/btcusdt-20240808.snapshots.jsonl";

  @TempDir Path tmp;
  private EmbeddedKafka kafka;
  private RegistryServer registry;
  private VenueSimulator sim;
  private CollectorMain.Collecting collecting;

  @BeforeEach
  void start() throws Exception {
    kafka = EmbeddedKafka.start();
    registry =
        new RegistryServer(
                new RegistryConfig(
                    Map.of(
                        RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
                        RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())))
            .start();
    List<CaptureFile.Entry> capture = CaptureFile.readResource(CAPTURE);
    String snapshot = CaptureReplayTest.readResource(SNAPSHOTS).strip();
    // A quarter of the recorded pace: the 12 s capture plays over about 50 s, time for two reloads.
    sim = new VenueSimulator(capture, new BinanceUsdmSimProfile(Map.of("BTCUSDT", snapshot)), 0.25).start(0);
  }

  @AfterEach
  void stop() {
    if (collecting != null) {
      collecting.close();
    }
    sim.close();
    registry.close();
    kafka.close();
  }

  private void writeSymbols(Path file, String symbols) throws Exception {
    // Written aside and renamed into place, as the launcher does: the watcher never reads half a file.
    Path part = file.resolveSibling(file.getFileName() + ".part");
    Files.writeString(part, "symbols=" + symbols + "\n");
    Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aChangedSymbolListIsAppliedOnTheLiveConnection() throws Exception {
    Path symbolsFile = tmp.resolve("collector-symbols.properties");
    writeSymbols(symbolsFile, "ETHUSDT");
    Properties props = new Properties();
    props.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(CollectorConfig.SYMBOLS_CONFIG, "SOLUSDT"); // the file wins
    props.put(CollectorConfig.CHANNELS_CONFIG, "trade,depth@0ms,bookTicker");
    props.put(CollectorConfig.WS_URL_CONFIG, sim.wsUrl());
    props.put(CollectorConfig.REST_URL_CONFIG, sim.restUrl());
    props.put(CollectorConfig.SYMBOLS_FILE_CONFIG, symbolsFile.toString());
    props.put(CollectorConfig.SYMBOLS_POLL_MS_CONFIG, "100");
    // ETHUSDT alone gets no frames from this capture; the idle watchdog must not reconnect meanwhile.
    props.put(CollectorConfig.WS_IDLE_TIMEOUT_MS_CONFIG, "300000");
    props.put(CollectorConfig.VENUE_CONFIG, "binance-usdm");
    collecting = CollectorMain.start(props);
    Collector running = collecting.collector();

    await().atMost(Duration.ofSeconds(30)).until(() -> sim.subscriptions().size() == 1);
    assertThat(sim.subscriptions().get(0)).containsExactlyInAnyOrder("ethusdt@trade", "ethusdt@depth@0ms", "ethusdt@bookTicker");
    assertThat(running.runtime().symbols()).containsExactly("ETHUSDT");

    // Add BTCUSDT: subscribed on the open connection, its book synced from a REST snapshot.
    writeSymbols(symbolsFile, "ETHUSDT,BTCUSDT");
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      BookSync sync = running.runtime().bookSync("BTCUSDT");
      return sync != null && sync.state() == BookSync.State.SYNCED && running.metrics().channel("trade").produced.get() >= 20;
    });
    assertThat(sim.subscriptions().get(0)).contains("btcusdt@trade", "btcusdt@depth@0ms", "btcusdt@bookTicker");
    assertThat(running.connections().get(0).uri().getQuery()).contains("btcusdt@trade");

    // Drop BTCUSDT: unsubscribed, its book sync stopped; the connection is still the first one.
    writeSymbols(symbolsFile, "ETHUSDT");
    await().atMost(Duration.ofSeconds(30)).until(() -> !sim.subscriptions().get(0).contains("btcusdt@trade"));
    assertThat(running.runtime().bookSync("BTCUSDT")).isNull();
    assertThat(running.runtime().symbols()).containsExactly("ETHUSDT");
    long sentWhileSubscribed = sim.framesSent("btcusdt@trade");
    await().atMost(Duration.ofSeconds(90)).until(sim::finished);
    assertThat(sim.framesSent("btcusdt@trade")).as("no trade sent after UNSUBSCRIBE").isEqualTo(sentWhileSubscribed).isLessThan(491);
    assertThat(sim.connections()).as("one connection throughout: no reconnect, no restart").isEqualTo(1);
    assertThat(running.reconnects()).isZero();
    assertThat(sim.clientFrames()).isEqualTo(2);

    // Every trade sent while subscribed reached Kafka, and the added symbol's book did too.
    await().atMost(Duration.ofSeconds(30)).until(() -> running.metrics().channel("trade").produced.get() == sentWhileSubscribed);
    List<Trade> trades = consume(Topics.TRADES, (int) sentWhileSubscribed, Trade.class);
    assertThat(trades).extracting(Trade::getSymbol).containsOnly("BTCUSDT");
    List<BookDelta> book = consume(Topics.BOOK, 1, BookDelta.class);
    assertThat(book).extracting(BookDelta::getSymbol).contains("BTCUSDT");
    assertThat(book.get(0).getSnapshot()).as("a synced book starts from its snapshot").isTrue();
  }

  @Test
  void anInvalidListIsRefusedAndTheRunningOneKept() throws Exception {
    Path symbolsFile = tmp.resolve("collector-symbols.properties");
    writeSymbols(symbolsFile, "BTCUSDT");
    Properties props = new Properties();
    props.put(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, registry.url());
    props.put(CollectorConfig.CHANNELS_CONFIG, "trade,depth@0ms,bookTicker");
    props.put(CollectorConfig.WS_URL_CONFIG, sim.wsUrl());
    props.put(CollectorConfig.REST_URL_CONFIG, sim.restUrl());
    props.put(CollectorConfig.SYMBOLS_FILE_CONFIG, symbolsFile.toString());
    props.put(CollectorConfig.SYMBOLS_POLL_MS_CONFIG, "100");
    props.put(CollectorConfig.VENUE_CONFIG, "binance-usdm");
    collecting = CollectorMain.start(props);
    await().atMost(Duration.ofSeconds(30)).until(() -> sim.subscriptions().size() == 1);

    writeSymbols(symbolsFile, "BTC USDT");
    collecting.watcher().check();
    writeSymbols(symbolsFile, "");
    collecting.watcher().check();
    assertThat(collecting.collector().runtime().symbols()).containsExactly("BTCUSDT");
    assertThat(sim.subscriptions().get(0)).containsExactlyInAnyOrder("btcusdt@trade", "btcusdt@depth@0ms", "btcusdt@bookTicker");
    assertThat(sim.clientFrames()).isZero();
  }

  private <T extends SpecificRecord> List<T> consume(String topic, int atLeast, Class<T> type) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "symbol-reload-it-" + topic);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put("schema.registry.url", registry.url());
    props.put("specific.avro.reader", true);
    AvroWireDeserializer<T> values = new AvroWireDeserializer<>();
    values.configure(props, false);
    List<T> out = new ArrayList<>();
    try (KafkaConsumer<String, T> c = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
      c.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        for (ConsumerRecord<String, T> r : c.poll(Duration.ofMillis(200))) {
          out.add(type.cast(r.value()));
        }
        return out.size() >= atLeast;
      });
    }
    return out;
  }
}
