package io.ticklake.connect.s3;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro records (Confluent wire format, read with {@code ByteArrayConverter}) to a Parquet
 * lake on S3, exactly once: see {@link TopicPartitionWriter}.
 */
public class S3ParquetSinkConnector extends SinkConnector {
  private static final Logger log = LoggerFactory.getLogger(S3ParquetSinkConnector.class);

  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new S3ParquetSinkConfig(props);
    // Every topic must land in a kind the model declares: its rows need a primary key.
    for (String topic : props.getOrDefault(TOPICS_CONFIG, "").split(",")) {
      if (!topic.isBlank()) {
        try {
          io.ticklake.schema.topic.LakeKinds.ofTopic(topic.trim());
        } catch (IllegalArgumentException e) {
          throw new org.apache.kafka.connect.errors.ConnectException(e.getMessage());
        }
      }
    }
    this.props = Map.copyOf(props);
    log.info("Starting S3 Parquet sink to bucket {}", props.get(S3ParquetSinkConfig.S3_BUCKET_NAME_CONFIG));
  }

  @Override
  public Class<? extends Task> taskClass() {
    return S3ParquetSinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> configs = new ArrayList<>(maxTasks);
    for (int i = 0; i < maxTasks; i++) {
      configs.add(new HashMap<>(props));
    }
    return configs;
  }

  @Override
  public void stop() {
    log.info("Stopped S3 Parquet sink");
  }

  @Override
  public ConfigDef config() {
    return S3ParquetSinkConfig.CONFIG_DEF;
  }

  /** Field validators, then the checks that span two settings. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    Map<String, ConfigValue> byName = new HashMap<>();
    config.configValues().forEach(v -> byName.put(v.name(), v));
    String key = connectorConfigs.getOrDefault(S3ParquetSinkConfig.AWS_ACCESS_KEY_ID_CONFIG, "");
    String secret = connectorConfigs.getOrDefault(S3ParquetSinkConfig.AWS_SECRET_ACCESS_KEY_CONFIG, "");
    if (key.isBlank() != secret.isBlank()) {
      String message = "aws.access.key.id and aws.secret.access.key must be set together";
      byName.get(S3ParquetSinkConfig.AWS_ACCESS_KEY_ID_CONFIG).addErrorMessage(message);
      byName.get(S3ParquetSinkConfig.AWS_SECRET_ACCESS_KEY_CONFIG).addErrorMessage(message);
    }
    String url = connectorConfigs.getOrDefault(S3ParquetSinkConfig.STORE_URL_CONFIG, "");
    String bucket = connectorConfigs.getOrDefault(S3ParquetSinkConfig.S3_BUCKET_NAME_CONFIG, "");
    if (!bucket.isBlank() && !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      byName.get(S3ParquetSinkConfig.S3_BUCKET_NAME_CONFIG)
          .addErrorMessage("'" + bucket + "' is not an S3 bucket name: 3-63 lowercase letters, digits, '.' or '-'");
    }
    if (!url.isBlank() && url.startsWith("http://") && !key.isBlank() && isAwsHost(url)) {
      byName.get(S3ParquetSinkConfig.STORE_URL_CONFIG).addErrorMessage("AWS S3 requires https");
    }
    return config;
  }

  private static boolean isAwsHost(String url) {
    try {
      String host = URI.create(url).getHost();
      return host != null && host.endsWith(".amazonaws.com");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public String version() {
    return Version.get();
  }
}
