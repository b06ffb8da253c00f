package io.ticklake.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryException;
import io.ticklake.schema.registry.Schemas;
import io.ticklake.schema.v1.Trade;
import io.ticklake.testkit.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The registry on a real KRaft broker: the model, Confluent errors, restarts, two instances. */
@Tag("integration")
class RegistryServerIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static RegistryServer server(String topic) throws Exception {
    return new RegistryServer(
            new RegistryConfig(
                Map.of(
                    RegistryConfig.LISTENERS_CONFIG, "http://127.0.0.1:0",
                    RegistryConfig.KAFKASTORE_BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    RegistryConfig.KAFKASTORE_TOPIC_CONFIG, topic)))
        .start();
  }

  private static HttpResponse<String> call(String method, String url, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", RegistryServer.CONTENT_TYPE)
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String subjectOf(Class<?> type) {
    return "md.it." + type.getSimpleName().toLowerCase() + ".v1-value";
  }

  /** Trade with one more field that has no default: not BACKWARD compatible. */
  private static Schema tradeWithRequiredField() {
    SchemaBuilder.FieldAssembler<Schema> fields =
        SchemaBuilder.record("Trade").namespace("io.ticklake.schema.v1").fields();
    for (Schema.Field f : Trade.getClassSchema().getFields()) {
      fields = fields.name(f.name()).type(f.schema()).noDefault();
    }
    return fields.name("venueFee").type().longType().noDefault().endRecord();
  }

  @Test
  void modelSchemasRegisterAndSurviveARestart() throws Exception {
    String topic = "_schemas_restart";
    Map<String, Integer> ids = new LinkedHashMap<>();
    try (RegistryServer server = server(topic)) {
      assertThat(call("GET", server.url() + "/", null).body()).isEqualTo("{}");
      CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(server.url());
      for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
        ids.put(subjectOf(type), client.register(subjectOf(type), Schemas.of(type)));
      }
      assertThat(ids.values()).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isBetween(1, 9));
      // Idempotent, and the same schema under another subject keeps its global id.
      assertThat(new CachingSchemaRegistryClient(server.url()).register(subjectOf(Trade.class), Trade.getClassSchema()))
          .isEqualTo(ids.get(subjectOf(Trade.class)));
      assertThat(client.register("md.it.trades-copy.v1-value", Trade.getClassSchema()))
          .isEqualTo(ids.get(subjectOf(Trade.class)));

      CachingSchemaRegistryClient fresh = new CachingSchemaRegistryClient(server.url());
      for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
        int id = ids.get(subjectOf(type));
        assertThat(fresh.lookup(subjectOf(type), Schemas.of(type))).isEqualTo(id);
        assertThat(fresh.getById(id)).isEqualTo(Schemas.of(type));
      }

      // An incompatible change under BACKWARD: 409 with Confluent's body.
      String incompatible = "{\"schema\":" + MAPPER.writeValueAsString(tradeWithRequiredField().toString()) + "}";
      HttpResponse<String> refused = call("POST", server.url() + "/subjects/" + subjectOf(Trade.class) + "/versions", incompatible);
      assertThat(refused.statusCode()).isEqualTo(409);
      JsonNode error = MAPPER.readTree(refused.body());
      assertThat(error.path("error_code").asInt()).isEqualTo(409);
      assertThat(error.path("message").asText())
          .startsWith("Schema being registered is incompatible with an earlier schema for subject \"" + subjectOf(Trade.class) + "\"")
          .contains("venueFee");
      assertThat(client.testCompatibility(subjectOf(Trade.class), tradeWithRequiredField())).isFalse();

      // Per-subject NONE lets it through; the global level is untouched.
      assertThat(call("PUT", server.url() + "/config/" + subjectOf(Trade.class), "{\"compatibility\":\"NONE\"}").statusCode())
          .isEqualTo(200);
      assertThat(MAPPER.readTree(call("GET", server.url() + "/config/" + subjectOf(Trade.class), null).body())
              .path("compatibilityLevel").asText()).isEqualTo("NONE");
      assertThat(MAPPER.readTree(call("GET", server.url() + "/config", null).body()).path("compatibilityLevel").asText())
          .isEqualTo("BACKWARD");
      int evolved = client.register(subjectOf(Trade.class), tradeWithRequiredField());
      ids.put("evolved", evolved);
      assertThat(evolved).isEqualTo(10);

      // Delete: soft, then permanent.
      assertThat(call("DELETE", server.url() + "/subjects/md.it.trades-copy.v1-value", null).body()).isEqualTo("[1]");
      assertThat(call("DELETE", server.url() + "/subjects/md.it.trades-copy.v1-value?permanent=true", null).body()).isEqualTo("[1]");

      HttpResponse<String> unknown = call("GET", server.url() + "/subjects/no.such.subject/versions", null);
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).isEqualTo("{\"error_code\":40401,\"message\":\"Subject 'no.such.subject' not found.\"}");
      assertThatThrownBy(() -> client.getLatest("no.such.subject"))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    }

    try (Admin admin = kafka.admin()) {
      TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      assertThat(description.partitions()).hasSize(1);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      assertThat(admin.describeConfigs(Set.of(resource)).all().get().get(resource).get("cleanup.policy").value())
          .isEqualTo("compact");
    }

    // A new instance rebuilds the same state from the topic before it answers.
    try (RegistryServer restarted = server(topic)) {
      CachingSchemaRegistryClient client = new CachingSchemaRegistryClient(restarted.url());
      for (Class<? extends SpecificRecord> type : Schemas.V1_CLASSES) {
        assertThat(client.lookup(subjectOf(type), Schemas.of(type))).isEqualTo(ids.get(subjectOf(type)));
      }
      assertThat(client.getLatest(subjectOf(Trade.class)).id()).isEqualTo(ids.get("evolved"));
      assertThat(MAPPER.readTree(call("GET", restarted.url() + "/config/" + subjectOf(Trade.class), null).body())
              .path("compatibilityLevel").asText()).isEqualTo("NONE");
      assertThat(call("GET", restarted.url() + "/subjects?deleted=true", null).body()).doesNotContain("trades-copy");
      // Ids keep counting up from the highest one in the log.
      Schema next = SchemaBuilder.record("Probe").fields().requiredString("x").endRecord();
      assertThat(client.register("md.it.probe-value", next)).isEqualTo(11);
    }
  }

  @Test
  void twoInstancesOnOneTopicAgree() throws Exception {
    String topic = "_schemas_pair";
    try (RegistryServer a = server(topic);
        RegistryServer b = server(topic)) {
      CachingSchemaRegistryClient onA = new CachingSchemaRegistryClient(a.url());
      CachingSchemaRegistryClient onB = new CachingSchemaRegistryClient(b.url());

      int tradeId = onA.register(subjectOf(Trade.class), Trade.getClassSchema());
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(new CachingSchemaRegistryClient(b.url()).lookup(subjectOf(Trade.class), Trade.getClassSchema()))
              .isEqualTo(tradeId));
      assertThat(onB.getById(tradeId)).isEqualTo(Trade.getClassSchema());

      // B continues A's numbering, and A sees B's schema.
      Schema quote = Schemas.v1Schemas().get(1);
      int quoteId = onB.register("md.it.quote.v1-value", quote);
      assertThat(quoteId).isEqualTo(tradeId + 1);
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(new CachingSchemaRegistryClient(a.url()).lookup("md.it.quote.v1-value", quote))
              .isEqualTo(quoteId));

      // Racing registrations of different schemas on both instances still end with one id per schema.
      List<CompletableFuture<Integer>> racing = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Schema probe = SchemaBuilder.record("Race" + i).fields().requiredLong("n").endRecord();
        CachingSchemaRegistryClient client = i % 2 == 0 ? onA : onB;
        String subject = "md.it.race-" + i + "-value";
        racing.add(CompletableFuture.supplyAsync(() -> client.register(subject, probe)));
      }
      Set<Integer> raceIds = new HashSet<>();
      for (CompletableFuture<Integer> f : racing) {
        raceIds.add(f.get());
      }
      assertThat(raceIds).hasSize(4).doesNotContain(tradeId, quoteId);
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                String subjectsOnA = call("GET", a.url() + "/subjects", null).body();
                String subjectsOnB = call("GET", b.url() + "/subjects", null).body();
                assertThat(subjectsOnA).isEqualTo(subjectsOnB).contains("md.it.race-3-value");
              });
      for (int i = 0; i < 4; i++) {
        String subject = "md.it.race-" + i + "-value";
        assertThat(new CachingSchemaRegistryClient(a.url()).getLatest(subject).id())
            .isEqualTo(new CachingSchemaRegistryClient(b.url()).getLatest(subject).id());
      }
    }
  }
}
