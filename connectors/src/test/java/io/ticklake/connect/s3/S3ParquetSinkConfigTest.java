package io.ticklake.connect.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;

class S3ParquetSinkConfigTest {

  static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("s3.bucket.name", "ticklake");
    m.put("schema.registry.url", "http://localhost:8081");
    return m;
  }

  @Test
  void defaults() {
    S3ParquetSinkConfig c = new S3ParquetSinkConfig(minimal());
    assertThat(c.topicsDir()).isEqualTo("lake");
    assertThat(c.codec()).isEqualTo(CompressionCodecName.ZSTD);
    assertThat(c.timestampFields()).containsExactly("eventTime");
    assertThat(c.timestampFromRecord()).isFalse();
    assertThat(c.rotateInterval()).contains(Duration.ofMinutes(10));
    assertThat(c.ignoreNullValues()).isFalse();
    assertThat(c.tolerateErrors()).isFalse();
    assertThat(c.secretAccessKey().value()).isEmpty();
  }

  @Test
  void typedValues() {
    Map<String, String> m = minimal();
    m.put("topics.dir", "/data/lake/");
    m.put("parquet.codec", "SNAPPY");
    m.put("rotate.interval.ms", "-1");
    m.put("rotate.schedule.interval.ms", "60000");
    m.put("aws.secret.access.key", "s3cr3t");
    m.put("timestamp.field", "eventTime, receiveTime");
    S3ParquetSinkConfig c = new S3ParquetSinkConfig(m);
    assertThat(c.topicsDir()).isEqualTo("data/lake");
    assertThat(c.codec()).isEqualTo(CompressionCodecName.SNAPPY);
    assertThat(c.rotateInterval()).isEmpty();
    assertThat(c.rotateScheduleInterval()).contains(Duration.ofMinutes(1));
    assertThat(c.timestampFields()).containsExactly("eventTime", "receiveTime");
    assertThat(c.secretAccessKey().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void rejectsBadValuesWithClearMessages() {
    assertThatThrownBy(() -> new S3ParquetSinkConfig(with("flush.size", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flush.size");
    assertThatThrownBy(() -> new S3ParquetSinkConfig(with("parquet.codec", "lz4")))
        .hasMessageContaining("must be one of [zstd, snappy, gzip, uncompressed]");
    assertThatThrownBy(() -> new S3ParquetSinkConfig(with("rotate.interval.ms", "0")))
        .hasMessageContaining("-1 (disabled) or a positive");
    assertThatThrownBy(() -> new S3ParquetSinkConfig(with("store.url", "minio:9000")))
        .hasMessageContaining("store.url").hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> new S3ParquetSinkConfig(with("timestamp.extractor", "Wallclock")))
        .hasMessageContaining("timestamp.extractor");
    assertThatThrownBy(() -> new S3ParquetSinkConfig(with("path.format", "'date'=yyyy-MM-dd/")))
        .hasMessageContaining("path.format");
    Map<String, String> noBucket = minimal();
    noBucket.remove("s3.bucket.name");
    assertThatThrownBy(() -> new S3ParquetSinkConfig(noBucket)).hasMessageContaining("s3.bucket.name");
  }

  @Test
  void validateEndpointReportsEveryProblemByName() {
    Map<String, String> m = minimal();
    m.put("s3.bucket.name", "Not_A_Bucket");
    m.put("flush.size", "-5");
    m.put("behavior.on.null.values", "drop");
    m.put("aws.access.key.id", "AKIA");
    m.put("schema.registry.url", "localhost:8081");
    Map<String, List<String>> errors =
        new S3ParquetSinkConnector().validate(m).configValues().stream()
            .filter(v -> !v.errorMessages().isEmpty())
            .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    assertThat(errors).containsOnlyKeys("s3.bucket.name", "flush.size", "behavior.on.null.values",
        "aws.access.key.id", "aws.secret.access.key", "schema.registry.url");
    assertThat(errors.get("s3.bucket.name").get(0)).contains("not an S3 bucket name");
    assertThat(errors.get("aws.secret.access.key").get(0)).contains("must be set together");
    assertThat(errors.get("behavior.on.null.values").get(0)).contains("[fail, ignore]");
  }

  @Test
  void validConfigValidatesClean() {
    assertThat(new S3ParquetSinkConnector().validate(minimal()).configValues())
        .allMatch(v -> v.errorMessages().isEmpty());
  }

  @Test
  void everySettingIsDocumented() {
    assertThat(S3ParquetSinkConfig.CONFIG_DEF.configKeys().values())
        .allMatch(k -> k.documentation != null && k.documentation.length() > 20);
  }

  static Map<String, String> with(String key, String value) {
    Map<String, String> m = minimal();
    m.put(key, value);
    return m;
  }
}
