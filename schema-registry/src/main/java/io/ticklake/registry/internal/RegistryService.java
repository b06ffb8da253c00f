package io.ticklake.registry.internal;

import io.ticklake.registry.CompatibilityLevel;
import io.ticklake.registry.RegistryException;
import io.ticklake.registry.internal.RegistryState.SchemaVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's operations, with Confluent's rules and errors. Reads answer from the state; every
 * change is written to the store and awaited, one change at a time per instance.
 */
public final class RegistryService {
  private static final Logger log = LoggerFactory.getLogger(RegistryService.class);
  private static final int MAX_REGISTER_ATTEMPTS = 5;

  private final SchemaStore store;
  private final ReentrantLock writeLock = new ReentrantLock();

  public RegistryService(SchemaStore store) {
    this.store = store;
  }

  private RegistryState state() {
    return store.state();
  }

  /** Parses and canonicalizes (Avro's own JSON rendering) a schema; 42201 if it is not valid. */
  public static Schema parse(String schema) {
    if (schema == null || schema.isBlank()) {
      throw RegistryException.invalidSchema("{schema=" + schema + "}: empty");
    }
    try {
      return new Schema.Parser().parse(schema);
    } catch (SchemaParseException | org.apache.avro.AvroTypeException e) {
      throw RegistryException.invalidSchema("{schema=" + schema + "}, details: " + e.getMessage());
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema("{schema=" + schema + "}, details: " + e);
    }
  }

  // ---- subjects and versions ----

  public List<String> subjects(boolean includeDeleted) {
    return state().subjects(includeDeleted);
  }

  /** Live versions (or all, with {@code includeDeleted}); 40401 if there are none. */
  public List<SchemaVersion> versions(String subject, boolean includeDeleted) {
    List<SchemaVersion> versions = state().versions(subject, includeDeleted);
    if (versions.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  /** A version by number, or the latest for {@code "latest"} / {@code -1}. */
  public SchemaVersion version(String subject, String version, boolean includeDeleted) {
    int number = isLatest(version) ? -1 : parseVersion(version);
    List<SchemaVersion> versions = versions(subject, includeDeleted);
    if (number == -1) {
      return versions.get(versions.size() - 1);
    }
    return state()
        .version(subject, number)
        .filter(v -> includeDeleted || !v.deleted())
        .orElseThrow(() -> RegistryException.versionNotFound(number));
  }

  public String schemaById(int id) {
    return state().schemaById(id).orElseThrow(() -> RegistryException.schemaIdNotFound(id));
  }

  public List<SchemaVersion> usesOfId(int id, boolean includeDeleted) {
    schemaById(id);
    return state().usesOfId(id, includeDeleted);
  }

  /** The version of the subject holding this schema; 40401 / 40403 if there is none. */
  public SchemaVersion lookup(String subject, String schema, boolean includeDeleted) {
    List<SchemaVersion> versions = versions(subject, includeDeleted);
    String canonical = parse(schema).toString();
    for (int i = versions.size() - 1; i >= 0; i--) {
      if (versions.get(i).schema().equals(canonical)) {
        return versions.get(i);
      }
    }
    throw RegistryException.schemaNotFound();
  }

  /**
   * Registers a schema under a subject and returns its global id. The same schema already live
   * under the subject returns its id unchanged; a schema known under another subject keeps its id.
   */
  public int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    writeLock.lock();
    try {
      for (int attempt = 1; attempt <= MAX_REGISTER_ATTEMPTS; attempt++) {
        store.catchUp();
        RegistryState state = state();
        List<SchemaVersion> live = state.versions(subject, false);
        for (SchemaVersion v : live) {
          if (v.schema().equals(canonical)) {
            return v.id();
          }
        }
        CompatibilityLevel level = state.effectiveLevel(subject);
        List<String> problems = check(level, schema, live);
        if (!problems.isEmpty()) {
          throw RegistryException.incompatible(
              "Schema being registered is incompatible with an earlier schema for subject \""
                  + subject + "\", details: " + problems);
        }
        int id = state.idOfSchema(canonical).orElse(state.maxId() + 1);
        int version = state.maxVersion(subject) + 1;
        String key = RegistryState.schemaKey(subject, version, id);
        store.write(key, RegistryState.schemaValue(subject, version, id, canonical, false));
        SchemaVersion stored = state.version(subject, version).orElse(null);
        if (stored != null && stored.id() == id && !stored.deleted()) {
          log.info("Registered schema id {} as version {} of subject '{}'", id, version, subject);
          return id;
        }
        // Another instance won this version or id: take our record back and try again.
        log.info("Registration of '{}' version {} id {} lost a race (attempt {}); retrying", subject, version, id, attempt);
        store.write(key, null);
      }
      throw RegistryException.storeError(
          "could not register under '" + subject + "' after " + MAX_REGISTER_ATTEMPTS + " concurrent attempts", null);
    } finally {
      writeLock.unlock();
    }
  }

  /** Whether a schema is compatible with one version (or, for {@code null}, with all per the level). */
  public List<String> compatibility(String subject, String version, String schemaText) {
    Schema schema = parse(schemaText);
    CompatibilityLevel level = state().effectiveLevel(subject);
    if (version == null) {
      return check(level, schema, state().versions(subject, false));
    }
    SchemaVersion against = version(subject, version, false);
    return check(level, schema, List.of(against));
  }

  private static List<String> check(CompatibilityLevel level, Schema candidate, List<SchemaVersion> earlier) {
    List<Schema> schemas = new ArrayList<>();
    List<Integer> numbers = new ArrayList<>();
    for (SchemaVersion v : earlier) {
      schemas.add(parse(v.schema()));
      numbers.add(v.version());
    }
    return level.check(candidate, schemas, numbers);
  }

  // ---- deletes ----

  /** Soft-deletes (or, after that, permanently deletes) every version; returns their numbers. */
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    writeLock.lock();
    try {
      store.catchUp();
      List<SchemaVersion> all = state().versions(subject, true);
      if (all.isEmpty()) {
        throw RegistryException.subjectNotFound(subject);
      }
      List<Integer> numbers = new ArrayList<>();
      if (!permanent) {
        List<SchemaVersion> live = all.stream().filter(v -> !v.deleted()).toList();
        if (live.isEmpty()) {
          throw RegistryException.subjectSoftDeleted(subject);
        }
        for (SchemaVersion v : live) {
          store.write(
              RegistryState.schemaKey(subject, v.version(), v.id()),
              RegistryState.schemaValue(subject, v.version(), v.id(), v.schema(), true));
          numbers.add(v.version());
        }
        log.info("Soft-deleted subject '{}' versions {}", subject, numbers);
        return numbers;
      }
      if (all.stream().anyMatch(v -> !v.deleted())) {
        throw RegistryException.subjectNotSoftDeleted(subject);
      }
      for (SchemaVersion v : all) {
        store.write(RegistryState.schemaKey(subject, v.version(), v.id()), null);
        numbers.add(v.version());
      }
      if (state().subjectLevel(subject).isPresent()) {
        store.write(RegistryState.configKey(subject), null);
      }
      log.info("Permanently deleted subject '{}' versions {}", subject, numbers);
      return numbers;
    } finally {
      writeLock.unlock();
    }
  }

  /** Soft-deletes (or, after that, permanently deletes) one version; returns its number. */
  public int deleteVersion(String subject, String version, boolean permanent) {
    writeLock.lock();
    try {
      store.catchUp();
      // A numbered version is found even when soft-deleted (to report 40406); "latest" means the live one.
      SchemaVersion v = version(subject, version, permanent || !isLatest(version));
      if (!permanent) {
        if (v.deleted()) {
          throw RegistryException.versionSoftDeleted(subject, v.version());
        }
        store.write(
            RegistryState.schemaKey(subject, v.version(), v.id()),
            RegistryState.schemaValue(subject, v.version(), v.id(), v.schema(), true));
        log.info("Soft-deleted subject '{}' version {}", subject, v.version());
      } else {
        if (!v.deleted()) {
          throw RegistryException.versionNotSoftDeleted(subject, v.version());
        }
        store.write(RegistryState.schemaKey(subject, v.version(), v.id()), null);
        log.info("Permanently deleted subject '{}' version {}", subject, v.version());
      }
      return v.version();
    } finally {
      writeLock.unlock();
    }
  }

  // ---- config ----

  public CompatibilityLevel globalLevel() {
    return state().globalLevel();
  }

  /** The subject's own level; with {@code defaultToGlobal} the global one if it has none, else 40408. */
  public CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
    return state()
        .subjectLevel(subject)
        .orElseGet(
            () -> {
              if (defaultToGlobal) {
                return state().globalLevel();
              }
              throw RegistryException.subjectLevelCompatibilityNotConfigured(subject);
            });
  }

  /** Sets the global level ({@code subject == null}) or a subject's. */
  public CompatibilityLevel setLevel(String subject, CompatibilityLevel level) {
    writeLock.lock();
    try {
      store.write(RegistryState.configKey(subject), RegistryState.configValue(level));
      log.info("Compatibility of {} set to {}", subject == null ? "the registry" : "subject '" + subject + "'", level);
      return level;
    } finally {
      writeLock.unlock();
    }
  }

  /** Removes the global level ({@code subject == null}) or a subject's; returns the one removed. */
  public CompatibilityLevel deleteLevel(String subject) {
    writeLock.lock();
    try {
      store.catchUp();
      CompatibilityLevel previous;
      if (subject == null) {
        previous = state().globalLevel();
      } else {
        var own = state().subjectLevel(subject);
        if (own.isEmpty() && state().versions(subject, true).isEmpty()) {
          throw RegistryException.subjectNotFound(subject);
        }
        previous = own.orElse(state().globalLevel());
      }
      store.write(RegistryState.configKey(subject), null);
      log.info("Compatibility of {} reset", subject == null ? "the registry" : "subject '" + subject + "'");
      return previous;
    } finally {
      writeLock.unlock();
    }
  }

  // ---- version strings ----

  static boolean isLatest(String version) {
    return "latest".equals(version) || "-1".equals(version);
  }

  static int parseVersion(String version) {
    try {
      int number = Integer.parseInt(version);
      if (number >= 1) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw RegistryException.invalidVersion(version);
  }
}
