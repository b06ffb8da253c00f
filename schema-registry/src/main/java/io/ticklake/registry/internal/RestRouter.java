package io.ticklake.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.registry.CompatibilityLevel;
import io.ticklake.registry.RegistryException;
import io.ticklake.registry.internal.RegistryState.SchemaVersion;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps Confluent Schema Registry REST calls to {@link RegistryService}, without any HTTP server
 * types, so routing is tested as plain calls. Every answer is JSON; errors are Confluent-shaped
 * {@code {"error_code":..., "message":...}}.
 */
public final class RestRouter {
  private static final Logger log = LoggerFactory.getLogger(RestRouter.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** An HTTP answer: status and JSON body. */
  public record Response(int status, String body) {}

  private final RegistryService service;

  public RestRouter(RegistryService service) {
    this.service = service;
  }

  /**
   * Answers one request.
   *
   * @param rawPath the path as sent, still percent-encoded (so a subject may contain '/')
   * @param rawQuery the query string as sent, or null
   */
  public Response handle(String method, String rawPath, String rawQuery, String body) {
    try {
      List<String> path = segments(rawPath);
      Map<String, String> query = query(rawQuery);
      Object answer = route(method, path, query, body);
      if (answer instanceof RawJson raw) {
        return new Response(200, raw.json());
      }
      return new Response(200, MAPPER.writeValueAsString(answer));
    } catch (RegistryException e) {
      if (e.status() >= 500) {
        log.error("{} {} failed: {}", method, rawPath, e.getMessage(), e.getCause());
      } else {
        log.debug("{} {} refused: {} {}", method, rawPath, e.errorCode(), e.getMessage());
      }
      return error(e.status(), e.errorCode(), e.getMessage());
    } catch (IOException e) {
      return error(500, 50001, "Error in the backend data store: " + e);
    } catch (RuntimeException e) {
      log.error("{} {} failed unexpectedly", method, rawPath, e);
      return error(500, 500, "Internal Server Error: " + e);
    }
  }

  /** A Confluent error body. */
  public static Response error(int status, int errorCode, String message) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("error_code", errorCode);
    node.put("message", message);
    return new Response(status, node.toString());
  }

  private record RawJson(String json) {}

  private Object route(String method, List<String> p, Map<String, String> q, String body) throws IOException {
    boolean deleted = Boolean.parseBoolean(q.get("deleted"));
    int n = p.size();
    if (n == 0) {
      return only(method, "GET", MAPPER.createObjectNode());
    }
    switch (p.get(0)) {
      case "schemas":
        if (n == 2 && p.get(1).equals("types")) {
          return only(method, "GET", List.of("AVRO"));
        }
        if (n >= 3 && p.get(1).equals("ids")) {
          int id = schemaId(p.get(2));
          if (n == 3) {
            return only(method, "GET", Map.of("schema", service.schemaById(id)));
          }
          if (n == 4 && p.get(3).equals("schema")) {
            return only(method, "GET", new RawJson(service.schemaById(id)));
          }
          if (n == 4 && p.get(3).equals("subjects")) {
            only(method, "GET", null);
            return service.usesOfId(id, deleted).stream().map(SchemaVersion::subject).distinct().toList();
          }
          if (n == 4 && p.get(3).equals("versions")) {
            only(method, "GET", null);
            ArrayNode out = MAPPER.createArrayNode();
            for (SchemaVersion v : service.usesOfId(id, deleted)) {
              out.addObject().put("subject", v.subject()).put("version", v.version());
            }
            return out;
          }
        }
        break;
      case "subjects":
        return subjects(method, p, q, body, deleted);
      case "compatibility":
        if (n >= 4 && p.get(1).equals("subjects") && p.get(3).equals("versions") && n <= 5) {
          only(method, "POST", null);
          List<String> messages = service.compatibility(p.get(2), n == 5 ? p.get(4) : null, schemaOf(body));
          ObjectNode out = MAPPER.createObjectNode().put("is_compatible", messages.isEmpty());
          if (Boolean.parseBoolean(q.get("verbose"))) {
            ArrayNode list = out.putArray("messages");
            messages.forEach(list::add);
          }
          return out;
        }
        break;
      case "config":
        return config(method, p, q, body);
      case "mode":
        if (n <= 2) {
          return only(method, "GET", Map.of("mode", "READWRITE"));
        }
        break;
      default:
        break;
    }
    throw notFound();
  }

  private Object subjects(String method, List<String> p, Map<String, String> q, String body, boolean deleted)
      throws IOException {
    int n = p.size();
    if (n == 1) {
      return only(method, "GET", service.subjects(deleted));
    }
    String subject = p.get(1);
    if (n == 2) {
      if (method.equals("POST")) {
        SchemaVersion found = service.lookup(subject, schemaOf(body), deleted);
        return versionJson(found);
      }
      if (method.equals("DELETE")) {
        return service.deleteSubject(subject, Boolean.parseBoolean(q.get("permanent")));
      }
      throw methodNotAllowed();
    }
    if (!p.get(2).equals("versions")) {
      throw notFound();
    }
    if (n == 3) {
      if (method.equals("GET")) {
        return service.versions(subject, deleted).stream().map(SchemaVersion::version).toList();
      }
      if (method.equals("POST")) {
        return Map.of("id", service.register(subject, schemaOf(body)));
      }
      throw methodNotAllowed();
    }
    String version = p.get(3);
    if (n == 4) {
      if (method.equals("GET")) {
        return versionJson(service.version(subject, version, deleted));
      }
      if (method.equals("DELETE")) {
        return service.deleteVersion(subject, version, Boolean.parseBoolean(q.get("permanent")));
      }
      throw methodNotAllowed();
    }
    if (n == 5 && p.get(4).equals("schema")) {
      return only(method, "GET", new RawJson(service.version(subject, version, deleted).schema()));
    }
    if (n == 5 && p.get(4).equals("referencedby")) {
      service.version(subject, version, deleted);
      return only(method, "GET", List.of());
    }
    throw notFound();
  }

  private Object config(String method, List<String> p, Map<String, String> q, String body) throws IOException {
    if (p.size() > 2) {
      throw notFound();
    }
    String subject = p.size() == 2 ? p.get(1) : null;
    switch (method) {
      case "GET":
        CompatibilityLevel level =
            subject == null
                ? service.globalLevel()
                : service.subjectLevel(subject, Boolean.parseBoolean(q.get("defaultToGlobal")));
        return Map.of("compatibilityLevel", level.name());
      case "PUT":
        JsonNode request = json(body);
        JsonNode value = request.path("compatibility");
        if (value.isMissingNode()) {
          value = request.path("compatibilityLevel");
        }
        CompatibilityLevel parsed = CompatibilityLevel.parse(value.isTextual() ? value.asText() : null);
        return Map.of("compatibility", service.setLevel(subject, parsed).name());
      case "DELETE":
        return Map.of("compatibilityLevel", service.deleteLevel(subject).name());
      default:
        throw methodNotAllowed();
    }
  }

  private static ObjectNode versionJson(SchemaVersion v) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("subject", v.subject());
    out.put("version", v.version());
    out.put("id", v.id());
    out.put("schema", v.schema());
    return out;
  }

  /** The schema string of a register / lookup / compatibility request body. */
  private static String schemaOf(String body) throws IOException {
    JsonNode request = json(body);
    String type = request.path("schemaType").asText("AVRO");
    if (!type.equalsIgnoreCase("AVRO")) {
      throw new RegistryException(422, 42201, "Invalid schema type " + type + ": only AVRO is supported");
    }
    JsonNode references = request.path("references");
    if (references.isArray() && references.size() > 0) {
      throw new RegistryException(422, 42201, "Invalid schema: schema references are not supported");
    }
    JsonNode schema = request.path("schema");
    if (!schema.isTextual()) {
      throw new RegistryException(422, 42201, "Invalid schema: the request has no \"schema\" string");
    }
    return schema.asText();
  }

  private static JsonNode json(String body) {
    try {
      JsonNode node = body == null || body.isBlank() ? null : MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new RegistryException(400, 400, "The request body must be a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new RegistryException(400, 400, "Unparseable JSON request body: " + e.getMessage());
    }
  }

  private static <T> T only(String method, String allowed, T answer) {
    if (!method.equals(allowed)) {
      throw methodNotAllowed();
    }
    return answer;
  }

  private static int schemaId(String id) {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw notFound();
    }
  }

  private static RegistryException notFound() {
    return new RegistryException(404, 404, "HTTP 404 Not Found");
  }

  private static RegistryException methodNotAllowed() {
    return new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
  }

  /** Path segments, each percent-decoded on its own ('+' stays '+'); empty segments dropped. */
  static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    if (rawPath == null) {
      return out;
    }
    for (String segment : rawPath.split("/")) {
      if (!segment.isEmpty()) {
        out.add(percentDecode(segment, false));
      }
    }
    return out;
  }

  static Map<String, String> query(String rawQuery) {
    Map<String, String> out = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
      String value = eq < 0 ? "true" : percentDecode(pair.substring(eq + 1), true);
      out.put(name, value);
    }
    return out;
  }

  private static String percentDecode(String s, boolean plusIsSpace) {
    try {
      return URLDecoder.decode(plusIsSpace ? s : s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(400, 400, "Malformed percent-encoding in '" + s + "'");
    }
  }
}
