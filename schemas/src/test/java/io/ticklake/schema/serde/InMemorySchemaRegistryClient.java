package io.ticklake.schema.serde;

import io.ticklake.schema.registry.RegisteredSchema;
import io.ticklake.schema.registry.SchemaRegistryClient;
import io.ticklake.schema.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/** A registry in a map, for tests that need no server. No compatibility checks on register. */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<Integer, Schema> schemaById = new HashMap<>();
  private final Map<String, List<Integer>> versions = new HashMap<>();
  int calls;

  @Override
  public synchronized int register(String subject, Schema schema) {
    calls++;
    int id = idBySchema.computeIfAbsent(schema.toString(), s -> idBySchema.size() + 1);
    schemaById.put(id, schema);
    List<Integer> ids = versions.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!ids.contains(id)) {
      ids.add(id);
    }
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    calls++;
    Schema schema = schemaById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException(404, 40403, "Schema " + id + " not found");
    }
    return schema;
  }

  @Override
  public synchronized int lookup(String subject, Schema schema) {
    calls++;
    Integer id = idBySchema.get(schema.toString());
    if (!versions.containsKey(subject)) {
      throw new SchemaRegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }
    if (id == null || !versions.get(subject).contains(id)) {
      throw new SchemaRegistryException(404, 40403, "Schema not found");
    }
    return id;
  }

  @Override
  public synchronized boolean testCompatibility(String subject, Schema schema) {
    RegisteredSchema latest = getLatest(subject);
    return SchemaCompatibility.checkReaderWriterCompatibility(schema, latest.schema()).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
  }

  @Override
  public synchronized RegisteredSchema getLatest(String subject) {
    List<Integer> ids = versions.get(subject);
    if (ids == null) {
      throw new SchemaRegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }
    int id = ids.get(ids.size() - 1);
    return new RegisteredSchema(subject, id, ids.size(), schemaById.get(id));
  }
}
