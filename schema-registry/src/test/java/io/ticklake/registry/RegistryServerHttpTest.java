package io.ticklake.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryException;
import io.ticklake.schema.v1.Trade;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer on port 0 with an in-memory log, spoken to by our own client. */
class RegistryServerHttpTest {
  private RegistryServer server;

  @BeforeEach
  void start() throws Exception {
    RegistryConfig config = new RegistryConfig(Map.of(RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0"));
    server = new RegistryServer(config, new InMemoryStore(CompatibilityLevel.BACKWARD)).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void clientAndServerAgree() {
    assertThat(server.port()).isPositive();
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(server.url());
    int id = client.register("md.norm.trades.v1-value", Trade.getClassSchema());
    assertThat(new CachingSchemaRegistryClient(server.url()).getById(id)).isEqualTo(Trade.getClassSchema());
    assertThat(new CachingSchemaRegistryClient(server.url()).lookup("md.norm.trades.v1-value", Trade.getClassSchema()))
        .isEqualTo(id);
    assertThat(client.testCompatibility("md.norm.trades.v1-value", Trade.getClassSchema())).isTrue();
    assertThat(client.getLatest("md.norm.trades.v1-value").version()).isEqualTo(1);
    assertThatThrownBy(() -> client.getLatest("nope"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.errorCode()).isEqualTo(40401);
        });
  }

  @Test
  void contentTypes() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> root =
        http.send(HttpRequest.newBuilder(URI.create(server.url() + "/")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).isEqualTo("{}");
    assertThat(root.headers().firstValue("Content-Type")).contains(RegistryServer.CONTENT_TYPE);

    String body = "{\"compatibility\":\"FULL\"}";
    for (String type : new String[] {"application/json", "application/octet-stream", RegistryServer.CONTENT_TYPE}) {
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(server.url() + "/config"))
                  .header("Content-Type", type)
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(type).isEqualTo(200);
    }
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/config"))
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(415);
    assertThat(refused.body()).contains("\"error_code\":415");
  }

  @Test
  void configLoadsFromFileEnvAndSystemProperties() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("registry", ".properties");
    java.nio.file.Files.writeString(file, "kafkastore.topic=_from_file\nlisteners=http://127.0.0.1:0\nkafkastore.security.protocol=PLAINTEXT\n");
    java.util.Properties system = new java.util.Properties();
    system.setProperty("kafkastore.bootstrap.servers", "broker:9093");
    RegistryConfig config =
        RegistryConfig.load(file, Map.of("SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL", "full"), system);
    assertThat(config.topic()).isEqualTo("_from_file");
    assertThat(config.compatibilityLevel()).isEqualTo(CompatibilityLevel.FULL);
    assertThat(config.kafkaClientConfig())
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "PLAINTEXT")
        .doesNotContainKey("topic");
    assertThat(new RegistryConfig(Map.of()).listenerUri().getHost()).isEqualTo("127.0.0.1");
    java.nio.file.Files.delete(file);
  }
}
