package io.ticklake.schema.serde;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@link AvroWireSerializer} and {@link AvroWireDeserializer}, under Confluent's names
 * so existing client configuration carries over. Registry client settings (basic auth, timeouts)
 * are read by {@link CachingSchemaRegistryClient} from the same map.
 */
public class AvroWireSerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL_CONFIG =
      CachingSchemaRegistryClient.SCHEMA_REGISTRY_URL_CONFIG;
  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Comma-separated base URLs of the schema registry; the next is tried when one is unreachable."
          + " Not needed when a client instance is passed to the constructor.";

  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
  public static final boolean AUTO_REGISTER_SCHEMAS_DEFAULT = true;
  private static final String AUTO_REGISTER_SCHEMAS_DOC =
      "Register the record's schema when serializing. When false the schema must already be"
          + " registered under the subject, and is only looked up.";

  public static final String USE_LATEST_VERSION_CONFIG = "use.latest.version";
  public static final boolean USE_LATEST_VERSION_DEFAULT = false;
  private static final String USE_LATEST_VERSION_DOC =
      "Serialize with the latest registered schema of the subject instead of the record's own"
          + " schema, and never register. The record must be compatible with it field by field.";

  public static final String KEY_SUBJECT_NAME_STRATEGY_CONFIG = "key.subject.name.strategy";
  public static final String VALUE_SUBJECT_NAME_STRATEGY_CONFIG = "value.subject.name.strategy";
  public static final String SUBJECT_NAME_STRATEGY_DEFAULT = TopicNameStrategy.class.getName();
  private static final String SUBJECT_NAME_STRATEGY_DOC =
      "How the subject is named: TopicNameStrategy (<topic>-key/-value), RecordNameStrategy (record"
          + " full name) or TopicRecordNameStrategy (<topic>-<record full name>). Confluent's class"
          + " names are accepted, as is the name of a class implementing SubjectNameStrategy.";

  public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";
  public static final boolean SPECIFIC_AVRO_READER_DEFAULT = false;
  private static final String SPECIFIC_AVRO_READER_DOC =
      "Deserialize to the generated SpecificRecord class named by the writer schema (resolved to"
          + " that class's schema) rather than to a GenericRecord.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, null, Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
          .define(
              AUTO_REGISTER_SCHEMAS_CONFIG,
              Type.BOOLEAN,
              AUTO_REGISTER_SCHEMAS_DEFAULT,
              Importance.MEDIUM,
              AUTO_REGISTER_SCHEMAS_DOC)
          .define(
              USE_LATEST_VERSION_CONFIG,
              Type.BOOLEAN,
              USE_LATEST_VERSION_DEFAULT,
              Importance.LOW,
              USE_LATEST_VERSION_DOC)
          .define(
              KEY_SUBJECT_NAME_STRATEGY_CONFIG,
              Type.STRING,
              SUBJECT_NAME_STRATEGY_DEFAULT,
              Importance.MEDIUM,
              SUBJECT_NAME_STRATEGY_DOC)
          .define(
              VALUE_SUBJECT_NAME_STRATEGY_CONFIG,
              Type.STRING,
              SUBJECT_NAME_STRATEGY_DEFAULT,
              Importance.MEDIUM,
              SUBJECT_NAME_STRATEGY_DOC)
          .define(
              SPECIFIC_AVRO_READER_CONFIG,
              Type.BOOLEAN,
              SPECIFIC_AVRO_READER_DEFAULT,
              Importance.MEDIUM,
              SPECIFIC_AVRO_READER_DOC);

  /** Parses the settings; unknown keys are ignored (they belong to the producer or consumer). */
  public AvroWireSerdeConfig(Map<String, ?> originals) {
    super(CONFIG, originals, false);
  }

  /** The definition, for documentation tools. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
  }

  public boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION_CONFIG);
  }

  public boolean specificAvroReader() {
    return getBoolean(SPECIFIC_AVRO_READER_CONFIG);
  }

  public boolean hasRegistryUrl() {
    String url = getString(SCHEMA_REGISTRY_URL_CONFIG);
    return url != null && !url.isBlank();
  }

  /** The strategy for keys or values. */
  public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
    String name = getString(isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG);
    String simple = name.substring(name.lastIndexOf('.') + 1);
    switch (simple) {
      case "TopicNameStrategy":
        return new TopicNameStrategy();
      case "RecordNameStrategy":
        return new RecordNameStrategy();
      case "TopicRecordNameStrategy":
        return new TopicRecordNameStrategy();
      default:
        try {
          Class<?> type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
          return (SubjectNameStrategy) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
          throw new ConfigException(
              isKey ? KEY_SUBJECT_NAME_STRATEGY_CONFIG : VALUE_SUBJECT_NAME_STRATEGY_CONFIG,
              name,
              "not a known strategy nor a SubjectNameStrategy class: " + e);
        }
    }
  }
}
