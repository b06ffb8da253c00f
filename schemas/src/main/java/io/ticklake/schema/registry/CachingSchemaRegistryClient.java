package io.ticklake.schema.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistryClient} over HTTP ({@code java.net.http}) that caches what cannot change:
 * the id of a schema under a subject, and the schema of an id. The latest version of a subject is
 * cached for {@value #LATEST_CACHE_TTL_SEC_CONFIG} seconds only.
 *
 * <p>Several base URLs may be given (comma-separated); on an I/O failure the next one is tried, and
 * the one that answered is tried first next time. An HTTP error answer is not retried elsewhere:
 * every instance serves the same store, so it would answer the same.
 */
public class CachingSchemaRegistryClient implements SchemaRegistryClient {
  private static final Logger log = LoggerFactory.getLogger(CachingSchemaRegistryClient.class);

  /** Comma-separated base URLs of the registry. */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  /** {@code USER_INFO} (the only source supported) or empty for no authentication. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";

  /** {@code user:password} for HTTP basic authentication. */
  public static final String BASIC_AUTH_USER_INFO_CONFIG = "basic.auth.user.info";

  /** Per-request timeout in milliseconds. */
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";

  public static final int REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

  /** How long the latest version of a subject is cached, in seconds; negative caches for ever. */
  public static final String LATEST_CACHE_TTL_SEC_CONFIG = "latest.cache.ttl.sec";

  public static final int LATEST_CACHE_TTL_SEC_DEFAULT = 60;

  /** The registry's own media type, sent as Content-Type and Accept. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<String> baseUrls;
  private final String authorization;
  private final Duration requestTimeout;
  private final long latestTtlNanos;
  private final HttpClient http;
  private volatile int preferredUrl;

  private final Map<String, Map<Schema, Integer>> idBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
  private final Map<String, CachedLatest> latestBySubject = new ConcurrentHashMap<>();

  private record CachedLatest(RegisteredSchema schema, long loadedNanos) {}

  /**
   * A client configured from serializer-style settings: {@value #SCHEMA_REGISTRY_URL_CONFIG}
   * (required), {@value #BASIC_AUTH_USER_INFO_CONFIG}, {@value #REQUEST_TIMEOUT_MS_CONFIG}, {@value
   * #LATEST_CACHE_TTL_SEC_CONFIG}.
   */
  public CachingSchemaRegistryClient(Map<String, ?> configs) {
    Object urls = configs.get(SCHEMA_REGISTRY_URL_CONFIG);
    if (urls == null || urls.toString().isBlank()) {
      throw new IllegalArgumentException(SCHEMA_REGISTRY_URL_CONFIG + " is required");
    }
    this.baseUrls = parseUrls(urls);
    this.authorization = basicAuth(configs);
    this.requestTimeout =
        Duration.ofMillis(intConfig(configs, REQUEST_TIMEOUT_MS_CONFIG, REQUEST_TIMEOUT_MS_DEFAULT));
    int ttl = intConfig(configs, LATEST_CACHE_TTL_SEC_CONFIG, LATEST_CACHE_TTL_SEC_DEFAULT);
    this.latestTtlNanos = ttl < 0 ? Long.MAX_VALUE : Duration.ofSeconds(ttl).toNanos();
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(requestTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    log.debug("Schema registry client for {}", baseUrls);
  }

  /** A client for the given comma-separated base URLs with default settings. */
  public CachingSchemaRegistryClient(String urls) {
    this(Map.of(SCHEMA_REGISTRY_URL_CONFIG, urls));
  }

  @Override
  public int register(String subject, Schema schema) {
    Map<Schema, Integer> ids = idBySubjectAndSchema.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
    int id = answer.path("id").asInt();
    ids.put(schema, id);
    schemaById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemaById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = call("GET", "/schemas/ids/" + id, null);
    Schema schema = parse(answer.path("schema").asText());
    Schema previous = schemaById.putIfAbsent(id, schema);
    return previous != null ? previous : schema;
  }

  @Override
  public int lookup(String subject, Schema schema) {
    Map<Schema, Integer> ids = idBySubjectAndSchema.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = ids.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode answer = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
    int id = answer.path("id").asInt();
    ids.put(schema, id);
    schemaById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public boolean testCompatibility(String subject, Schema schema) {
    JsonNode answer =
        call(
            "POST",
            "/compatibility/subjects/" + encode(subject) + "/versions/latest",
            schemaBody(schema));
    return answer.path("is_compatible").asBoolean(false);
  }

  @Override
  public RegisteredSchema getLatest(String subject) {
    CachedLatest cached = latestBySubject.get(subject);
    if (cached != null && System.nanoTime() - cached.loadedNanos() < latestTtlNanos) {
      return cached.schema();
    }
    JsonNode answer = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
    int id = answer.path("id").asInt();
    Schema schema = schemaById.computeIfAbsent(id, i -> parse(answer.path("schema").asText()));
    RegisteredSchema latest =
        new RegisteredSchema(answer.path("subject").asText(subject), id, answer.path("version").asInt(), schema);
    latestBySubject.put(subject, new CachedLatest(latest, System.nanoTime()));
    return latest;
  }

  /** The base URLs in the order they are tried when none has answered yet. */
  public List<String> baseUrls() {
    return baseUrls;
  }

  private JsonNode call(String method, String path, String body) {
    IOException last = null;
    int start = preferredUrl;
    for (int i = 0; i < baseUrls.size(); i++) {
      int index = (start + i) % baseUrls.size();
      String base = baseUrls.get(index);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(requestTimeout)
              .header("Accept", CONTENT_TYPE)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        log.warn("Schema registry {} unreachable for {} {}: {}", base, method, path, e.toString());
        last = e;
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException("interrupted calling the schema registry", e);
      }
      preferredUrl = index;
      return answer(response);
    }
    throw new SchemaRegistryException(
        "no schema registry reachable at " + baseUrls + " for " + method + " " + path, last);
  }

  private static JsonNode answer(HttpResponse<String> response) {
    int status = response.statusCode();
    JsonNode json;
    try {
      json = response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
    } catch (IOException e) {
      if (status / 100 == 2) {
        throw new SchemaRegistryException(status, status, "unreadable registry answer: " + response.body());
      }
      // A proxy or a servlet container error page rather than the registry itself.
      throw new SchemaRegistryException(status, status, abbreviate(response.body()));
    }
    if (status / 100 != 2) {
      int errorCode = json.path("error_code").asInt(status);
      String message = json.path("message").asText(abbreviate(response.body()));
      throw new SchemaRegistryException(status, errorCode, message);
    }
    return json;
  }

  private static String schemaBody(Schema schema) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("schema", schema.toString());
    body.put("schemaType", "AVRO");
    return body.toString();
  }

  private static Schema parse(String schema) {
    return new Schema.Parser().parse(schema);
  }

  /** Percent-encodes one path segment (a space is %20, not +, inside a path). */
  static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static List<String> parseUrls(Object urls) {
    List<String> out = new ArrayList<>();
    for (String url : urls.toString().split(",")) {
      String trimmed = url.trim();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      if (!trimmed.isEmpty()) {
        out.add(trimmed);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(SCHEMA_REGISTRY_URL_CONFIG + " has no URL: " + urls);
    }
    return List.copyOf(out);
  }

  private static String basicAuth(Map<String, ?> configs) {
    Object source = configs.get(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG);
    if (source != null && !source.toString().isBlank() && !"USER_INFO".equalsIgnoreCase(source.toString())) {
      throw new IllegalArgumentException(
          BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG + " " + source + " is not supported; use USER_INFO");
    }
    Object userInfo = configs.get(BASIC_AUTH_USER_INFO_CONFIG);
    if (userInfo == null || userInfo.toString().isEmpty()) {
      return null;
    }
    if (!userInfo.toString().contains(":")) {
      throw new IllegalArgumentException(BASIC_AUTH_USER_INFO_CONFIG + " must be user:password");
    }
    return "Basic "
        + Base64.getEncoder().encodeToString(userInfo.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static int intConfig(Map<String, ?> configs, String name, int defaultValue) {
    Object value = configs.get(name);
    return value == null ? defaultValue : Integer.parseInt(value.toString().trim());
  }

  private static String abbreviate(String body) {
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }
}
