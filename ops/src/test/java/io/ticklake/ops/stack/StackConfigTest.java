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
                "s3.endpoint", "https://s3.eu-west-1.amazonaws.com", "data.dir", tmp.toString()));
    assertThat(c.embeddedKafka()).isFalse();
    assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(c.embeddedS3()).isFalse();
    assertThat(c.embeddedRegistry()).isTrue();
    assertThat(new LocalStack(c, tmp).components())
        .extracting(ComponentSpec::name)
        .containsExactly("registry", "connect", "streams", "collector");
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
}
