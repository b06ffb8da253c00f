package io.ticklake.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ticklake.registry.internal.RegistryService;
import io.ticklake.registry.internal.RegistryState;
import io.ticklake.registry.internal.RestRouter;
import io.ticklake.registry.internal.RestRouter.Response;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import org.junit.jupiter.api.Test;

/** The REST API as plain calls on an in-memory log. */
class RestRouterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String V1 = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
  private static final String V2_OPTIONAL =
      "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
          + "{\"name\":\"b\",\"type\":[\"null\",\"long\"],\"default\":null}]}";
  private static final String V2_REQUIRED =
      "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
          + "{\"name\":\"b\",\"type\":\"long\"}]}";

  private final InMemoryStore store = new InMemoryStore(CompatibilityLevel.BACKWARD);
  private final RestRouter router = new RestRouter(new RegistryService(store));

  private static String body(String schema) {
    return "{\"schema\":" + TextNode.valueOf(schema) + "}";
  }

  private JsonNode ok(String method, String path, String body) throws Exception {
    String[] parts = path.split("\\?", 2);
    Response r = router.handle(method, parts[0], parts.length > 1 ? parts[1] : null, body);
    assertThat(r.status()).as(method + " " + path + " -> " + r.body()).isEqualTo(200);
    return MAPPER.readTree(r.body());
  }

  private JsonNode fails(int status, int code, String method, String path, String body) throws Exception {
    String[] parts = path.split("\\?", 2);
    Response r = router.handle(method, parts[0], parts.length > 1 ? parts[1] : null, body);
    assertThat(r.status()).as(method + " " + path + " -> " + r.body()).isEqualTo(status);
    JsonNode json = MAPPER.readTree(r.body());
    assertThat(json.path("error_code").asInt()).isEqualTo(code);
    assertThat(json.fieldNames()).toIterable().containsExactlyInAnyOrder("error_code", "message");
    return json;
  }

  @Test
  void rootTypesAndUnknownRoutes() throws Exception {
    assertThat(ok("GET", "/", null).toString()).isEqualTo("{}");
    assertThat(ok("GET", "/schemas/types", null).toString()).isEqualTo("[\"AVRO\"]");
    fails(404, 404, "GET", "/nothing/here", null);
    fails(405, 405, "DELETE", "/schemas/types", null);
    fails(404, 404, "GET", "/schemas/ids/abc", null);
  }

  @Test
  void registerIsIdempotentAndIdsAreGlobal() throws Exception {
    int id = ok("POST", "/subjects/a-value/versions", body(V1)).path("id").asInt();
    assertThat(id).isEqualTo(1);
    // Whitespace differs, canonical form does not.
    assertThat(ok("POST", "/subjects/a-value/versions", body(V1.replace(",", " , "))).path("id").asInt()).isEqualTo(1);
    assertThat(ok("POST", "/subjects/b-value/versions", body(V1)).path("id").asInt()).isEqualTo(1);
    assertThat(ok("POST", "/subjects/a-value/versions", body(V2_OPTIONAL)).path("id").asInt()).isEqualTo(2);

    assertThat(ok("GET", "/subjects", null).toString()).isEqualTo("[\"a-value\",\"b-value\"]");
    assertThat(ok("GET", "/subjects/a-value/versions", null).toString()).isEqualTo("[1,2]");
    JsonNode latest = ok("GET", "/subjects/a-value/versions/latest", null);
    assertThat(latest.path("subject").asText()).isEqualTo("a-value");
    assertThat(latest.path("version").asInt()).isEqualTo(2);
    assertThat(latest.path("id").asInt()).isEqualTo(2);
    assertThat(ok("GET", "/subjects/a-value/versions/1/schema", null).path("fields").get(0).path("name").asText())
        .isEqualTo("a");
    assertThat(ok("GET", "/schemas/ids/1", null).path("schema").asText()).isEqualTo(RegistryService.parse(V1).toString());
    assertThat(ok("GET", "/schemas/ids/1/subjects", null).toString()).isEqualTo("[\"a-value\",\"b-value\"]");
    assertThat(ok("GET", "/schemas/ids/1/versions", null).toString())
        .isEqualTo("[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]");

    JsonNode lookup = ok("POST", "/subjects/a-value", body(V1));
    assertThat(lookup.path("version").asInt()).isEqualTo(1);
    assertThat(lookup.path("id").asInt()).isEqualTo(1);
    fails(404, 40403, "POST", "/subjects/b-value", body(V2_OPTIONAL));
    fails(404, 40401, "POST", "/subjects/nobody", body(V1));
  }

  @Test
  void confluentErrors() throws Exception {
    ok("POST", "/subjects/s/versions", body(V1));
    JsonNode incompatible = fails(409, 409, "POST", "/subjects/s/versions", body(V2_REQUIRED));
    assertThat(incompatible.path("message").asText())
        .startsWith("Schema being registered is incompatible with an earlier schema for subject \"s\"")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(fails(404, 40401, "GET", "/subjects/unknown/versions", null).path("message").asText())
        .isEqualTo("Subject 'unknown' not found.");
    assertThat(fails(404, 40402, "GET", "/subjects/s/versions/7", null).path("message").asText())
        .isEqualTo("Version 7 not found.");
    fails(404, 40403, "GET", "/schemas/ids/99", null);
    fails(422, 42201, "POST", "/subjects/s/versions", body("{\"type\":\"record\",\"name\":\"X\"}"));
    fails(422, 42201, "POST", "/subjects/s/versions", "{\"schema\":\"x\",\"schemaType\":\"PROTOBUF\"}");
    fails(422, 42202, "GET", "/subjects/s/versions/zero", null);
    fails(422, 42202, "GET", "/subjects/s/versions/0", null);
    fails(422, 42203, "PUT", "/config", "{\"compatibility\":\"SIDEWAYS\"}");
    fails(400, 400, "POST", "/subjects/s/versions", "not json");
  }

  @Test
  void compatibilityEndpoint() throws Exception {
    ok("POST", "/subjects/s/versions", body(V1));
    assertThat(ok("POST", "/compatibility/subjects/s/versions/latest", body(V2_OPTIONAL)).toString())
        .isEqualTo("{\"is_compatible\":true}");
    JsonNode verbose = ok("POST", "/compatibility/subjects/s/versions/1?verbose=true", body(V2_REQUIRED));
    assertThat(verbose.path("is_compatible").asBoolean()).isFalse();
    assertThat(verbose.path("messages").get(0).asText()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    assertThat(ok("POST", "/compatibility/subjects/s/versions", body(V2_OPTIONAL)).path("is_compatible").asBoolean()).isTrue();
    fails(404, 40401, "POST", "/compatibility/subjects/none/versions/latest", body(V1));
  }

  @Test
  void configGlobalAndPerSubject() throws Exception {
    assertThat(ok("GET", "/config", null).toString()).isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    assertThat(ok("PUT", "/config", "{\"compatibility\":\"full\"}").toString()).isEqualTo("{\"compatibility\":\"FULL\"}");
    assertThat(ok("GET", "/config", null).path("compatibilityLevel").asText()).isEqualTo("FULL");

    fails(404, 40408, "GET", "/config/s", null);
    assertThat(ok("GET", "/config/s?defaultToGlobal=true", null).path("compatibilityLevel").asText()).isEqualTo("FULL");
    ok("PUT", "/config/s", "{\"compatibility\":\"NONE\"}");
    assertThat(ok("GET", "/config/s", null).path("compatibilityLevel").asText()).isEqualTo("NONE");

    // NONE lets an incompatible change through for this subject only.
    ok("POST", "/subjects/s/versions", body(V1));
    ok("POST", "/subjects/s/versions", body(V2_REQUIRED));
    ok("POST", "/subjects/t/versions", body(V1));
    fails(409, 409, "POST", "/subjects/t/versions", body(V2_REQUIRED));

    assertThat(ok("DELETE", "/config/s", null).path("compatibilityLevel").asText()).isEqualTo("NONE");
    fails(404, 40408, "GET", "/config/s", null);
    fails(404, 40401, "DELETE", "/config/never-seen", null);
    assertThat(ok("DELETE", "/config", null).path("compatibilityLevel").asText()).isEqualTo("FULL");
    assertThat(ok("GET", "/config", null).path("compatibilityLevel").asText()).isEqualTo("BACKWARD");
  }

  @Test
  void softThenPermanentDeletes() throws Exception {
    ok("POST", "/subjects/s/versions", body(V1));
    ok("POST", "/subjects/s/versions", body(V2_OPTIONAL));
    fails(404, 40407, "DELETE", "/subjects/s/versions/1?permanent=true", null);
    assertThat(ok("DELETE", "/subjects/s/versions/1", null).asInt()).isEqualTo(1);
    fails(404, 40406, "DELETE", "/subjects/s/versions/1", null);
    assertThat(ok("GET", "/subjects/s/versions", null).toString()).isEqualTo("[2]");
    assertThat(ok("GET", "/subjects/s/versions?deleted=true", null).toString()).isEqualTo("[1,2]");
    // A soft-deleted schema is still readable by id (old records must stay readable).
    ok("GET", "/schemas/ids/1", null);

    fails(404, 40405, "DELETE", "/subjects/s?permanent=true", null);
    assertThat(ok("DELETE", "/subjects/s", null).toString()).isEqualTo("[2]");
    fails(404, 40404, "DELETE", "/subjects/s", null);
    fails(404, 40401, "GET", "/subjects/s/versions", null);
    assertThat(ok("GET", "/subjects", null).toString()).isEqualTo("[]");
    assertThat(ok("GET", "/subjects?deleted=true", null).toString()).isEqualTo("[\"s\"]");

    assertThat(ok("DELETE", "/subjects/s?permanent=true", null).toString()).isEqualTo("[1,2]");
    assertThat(ok("GET", "/subjects?deleted=true", null).toString()).isEqualTo("[]");
    fails(404, 40403, "GET", "/schemas/ids/1", null);
    fails(404, 40401, "DELETE", "/subjects/s", null);

    // Re-registering gets a new id: ids are never reused while the log remembers the highest.
    assertThat(ok("POST", "/subjects/s/versions", body(V1)).path("id").asInt()).isEqualTo(3);
  }

  @Test
  void subjectsWithSlashesAndSpacesArePercentDecoded() throws Exception {
    ok("POST", "/subjects/md%20x%2Fy+z/versions", body(V1));
    assertThat(ok("GET", "/subjects", null).get(0).asText()).isEqualTo("md x/y+z");
  }

  @Test
  void modelSchemasRegisterAndReplayToTheSameState() throws Exception {
    int trade = ok("POST", "/subjects/md.norm.trades.v1-value/versions", body(Trade.getClassSchema().toString())).path("id").asInt();
    int quote = ok("POST", "/subjects/md.norm.quotes.v1-value/versions", body(Quote.getClassSchema().toString())).path("id").asInt();
    RegistryState replayed = store.replay();
    assertThat(replayed.idOfSchema(Trade.getClassSchema().toString())).contains(trade);
    assertThat(replayed.idOfSchema(Quote.getClassSchema().toString())).contains(quote);
    assertThat(replayed.subjects(false)).containsExactly("md.norm.quotes.v1-value", "md.norm.trades.v1-value");
  }

  @Test
  void conflictingRecordsAreRefusedTheSameWayOnEveryReplay() {
    RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);
    String a = RegistryService.parse(V1).toString();
    String b = RegistryService.parse(V2_OPTIONAL).toString();
    // Two instances raced: both picked id 1 for different schemas, and version 1 of s.
    assertThat(state.apply(RegistryState.schemaKey("s", 1, 1), RegistryState.schemaValue("s", 1, 1, a, false))).isTrue();
    assertThat(state.apply(RegistryState.schemaKey("t", 1, 1), RegistryState.schemaValue("t", 1, 1, b, false))).isFalse();
    assertThat(state.apply(RegistryState.schemaKey("s", 1, 2), RegistryState.schemaValue("s", 1, 2, b, false))).isFalse();
    assertThat(state.apply(RegistryState.schemaKey("u", 1, 5), RegistryState.schemaValue("u", 1, 5, a, false))).isFalse();
    assertThat(state.subjects(true)).containsExactly("s");
    // The loser's tombstone leaves the winner alone.
    state.apply(RegistryState.schemaKey("s", 1, 2), null);
    assertThat(state.version("s", 1)).hasValueSatisfying(v -> assertThat(v.id()).isEqualTo(1));
  }
}
