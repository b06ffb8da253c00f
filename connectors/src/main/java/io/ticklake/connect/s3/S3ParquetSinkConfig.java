package io.ticklake.connect.s3;

import io.ticklake.schema.registry.CachingSchemaRegistryClient;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Settings of the S3 Parquet sink, under the Confluent S3 sink's names where one exists, so a
 * connector config written for that sink mostly carries over.
 */
public class S3ParquetSinkConfig extends AbstractConfig {

  private static final String GROUP_S3 = "S3";
  private static final String GROUP_LAYOUT = "Layout";
  private static final String GROUP_ROTATION = "Rotation";
  private static final String GROUP_FORMAT = "Format";
  private static final String GROUP_ERRORS = "Errors";

  public static final String S3_BUCKET_NAME_CONFIG = "s3.bucket.name";
  private static final String S3_BUCKET_NAME_DOC = "The bucket the lake is written to. It must exist.";

  public static final String S3_REGION_CONFIG = "s3.region";
  public static final String S3_REGION_DEFAULT = "us-east-1";
  private static final String S3_REGION_DOC = "The region of the bucket, e.g. us-east-1 (any value for MinIO or S3Proxy).";

  public static final String STORE_URL_CONFIG = "store.url";
  private static final String STORE_URL_DOC =
      "Endpoint of an S3-compatible store (MinIO, S3Proxy), e.g. http://minio:9000; path-style"
          + " addressing is used. Empty for AWS S3 in s3.region.";

  public static final String AWS_ACCESS_KEY_ID_CONFIG = "aws.access.key.id";
  private static final String AWS_ACCESS_KEY_ID_DOC = "Access key id; empty for anonymous access.";

  public static final String AWS_SECRET_ACCESS_KEY_CONFIG = "aws.secret.access.key";
  private static final String AWS_SECRET_ACCESS_KEY_DOC = "Secret access key of aws.access.key.id.";

  public static final String S3_RETRY_BACKOFF_MS_CONFIG = "s3.retry.backoff.ms";
  public static final long S3_RETRY_BACKOFF_MS_DEFAULT = 5_000L;
  private static final String S3_RETRY_BACKOFF_MS_DOC =
      "How long Connect waits before redelivering a batch after S3 throttled or failed an upload.";

  public static final String TOPICS_DIR_CONFIG = "topics.dir";
  public static final String TOPICS_DIR_DEFAULT = "lake";
  private static final String TOPICS_DIR_DOC =
      "Top-level key prefix: objects are <topics.dir>/<kind>/venue=<v>/symbol=<s>/<path.format>/"
          + "<topic>+<partition>+<first offset>.parquet, kind being the topic name between its stage"
          + " and its version (md.norm.trades.v1 -> trades).";

  public static final String PATH_FORMAT_CONFIG = "path.format";
  public static final String PATH_FORMAT_DEFAULT = "'date'=yyyy-MM-dd";
  private static final String PATH_FORMAT_DOC =
      "java.time DateTimeFormatter pattern of the time partition, applied to the record time in"
          + " UTC (never the wall clock), e.g. 'date'=yyyy-MM-dd or 'date'=yyyy-MM-dd/'hour'=HH.";

  public static final String FLUSH_SIZE_CONFIG = "flush.size";
  public static final int FLUSH_SIZE_DEFAULT = 100_000;
  private static final String FLUSH_SIZE_DOC =
      "Records in one file before the files of its topic-partition are committed.";

  public static final String ROTATE_INTERVAL_MS_CONFIG = "rotate.interval.ms";
  public static final long ROTATE_INTERVAL_MS_DEFAULT = 600_000L;
  private static final String ROTATE_INTERVAL_MS_DOC =
      "Commit when a record's time is this far past the first record time of its open file"
          + " (record time, so a replay rotates at the same records). -1 disables.";

  public static final String ROTATE_SCHEDULE_INTERVAL_MS_CONFIG = "rotate.schedule.interval.ms";
  public static final long ROTATE_SCHEDULE_INTERVAL_MS_DEFAULT = 900_000L;
  private static final String ROTATE_SCHEDULE_INTERVAL_MS_DOC =
      "Commit files that have been open this long by the wall clock, checked on every put and"
          + " offset commit, so a partition that went idle is still closed. -1 disables.";

  public static final String TIMESTAMP_EXTRACTOR_CONFIG = "timestamp.extractor";
  public static final String TIMESTAMP_EXTRACTOR_DEFAULT = "RecordField";
  private static final String TIMESTAMP_EXTRACTOR_DOC =
      "Where the record time comes from: RecordField (timestamp.field of the value) or Record (the"
          + " Kafka record timestamp).";

  public static final String TIMESTAMP_FIELD_CONFIG = "timestamp.field";
  public static final String TIMESTAMP_FIELD_DEFAULT = "eventTime";
  private static final String TIMESTAMP_FIELD_DOC =
      "Comma-separated timestamp-micros (or -millis) fields; the first present and non-null one is"
          + " used, e.g. eventTime,receiveTime for dead letters.";

  public static final String PARQUET_CODEC_CONFIG = "parquet.codec";
  public static final String PARQUET_CODEC_DEFAULT = "zstd";
  private static final String PARQUET_CODEC_DOC =
      "Parquet compression: zstd (default: smallest files at a similar write rate, see bench),"
          + " snappy, gzip or uncompressed.";

  public static final String SCHEMA_REGISTRY_URL_CONFIG = CachingSchemaRegistryClient.SCHEMA_REGISTRY_URL_CONFIG;
  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Comma-separated schema registry URLs; values are Confluent wire format (magic byte 0,"
          + " schema id, Avro binary) and their writer schema is fetched by id.";

  public static final String MAX_OPEN_WRITERS_CONFIG = "max.open.writers";
  public static final int MAX_OPEN_WRITERS_DEFAULT = 256;
  private static final String MAX_OPEN_WRITERS_DOC =
      "Cap on Parquet files open at once in a task; past it the topic-partition holding the oldest"
          + " open file is committed, which bounds memory.";

  public static final String BEHAVIOR_ON_NULL_VALUES_CONFIG = "behavior.on.null.values";
  public static final String BEHAVIOR_ON_NULL_VALUES_DEFAULT = "fail";
  private static final String BEHAVIOR_ON_NULL_VALUES_DOC =
      "What a null value (tombstone) does: fail stops the task, ignore skips it.";

  public static final String ERRORS_TOLERANCE_CONFIG = "errors.tolerance";
  public static final String ERRORS_TOLERANCE_DEFAULT = "none";
  private static final String ERRORS_TOLERANCE_DOC =
      "none: an unreadable record (bad wire format, unknown schema id, no venue) stops the task."
          + " all: it goes to the dead-letter queue through the errant record reporter and is skipped.";

  /** Names of the codecs accepted by {@value #PARQUET_CODEC_CONFIG}. */
  public static final List<String> CODECS = List.of("zstd", "snappy", "gzip", "uncompressed");

  /** The definition: its validators are what the Connect validate endpoint reports. */
  public static final ConfigDef CONFIG_DEF = configDef();

  public S3ParquetSinkConfig(Map<?, ?> originals) {
    super(CONFIG_DEF, originals);
  }

  static ConfigDef configDef() {
    ConfigDef def = new ConfigDef();
    int order = 0;
    def.define(S3_BUCKET_NAME_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
        Importance.HIGH, S3_BUCKET_NAME_DOC, GROUP_S3, ++order, Width.MEDIUM, "Bucket");
    def.define(S3_REGION_CONFIG, Type.STRING, S3_REGION_DEFAULT, new ConfigDef.NonEmptyString(),
        Importance.MEDIUM, S3_REGION_DOC, GROUP_S3, ++order, Width.SHORT, "Region");
    def.define(STORE_URL_CONFIG, Type.STRING, "", new UrlValidator(),
        Importance.MEDIUM, STORE_URL_DOC, GROUP_S3, ++order, Width.LONG, "Store URL");
    def.define(AWS_ACCESS_KEY_ID_CONFIG, Type.STRING, "",
        Importance.HIGH, AWS_ACCESS_KEY_ID_DOC, GROUP_S3, ++order, Width.MEDIUM, "Access key id");
    def.define(AWS_SECRET_ACCESS_KEY_CONFIG, Type.PASSWORD, "",
        Importance.HIGH, AWS_SECRET_ACCESS_KEY_DOC, GROUP_S3, ++order, Width.MEDIUM, "Secret access key");
    def.define(S3_RETRY_BACKOFF_MS_CONFIG, Type.LONG, S3_RETRY_BACKOFF_MS_DEFAULT, ConfigDef.Range.atLeast(0),
        Importance.LOW, S3_RETRY_BACKOFF_MS_DOC, GROUP_S3, ++order, Width.SHORT, "Retry backoff (ms)");

    order = 0;
    def.define(TOPICS_DIR_CONFIG, Type.STRING, TOPICS_DIR_DEFAULT, new PrefixValidator(),
        Importance.MEDIUM, TOPICS_DIR_DOC, GROUP_LAYOUT, ++order, Width.MEDIUM, "Topics dir");
    def.define(PATH_FORMAT_CONFIG, Type.STRING, PATH_FORMAT_DEFAULT, new PathFormatValidator(),
        Importance.MEDIUM, PATH_FORMAT_DOC, GROUP_LAYOUT, ++order, Width.MEDIUM, "Path format");
    def.define(TIMESTAMP_EXTRACTOR_CONFIG, Type.STRING, TIMESTAMP_EXTRACTOR_DEFAULT,
        ConfigDef.ValidString.in("RecordField", "Record"),
        Importance.MEDIUM, TIMESTAMP_EXTRACTOR_DOC, GROUP_LAYOUT, ++order, Width.SHORT, "Timestamp extractor");
    def.define(TIMESTAMP_FIELD_CONFIG, Type.LIST, TIMESTAMP_FIELD_DEFAULT, new NonEmptyList(),
        Importance.MEDIUM, TIMESTAMP_FIELD_DOC, GROUP_LAYOUT, ++order, Width.MEDIUM, "Timestamp field");

    order = 0;
    def.define(FLUSH_SIZE_CONFIG, Type.INT, FLUSH_SIZE_DEFAULT, ConfigDef.Range.atLeast(1),
        Importance.HIGH, FLUSH_SIZE_DOC, GROUP_ROTATION, ++order, Width.SHORT, "Flush size");
    def.define(ROTATE_INTERVAL_MS_CONFIG, Type.LONG, ROTATE_INTERVAL_MS_DEFAULT, new DisabledOrPositive(),
        Importance.MEDIUM, ROTATE_INTERVAL_MS_DOC, GROUP_ROTATION, ++order, Width.SHORT, "Rotate interval (ms)");
    def.define(ROTATE_SCHEDULE_INTERVAL_MS_CONFIG, Type.LONG, ROTATE_SCHEDULE_INTERVAL_MS_DEFAULT, new DisabledOrPositive(),
        Importance.MEDIUM, ROTATE_SCHEDULE_INTERVAL_MS_DOC, GROUP_ROTATION, ++order, Width.SHORT, "Rotate schedule (ms)");
    def.define(MAX_OPEN_WRITERS_CONFIG, Type.INT, MAX_OPEN_WRITERS_DEFAULT, ConfigDef.Range.atLeast(1),
        Importance.MEDIUM, MAX_OPEN_WRITERS_DOC, GROUP_ROTATION, ++order, Width.SHORT, "Max open writers");

    order = 0;
    def.define(PARQUET_CODEC_CONFIG, Type.STRING, PARQUET_CODEC_DEFAULT, new CaseInsensitiveIn(CODECS),
        Importance.MEDIUM, PARQUET_CODEC_DOC, GROUP_FORMAT, ++order, Width.SHORT, "Parquet codec");
    def.define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new UrlListValidator(),
        Importance.HIGH, SCHEMA_REGISTRY_URL_DOC, GROUP_FORMAT, ++order, Width.LONG, "Schema registry URL");

    order = 0;
    def.define(BEHAVIOR_ON_NULL_VALUES_CONFIG, Type.STRING, BEHAVIOR_ON_NULL_VALUES_DEFAULT,
        new CaseInsensitiveIn(List.of("fail", "ignore")),
        Importance.LOW, BEHAVIOR_ON_NULL_VALUES_DOC, GROUP_ERRORS, ++order, Width.SHORT, "On null values");
    def.define(ERRORS_TOLERANCE_CONFIG, Type.STRING, ERRORS_TOLERANCE_DEFAULT,
        new CaseInsensitiveIn(List.of("none", "all")),
        Importance.MEDIUM, ERRORS_TOLERANCE_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Errors tolerance");
    return def;
  }

  public String bucket() {
    return getString(S3_BUCKET_NAME_CONFIG);
  }

  public String region() {
    return getString(S3_REGION_CONFIG);
  }

  public String storeUrl() {
    return getString(STORE_URL_CONFIG);
  }

  public String accessKeyId() {
    return getString(AWS_ACCESS_KEY_ID_CONFIG);
  }

  public Password secretAccessKey() {
    return getPassword(AWS_SECRET_ACCESS_KEY_CONFIG);
  }

  public Duration retryBackoff() {
    return Duration.ofMillis(getLong(S3_RETRY_BACKOFF_MS_CONFIG));
  }

  /** The key prefix without leading or trailing slashes. */
  public String topicsDir() {
    return trimSlashes(getString(TOPICS_DIR_CONFIG));
  }

  public DateTimeFormatter pathFormat() {
    return DateTimeFormatter.ofPattern(getString(PATH_FORMAT_CONFIG), Locale.ROOT);
  }

  public int flushSize() {
    return getInt(FLUSH_SIZE_CONFIG);
  }

  public Optional<Duration> rotateInterval() {
    long ms = getLong(ROTATE_INTERVAL_MS_CONFIG);
    return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
  }

  public Optional<Duration> rotateScheduleInterval() {
    long ms = getLong(ROTATE_SCHEDULE_INTERVAL_MS_CONFIG);
    return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
  }

  public boolean timestampFromRecord() {
    return "Record".equals(getString(TIMESTAMP_EXTRACTOR_CONFIG));
  }

  public List<String> timestampFields() {
    return getList(TIMESTAMP_FIELD_CONFIG);
  }

  public CompressionCodecName codec() {
    return CompressionCodecName.valueOf(getString(PARQUET_CODEC_CONFIG).toUpperCase(Locale.ROOT));
  }

  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL_CONFIG);
  }

  public int maxOpenWriters() {
    return getInt(MAX_OPEN_WRITERS_CONFIG);
  }

  public boolean ignoreNullValues() {
    return "ignore".equalsIgnoreCase(getString(BEHAVIOR_ON_NULL_VALUES_CONFIG));
  }

  public boolean tolerateErrors() {
    return "all".equalsIgnoreCase(getString(ERRORS_TOLERANCE_CONFIG));
  }

  static String trimSlashes(String s) {
    String out = s.trim();
    while (out.startsWith("/")) {
      out = out.substring(1);
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** -1 (disabled) or a positive number of milliseconds. */
  static final class DisabledOrPositive implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      long v = (Long) value;
      if (v != -1 && v < 1) {
        throw new ConfigException(name, value, "must be -1 (disabled) or a positive number of milliseconds");
      }
    }

    @Override
    public String toString() {
      return "-1 or [1,...]";
    }
  }

  /** A list with at least one non-blank entry. */
  static final class NonEmptyList implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (!(value instanceof List<?> list) || list.isEmpty() || list.stream().anyMatch(v -> v.toString().isBlank())) {
        throw new ConfigException(name, value, "must name at least one field, e.g. eventTime");
      }
    }

    @Override
    public String toString() {
      return "non-empty list";
    }
  }

  /** One of the listed values, any case. */
  static final class CaseInsensitiveIn implements ConfigDef.Validator {
    private final List<String> allowed;

    CaseInsensitiveIn(List<String> allowed) {
      this.allowed = allowed;
    }

    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || !allowed.contains(value.toString().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(name, value, "must be one of " + allowed);
      }
    }

    @Override
    public String toString() {
      return allowed.toString();
    }
  }

  /** Empty, or an absolute http(s) URL. */
  static final class UrlValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || value.toString().isBlank()) {
        return;
      }
      checkUrl(name, value.toString().trim());
    }

    @Override
    public String toString() {
      return "empty or http(s)://host[:port]";
    }
  }

  /** One or more comma-separated http(s) URLs. */
  static final class UrlListValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || value.toString().isBlank()) {
        throw new ConfigException(name, value, "at least one http(s) URL of the schema registry is required");
      }
      for (String url : value.toString().split(",")) {
        checkUrl(name, url.trim());
      }
    }

    @Override
    public String toString() {
      return "http(s)://host:port[,...]";
    }
  }

  private static void checkUrl(String name, String url) {
    try {
      URI uri = URI.create(url);
      if (uri.getScheme() == null || !Arrays.asList("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
        throw new ConfigException(name, url, "must be an http(s) URL with a host, e.g. http://localhost:9000");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, url, "is not a URL: " + e.getMessage());
    }
  }

  /** A key prefix: no empty segments, no backslashes. */
  static final class PrefixValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      String v = value == null ? "" : trimSlashes(value.toString());
      if (v.isEmpty() || v.contains("//") || v.contains("\\") || v.contains("+")) {
        throw new ConfigException(name, value, "must be a non-empty key prefix such as lake or data/lake (no '//', '\\' or '+')");
      }
    }

    @Override
    public String toString() {
      return "key prefix";
    }
  }

  /** A DateTimeFormatter pattern. */
  static final class PathFormatValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        String pattern = value.toString();
        if (pattern.isBlank() || pattern.startsWith("/") || pattern.endsWith("/")) {
          throw new IllegalArgumentException("must not be empty or start or end with '/'");
        }
        DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        throw new ConfigException(name, value, "is not a usable DateTimeFormatter pattern such as 'date'=yyyy-MM-dd: " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "DateTimeFormatter pattern";
    }
  }
}
