package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackConfigTest {
  @TempDir Path tmp;

  @Test
  void defaultsAreTheUsualPortsAndEverythingEmbedded() throws Exception {
    StackConfig c = StackConfig.load(null, Map.of(), Map.of());
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.registryUrl()).isEqualTo("http://127.0.0.1:8081");
    assertThat(c.connectUrl()).isEqualTo("http://127.0.0.1:8083");
    assertThat(c.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(c.port(StackConfig.HTTP_PORT_CONFIG)).isEqualTo(8088);
    assertThat(c.embeddedKafka() && c.embeddedRegistry() && c.embeddedConnect() && c.embeddedS3())
        .isTrue();
    assertThat(c.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
  }

  @Test
  void fileThenEnvironmentThenFlagsWin() throws Exception {
    Path file = tmp.resolve("t.properties");
    Files.writeString(file, "kafka.port=19092\nregistry.port=18081\nconnect.port=18083\n");
    StackConfig c =
        StackConfig.load(
            file,
            Map.of("TICKLAKE_REGISTRY_PORT", "28081", "TICKLAKE_CONNECT_PORT", "28083"),
            Map.of("connect.port", "38083"));
    assertThat(c.port(StackConfig.KAFKA_PORT_CONFIG)).isEqualTo(19092);
    assertThat(c.port(StackConfig.REGISTRY_PORT_CONFIG)).isEqualTo(28081);
    assertThat(c.port(StackConfig.CONNECT_PORT_CONFIG)).isEqualTo(38083);
  }

  @Test
  void externalEndpointsTurnOffTheEmbeddedParts() throws Exception {
    StackConfig c =
        StackConfig.load(
            null,
            Map.of("TICKLAKE_KAFKA_BOOTSTRAP_SERVERS", "kafka-1:9092,kafka-2:9092"),
            Map.of(
                "s3.endpoint", "https://s3.eu-west-1.amazonaws.com", "data.dir", tmp.toString(), "venues", "binance-usdm"));
    assertThat(c.embeddedKafka()).isFalse();
    assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(c.embeddedS3()).isFalse();
    assertThat(c.embeddedRegistry()).isTrue();
    assertThat(new LocalStack(c, tmp).components())
        .extracting(ComponentSpec::name)
        .containsExactly("registry", "connect", "streams", "collector-binance-usdm");
    // Listing the parts (as status does) writes nothing.
    assertThat(tmp.resolve("conf")).doesNotExist();
  }

  @Test
  void invalidValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("kafka.port", "nine")))
        .hasMessageContaining("kafka.port");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("http.port", "70000")))
        .hasMessageContaining("http.port");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("kafka.prot", "1")))
        .hasMessageContaining("kafka.prot");
    assertThatThrownBy(
            () -> StackConfig.load(null, Map.of(), Map.of("streams.processing.guarantee", "exactly_once")))
        .hasMessageContaining("streams.processing.guarantee");
  }

  @Test
  void secretsAreMaskedInPrintableViews() throws Exception {
    StackConfig c =
        StackConfig.load(null, Map.of("TICKLAKE_S3_SECRET_ACCESS_KEY", "hunter2"), Map.of());
    assertThat(c.get(StackConfig.S3_SECRET_KEY_CONFIG)).isEqualTo("hunter2");
    assertThat(c.redacted().toString()).doesNotContain("hunter2");
  }

  @Test
  void theIssuesShortEnvironmentNamesMapOntoKeysAndTicklakeNamesWin() throws Exception {
    StackConfig c =
        StackConfig.load(
            null,
            Map.of(
                "SYMBOLS", "BTCUSDT,ETHUSDT",
                "RUN_HOURS", "24",
                "WIN_SECS", "600",
                "ACTIVE_TPS", "2.5",
                "VALIDATE_INTERVAL_MIN", "15",
                "DQ_FAIL_MAX_TOL", "3",
                "HTTP_PORT", "18088",
                "TICKLAKE_HTTP_PORT", "28088"),
            Map.of());
    assertThat(c.get(StackConfig.SYMBOLS_CONFIG)).isEqualTo("BTCUSDT,ETHUSDT");
    assertThat(c.doubleValue(StackConfig.RUN_HOURS_CONFIG)).isEqualTo(24.0);
    assertThat(c.intValueOf(StackConfig.FEATURES_WIN_SECS_CONFIG)).isEqualTo(600);
    assertThat(c.doubleValue(StackConfig.FEATURES_ACTIVE_TPS_CONFIG)).isEqualTo(2.5);
    assertThat(c.intValueOf(StackConfig.VALIDATE_INTERVAL_MIN_CONFIG)).isEqualTo(15);
    assertThat(c.intValueOf(StackConfig.DQ_FAIL_MAX_TOL_CONFIG)).isEqualTo(3);
    assertThat(c.port(StackConfig.HTTP_PORT_CONFIG)).isEqualTo(28088);
  }

  @Test
  void everyKeyRefusesAValueOutsideItsFormNamingKeyAndForm() {
    Map<String, String> bad =
        Map.ofEntries(
            Map.entry("symbols", "BTC USDT"),
            Map.entry("run.hours", "-1"),
            Map.entry("features.win.secs", "5"),
            Map.entry("features.active.tps", "fast"),
            Map.entry("validate.interval.min", "1.5"),
            Map.entry("dq.fail.max.tol", "0"),
            Map.entry("dq.completeness.min", "1.2"),
            Map.entry("dq.regimes.min", "5"),
            Map.entry("simulate", "yes"),
            Map.entry("simulate.speed", "0"),
            Map.entry("kafka.bootstrap.servers", "kafka-1"),
            Map.entry("schema.registry.url", "registry:8081"),
            Map.entry("s3.bucket.name", "Tick_Lake"),
            Map.entry("http.bind", "local host"),
            Map.entry("venues", "Binance USD-M"),
            Map.entry("ready.timeout.seconds", "0"));
    bad.forEach(
        (k, v) ->
            assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of(k, v)))
                .as(k + "=" + v)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(k + " must be ")
                .hasMessageContaining("got '" + v + "'"));
  }

  @Test
  void perVenueKeysAreTheVenuesCollectorKeysAndAreCheckedAtLoad() throws Exception {
    StackConfig c = StackConfig.load(null, Map.of(), Map.of("venue.binance-usdm.symbols", "ethusdt", "venue.binance-usdm.rest.budget", "1200",
        "venues", "binance-usdm"));
    StackVenues.VenueRun run = StackVenues.plan(c).get(0);
    assertThat(run.symbols()).containsExactly("ETHUSDT");
    assertThat(run.collectorSettings()).containsEntry("rest.budget", "1200");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("venue.nosuch.symbols", "X")))
        .hasMessageContaining("unknown venue 'nosuch'").hasMessageContaining("binance-usdm");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("venue.binance-usdm.sybmols", "X")))
        .hasMessageContaining("unknown configuration key 'venue.binance-usdm.sybmols'").hasMessageContaining("symbols");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("venue.binance-usdm.bootstrap.servers", "x:1")))
        .as("a key the stack sets itself").hasMessageContaining("unknown configuration key");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("venues", "nosuch")))
        .hasMessageContaining("unknown venue 'nosuch'");
    StackConfig bad = StackConfig.load(null, Map.of(), Map.of("venue.binance-usdm.rest.budget", "lots", "venues", "binance-usdm"));
    assertThatThrownBy(() -> StackVenues.plan(bad)).hasMessageContaining("venue binance-usdm").hasMessageContaining("rest.budget");
  }

  @Test
  void theWallClockNeedsTheRecordedPace() throws Exception {
    StackConfig fast = StackConfig.load(null, Map.of(),
        Map.of("simulate", "true", "venues", "binance-usdm", "simulate.clock", "now", "simulate.speed", "20"));
    assertThatThrownBy(() -> StackVenues.plan(fast)).hasMessageContaining("simulate.clock=now")
        .hasMessageContaining("simulate.speed=1");
    StackConfig atPace = StackConfig.load(null, Map.of(),
        Map.of("simulate", "true", "venues", "binance-usdm", "simulate.clock", "now"));
    assertThat(StackVenues.plan(atPace)).hasSize(1);
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("simulate.clock", "wall")))
        .hasMessageContaining("simulate.clock").hasMessageContaining("auto, now or recorded");
  }

  @Test
  void simulatedVenuesCollectWhatTheirCaptureHoldsAndLoopTheShippedOne() throws Exception {
    StackConfig c = StackConfig.load(null, Map.of(), Map.of("simulate", "true", "venues", "binance-usdm"));
    StackVenues.VenueRun run = StackVenues.plan(c).get(0);
    assertThat(run.symbols()).containsExactly("BTCUSDT");
    assertThat(run.channels()).containsExactlyInAnyOrder("trade", "depth@0ms", "bookTicker");
    assertThat(run.loop()).as("the shipped capture loops").isTrue();
    assertThat(run.capture()).isNull();
    assertThat(run.simulatorPort()).isEqualTo(8765);
  }

  @Test
  void anInvalidValueInTheFileIsRefusedToo() throws Exception {
    Path file = tmp.resolve("t.properties");
    Files.writeString(file, "validate.interval.min=hourly\n");
    assertThatThrownBy(() -> StackConfig.load(file, Map.of(), Map.of()))
        .hasMessage("validate.interval.min must be a whole number from 0 to 10080, got 'hourly'");
  }

  @Test
  void kafkaClientSettingsPassThroughFromFileAndEnvironmentAndStaySecret() throws Exception {
    Path file = tmp.resolve("t.properties");
    Files.writeString(file, "kafka.bootstrap.servers=kafka-1:9093\nkafka.client.security.protocol=SASL_SSL\n");
    StackConfig c =
        StackConfig.load(
            file,
            Map.of(
                "TICKLAKE_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512",
                "TICKLAKE_KAFKA_CLIENT_SASL_JAAS_CONFIG", "x required password=\"hunter2\";"),
            Map.of());
    assertThat(c.kafkaClientProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "x required password=\"hunter2\";");
    assertThat(c.kafkaClientConfig()).containsEntry("bootstrap.servers", "kafka-1:9093");
    assertThat(c.redacted().toString()).doesNotContain("hunter2");
  }

  @Test
  void aSecuredProtocolNeedsAnExternalBroker() {
    assertThatThrownBy(
            () -> StackConfig.load(null, Map.of(), Map.of("kafka.client.security.protocol", "SSL")))
        .hasMessageContaining("kafka.client.security.protocol");
  }

  @Test
  void httpBindsToLocalhostByDefault() throws Exception {
    StackConfig c = StackConfig.load(null, Map.of(), Map.of());
    assertThat(c.get(StackConfig.HTTP_BIND_CONFIG)).isEqualTo("127.0.0.1");
  }

  @Test
  void healthThresholdsAreConfigurableAndInvalidOnesNameTheKey() throws Exception {
    StackConfig c =
        StackConfig.load(null, Map.of("TICKLAKE_HEALTH_DOWN_FAILURES", "5"), Map.of("health.failure.window.minutes", "15"));
    assertThat(c.healthThresholds().downFailures()).isEqualTo(5);
    assertThat(c.healthThresholds().windowText()).isEqualTo("15m");
    assertThat(c.healthThresholds().degradedFailures()).isEqualTo(3);
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("health.down.failures", "3")))
        .hasMessageContaining("health.down.failures must be above health.degraded.failures");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("health.check.interval.ms", "0")))
        .hasMessageContaining("health.check.interval.ms");
    assertThatThrownBy(() -> StackConfig.load(null, Map.of(), Map.of("alert.webhook.url", "ftp://x")))
        .hasMessageContaining("alert.webhook.url");
    assertThat(StackConfig.load(null, Map.of(), Map.of("alert.webhook.url", "https://hooks.example/T0k3n")).redacted())
        .containsEntry("alert.webhook.url", "******");
  }
}
