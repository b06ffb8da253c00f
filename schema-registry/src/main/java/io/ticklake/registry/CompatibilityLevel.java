package io.ticklake.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: consumers on the new schema read data written with the old one (new = reader).
 * FORWARD: consumers on the old schema read data written with the new one (old = reader). FULL:
 * both. The plain levels check the latest version only, the {@code _TRANSITIVE} ones every
 * version.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Parses a level case-insensitively; 42203 if it is none of them. */
  public static CompatibilityLevel parse(String level) {
    if (level == null) {
      throw RegistryException.invalidCompatibilityLevel(null);
    }
    try {
      return valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw RegistryException.invalidCompatibilityLevel(level);
    }
  }

  public boolean isTransitive() {
    return transitive;
  }

  /**
   * Checks a candidate against earlier schemas, oldest first with their version numbers. Returns
   * the reasons it is incompatible, empty if it is compatible. Only the last is checked unless the
   * level is transitive.
   */
  public List<String> check(Schema candidate, List<Schema> earlier, List<Integer> versions) {
    List<String> messages = new ArrayList<>();
    if (this == NONE || earlier.isEmpty()) {
      return messages;
    }
    int from = transitive ? 0 : earlier.size() - 1;
    for (int i = earlier.size() - 1; i >= from; i--) {
      Schema old = earlier.get(i);
      List<String> found = new ArrayList<>();
      if (backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "new", found);
      }
      if (forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "old", found);
      }
      if (!found.isEmpty()) {
        messages.addAll(found);
        messages.add("{oldSchemaVersion: " + versions.get(i) + "}");
        messages.add("{oldSchema: '" + old + "'}");
        messages.add("{compatibility: '" + name() + "'}");
        return messages;
      }
    }
    return messages;
  }

  private static void describe(SchemaPairCompatibility result, String readerIs, List<String> out) {
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      out.add(
          "{errorType:'" + incompatibility.getType() + "', description:'The " + readerIs
              + " schema cannot read data written with the " + ("new".equals(readerIs) ? "old" : "new")
              + " schema at path '" + incompatibility.getLocation() + "': " + incompatibility.getMessage()
              + "', additionalInfo:'" + incompatibility.getMessage() + "'}");
    }
  }
}
