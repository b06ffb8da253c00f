package io.ticklake.schema.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a stub HTTP server that records requests and answers canned Confluent bodies. */
class CachingSchemaRegistryClientTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "{}";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String sent;
          try (InputStream in = exchange.getRequestBody()) {
            sent = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          requests.add(
              exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                  + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                  + exchange.getRequestHeaders().getFirst("Authorization") + " " + sent);
          byte[] out = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void registersWithEncodedSubjectAndCachesTheId() {
    body = "{\"id\":7}";
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(url());
    assertThat(client.register("md norm/trades", Trade.getClassSchema())).isEqualTo(7);
    assertThat(client.register("md norm/trades", Trade.getClassSchema())).isEqualTo(7);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0))
        .startsWith("POST /subjects/md%20norm%2Ftrades/versions application/vnd.schemaregistry.v1+json null ")
        .contains("\"schemaType\":\"AVRO\"")
        .contains("\"schema\":\"{\\\"type\\\":\\\"record\\\"");
    // The id is now known: no GET needed.
    assertThat(client.getById(7)).isEqualTo(Trade.getClassSchema());
    assertThat(requests).hasSize(1);
  }

  @Test
  void getByIdParsesAndCaches() {
    body = "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(Trade.getClassSchema().toString()) + "}";
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(url());
    assertThat(client.getById(3)).isEqualTo(Trade.getClassSchema());
    assertThat(client.getById(3)).isEqualTo(Trade.getClassSchema());
    assertThat(requests).containsExactly("GET /schemas/ids/3 null null ");
  }

  @Test
  void confluentErrorBodyBecomesTheException() {
    status = 409;
    body = "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}";
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(url());
    assertThatThrownBy(() -> client.register("s", Trade.getClassSchema()))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(409);
              assertThat(e.getMessage()).contains("incompatible");
            });
    status = 404;
    body = "{\"error_code\":40403,\"message\":\"Schema not found\"}";
    assertThatThrownBy(() -> client.lookup("s", Trade.getClassSchema()))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    status = 502;
    body = "<html>bad gateway</html>";
    assertThatThrownBy(() -> client.getById(1))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.status()).isEqualTo(502));
  }

  @Test
  void triesTheNextUrlWhenOneIsDownAndSendsBasicAuth() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    body = "{\"is_compatible\":true}";
    CachingSchemaRegistryClient client =
        new CachingSchemaRegistryClient(
            Map.of(
                CachingSchemaRegistryClient.SCHEMA_REGISTRY_URL_CONFIG,
                "http://127.0.0.1:" + deadPort + "/, " + url(),
                CachingSchemaRegistryClient.BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                "USER_INFO",
                CachingSchemaRegistryClient.BASIC_AUTH_USER_INFO_CONFIG,
                "alice:s3cret"));
    assertThat(client.testCompatibility("s", Trade.getClassSchema())).isTrue();
    assertThat(requests.get(0))
        .startsWith("POST /compatibility/subjects/s/versions/latest application/vnd.schemaregistry.v1+json Basic YWxpY2U6czNjcmV0 ");
  }

  @Test
  void noReachableUrlFails() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      deadPort = socket.getLocalPort();
    }
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient("http://127.0.0.1:" + deadPort);
    assertThatThrownBy(() -> client.getById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> assertThat(e.status()).isEqualTo(SchemaRegistryException.NO_RESPONSE))
        .hasMessageContaining("no schema registry reachable");
  }

  @Test
  void latestIsReadAndCachedForTheTtl() {
    body =
        "{\"subject\":\"s\",\"version\":2,\"id\":5,\"schema\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(Trade.getClassSchema().toString()) + "}";
    CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(url());
    RegisteredSchema latest = client.getLatest("s");
    assertThat(latest).isEqualTo(new RegisteredSchema("s", 5, 2, Trade.getClassSchema()));
    client.getLatest("s");
    assertThat(requests).hasSize(1);
  }

  @Test
  void schemasListsTheModel() {
    assertThat(Schemas.V1_CLASSES).hasSize(9);
    assertThat(Schemas.v1Schemas()).allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("io.ticklake.schema.v1"));
    assertThat(Schemas.of(Trade.class)).isSameAs(Trade.getClassSchema());
  }
}
