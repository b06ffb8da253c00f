package io.ticklake.registry.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.registry.CompatibilityLevel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the registry knows, rebuilt by applying its log in order. The log is a compacted topic;
 * keys and values are JSON text:
 *
 * <pre>
 * key   {"keytype":"SCHEMA","subject":"md.norm.trades.v1-value","version":1,"id":3,"magic":1}
 * value {"subject":"md.norm.trades.v1-value","version":1,"id":3,"schemaType":"AVRO",
 *        "schema":"{...canonical JSON...}","deleted":false}     (deleted=true: soft-deleted)
 * value null                                                     (tombstone: permanently deleted)
 *
 * key   {"keytype":"CONFIG","subject":null,"magic":1}            (global) or "subject":"s"
 * value {"compatibilityLevel":"BACKWARD"}   or null: back to the default / the global level
 * </pre>
 *
 * <p>The id is part of a schema key so that two instances racing for the same subject version
 * write different keys: compaction then keeps both records, and replaying them applies the same
 * rule in the same order. The rule: a schema record is refused if its subject version already
 * holds another id, if its id already belongs to another schema, or if its schema already has
 * another id. The writer sees the refusal after its own record is applied, tombstones its key and
 * tries again; so ids stay global (one schema, one id) and stable across restarts.
 *
 * <p>All methods are synchronized: one writer (the store's reader thread), many HTTP readers.
 */
public final class RegistryState {
  private static final Logger log = LoggerFactory.getLogger(RegistryState.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One version of a subject. */
  public record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) {}

  private final TreeMap<String, TreeMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private final CompatibilityLevel defaultLevel;
  private CompatibilityLevel globalLevel;
  private int maxId;

  public RegistryState(CompatibilityLevel defaultLevel) {
    this.defaultLevel = defaultLevel;
  }

  // ---- log format ----

  public static String schemaKey(String subject, int version, int id) {
    ObjectNode key = MAPPER.createObjectNode();
    key.put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("id", id).put("magic", 1);
    return key.toString();
  }

  public static String schemaValue(String subject, int version, int id, String schema, boolean deleted) {
    ObjectNode value = MAPPER.createObjectNode();
    value.put("subject", subject).put("version", version).put("id", id).put("schemaType", "AVRO");
    value.put("schema", schema).put("deleted", deleted);
    return value.toString();
  }

  public static String configKey(String subjectOrNull) {
    ObjectNode key = MAPPER.createObjectNode();
    key.put("keytype", "CONFIG").put("subject", subjectOrNull).put("magic", 1);
    return key.toString();
  }

  public static String configValue(CompatibilityLevel level) {
    return MAPPER.createObjectNode().put("compatibilityLevel", level.name()).toString();
  }

  /**
   * Applies one log record. Returns false if it was refused (see the class comment) or not
   * understood; unknown key types are skipped so a newer writer does not stop an older reader.
   */
  public synchronized boolean apply(String key, String value) {
    JsonNode k;
    JsonNode v;
    try {
      k = MAPPER.readTree(key);
      v = value == null ? null : MAPPER.readTree(value);
    } catch (IOException e) {
      log.warn("Skipping an unreadable registry log record with key {}: {}", key, e.toString());
      return false;
    }
    String type = k.path("keytype").asText();
    switch (type) {
      case "SCHEMA":
        return applySchema(k, v);
      case "CONFIG":
        return applyConfig(k, v);
      default:
        log.debug("Skipping registry log record of key type '{}'", type);
        return false;
    }
  }

  private boolean applySchema(JsonNode key, JsonNode value) {
    String subject = key.path("subject").asText();
    int version = key.path("version").asInt();
    int id = key.path("id").asInt();
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    SchemaVersion existing = versions == null ? null : versions.get(version);
    if (value == null) {
      if (existing != null && existing.id() == id) {
        versions.remove(version);
        if (versions.isEmpty()) {
          subjects.remove(subject);
        }
        forgetIdIfUnused(id);
      }
      return true;
    }
    String schema = value.path("schema").asText();
    boolean deleted = value.path("deleted").asBoolean(false);
    String schemaOfId = schemaById.get(id);
    Integer idOfSchema = idBySchema.get(schema);
    if ((existing != null && existing.id() != id)
        || (schemaOfId != null && !schemaOfId.equals(schema))
        || (idOfSchema != null && idOfSchema != id)) {
      log.debug("Refused registry record {}: conflicts with an earlier one", key);
      return false;
    }
    subjects.computeIfAbsent(subject, s -> new TreeMap<>())
        .put(version, new SchemaVersion(subject, version, id, schema, deleted));
    schemaById.put(id, schema);
    idBySchema.put(schema, id);
    maxId = Math.max(maxId, id);
    return true;
  }

  private void forgetIdIfUnused(int id) {
    for (TreeMap<Integer, SchemaVersion> versions : subjects.values()) {
      for (SchemaVersion v : versions.values()) {
        if (v.id() == id) {
          return;
        }
      }
    }
    String schema = schemaById.remove(id);
    if (schema != null) {
      idBySchema.remove(schema);
    }
  }

  private boolean applyConfig(JsonNode key, JsonNode value) {
    JsonNode subjectNode = key.path("subject");
    String subject = subjectNode.isMissingNode() || subjectNode.isNull() ? null : subjectNode.asText();
    CompatibilityLevel level;
    try {
      level = value == null ? null : CompatibilityLevel.parse(value.path("compatibilityLevel").asText());
    } catch (RuntimeException e) {
      log.warn("Skipping a registry config record with an unknown level: {}", value);
      return false;
    }
    if (subject == null) {
      globalLevel = level;
    } else if (level == null) {
      subjectLevels.remove(subject);
    } else {
      subjectLevels.put(subject, level);
    }
    return true;
  }

  // ---- queries ----

  /** Subject names, sorted; with {@code includeDeleted}, also those whose versions are all soft-deleted. */
  public synchronized List<String> subjects(boolean includeDeleted) {
    List<String> out = new ArrayList<>();
    subjects.forEach(
        (name, versions) -> {
          if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
            out.add(name);
          }
        });
    return out;
  }

  /** Versions of a subject, oldest first. */
  public synchronized List<SchemaVersion> versions(String subject, boolean includeDeleted) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    List<SchemaVersion> out = new ArrayList<>();
    if (versions != null) {
      for (SchemaVersion v : versions.values()) {
        if (includeDeleted || !v.deleted()) {
          out.add(v);
        }
      }
    }
    return out;
  }

  public synchronized Optional<SchemaVersion> version(String subject, int version) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    return Optional.ofNullable(versions == null ? null : versions.get(version));
  }

  /** The highest version number the subject ever had that is still in the log, 0 if none. */
  public synchronized int maxVersion(String subject) {
    TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
  }

  public synchronized Optional<String> schemaById(int id) {
    return Optional.ofNullable(schemaById.get(id));
  }

  public synchronized Optional<Integer> idOfSchema(String canonicalSchema) {
    return Optional.ofNullable(idBySchema.get(canonicalSchema));
  }

  /** Every subject version that uses the id, by subject then version. */
  public synchronized List<SchemaVersion> usesOfId(int id, boolean includeDeleted) {
    List<SchemaVersion> out = new ArrayList<>();
    for (TreeMap<Integer, SchemaVersion> versions : subjects.values()) {
      for (SchemaVersion v : versions.values()) {
        if (v.id() == id && (includeDeleted || !v.deleted())) {
          out.add(v);
        }
      }
    }
    return out;
  }

  public synchronized int maxId() {
    return maxId;
  }

  public synchronized CompatibilityLevel globalLevel() {
    return globalLevel != null ? globalLevel : defaultLevel;
  }

  public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** The level that governs a subject: its own, else the global one. */
  public synchronized CompatibilityLevel effectiveLevel(String subject) {
    CompatibilityLevel own = subjectLevels.get(subject);
    return own != null ? own : globalLevel();
  }

  /** Subjects with a level of their own, sorted (for diagnostics). */
  public synchronized TreeSet<String> configuredSubjects() {
    return new TreeSet<>(subjectLevels.keySet());
  }
}
