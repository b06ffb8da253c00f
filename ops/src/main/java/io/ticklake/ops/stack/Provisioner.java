package io.ticklake.ops.stack;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what the pipeline needs: the topics of {@link Topics} with their documented configs
 * (existing topics get their configs reconciled, never their data touched) and the lake bucket.
 */
public final class Provisioner {
  private static final Logger log = LoggerFactory.getLogger(Provisioner.class);
  private final StackConfig config;

  public Provisioner(StackConfig config) {
    this.config = config;
  }

  /** Creates missing topics and aligns the configs of existing ones; idempotent. */
  public void createTopics() {
    try (Admin admin = Admin.create(config.kafkaClientConfig())) {
      ensureTopics(admin, Topics.all(io.ticklake.producers.core.Venues.ids()));
    }
  }

  /** Creates missing topics and aligns the configs of existing ones on the given admin client. */
  public static void ensureTopics(Admin admin, Collection<TopicSpec> specs) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec s : specs) {
        if (existing.contains(s.name())) {
          ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, s.name());
          List<AlterConfigOp> ops = new ArrayList<>();
          s.configs()
              .forEach(
                  (k, v) ->
                      ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
          admin.incrementalAlterConfigs(Map.of(r, ops)).all().get(30, TimeUnit.SECONDS);
        } else {
          missing.add(new NewTopic(s.name(), s.partitions(), (short) -1).configs(s.configs()));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
        log.info("created {} topics", missing.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("could not create ticklake's topics: " + e.getMessage(), e);
    }
  }

  /** Name of the sink connector that lands the normalized and derived topics in the lake. */
  public static final String LAKE_CONNECTOR = "ticklake-lake";

  /**
   * The topics the lake connector sinks: one per lake kind the model declares ({@link
   * io.ticklake.schema.topic.LakeKinds}), each an Avro topic in the registry wire format whose
   * records carry venue, symbol and eventTime. {@link Topics#FEATURES_1M} is not among them: its
   * values are JSON text, which the sink would send to the dead-letter topic.
   */
  public static final List<String> LAKE_TOPICS = io.ticklake.schema.topic.LakeKinds.topics();

  /** The lake connector's configuration, as {@link #createLakeConnector} puts it. */
  public Map<String, String> lakeConnectorConfig() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("connector.class", "io.ticklake.connect.s3.S3ParquetSinkConnector");
    c.put("topics", String.join(",", LAKE_TOPICS));
    c.put("tasks.max", "2");
    c.put("schema.registry.url", config.registryUrl());
    c.put("store.url", config.s3Endpoint());
    c.put("s3.region", config.get(StackConfig.S3_REGION_CONFIG));
    c.put("s3.bucket.name", config.get(StackConfig.S3_BUCKET_CONFIG));
    c.put("aws.access.key.id", config.get(StackConfig.S3_ACCESS_KEY_CONFIG));
    c.put("aws.secret.access.key", config.get(StackConfig.S3_SECRET_KEY_CONFIG));
    // The layout follows each value's eventTime, never the Kafka timestamp: the derived topics'
    // timestamps are the broker's append time (Topics), the others the producer's clock.
    c.put("timestamp.extractor", "RecordField");
    c.put("timestamp.field", "eventTime");
    // The Streams app writes in transactions (exactly_once_v2): never land an aborted candle.
    c.put("consumer.override.isolation.level", "read_committed");
    // Files close within a minute even on a quiet stream, so the lake is never far behind.
    c.put("rotate.schedule.interval.ms", "60000");
    c.put("errors.tolerance", "all");
    c.put("errors.deadletterqueue.topic.name", Topics.DEAD_LETTER);
    c.put("errors.deadletterqueue.topic.replication.factor", "1");
    c.put("errors.deadletterqueue.context.headers.enable", "true");
    return c;
  }

  /**
   * Creates (or updates) the Parquet lake sink connector through Connect's REST API: the only way
   * ticklake manages connectors. Idempotent ({@code PUT /connectors/NAME/config}).
   */
  public void createLakeConnector() {
    String topics = String.join(",", LAKE_TOPICS);
    StringBuilder body = new StringBuilder("{");
    lakeConnectorConfig().forEach((k, v) -> body.append(body.length() > 1 ? "," : "").append(json(k, v)));
    body.append("}");
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(config.connectUrl() + "/connectors/" + LAKE_CONNECTOR + "/config"))
                      .header("Content-Type", "application/json")
                      .timeout(Duration.ofSeconds(60))
                      .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(
            "Connect refused the lake connector (HTTP "
                + r.statusCode()
                + "): "
                + r.body()
                + " — is the plugin in connectors/target/plugins? run mvn package");
      }
      log.info("lake connector {} configured for {}", LAKE_CONNECTOR, topics);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the lake connector", e);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot reach Connect at " + config.connectUrl() + ": " + e, e);
    }
  }

  private static String json(String key, String value) {
    return "\"" + key + "\":\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Creates the lake bucket if it does not exist. */
  public void createBucket() {
    String bucket = config.get(StackConfig.S3_BUCKET_CONFIG);
    MinioClient s3 =
        MinioClient.builder()
            .endpoint(config.s3Endpoint())
            .region(config.get(StackConfig.S3_REGION_CONFIG))
            .credentials(
                config.get(StackConfig.S3_ACCESS_KEY_CONFIG),
                config.get(StackConfig.S3_SECRET_KEY_CONFIG))
            .build();
    try {
      if (!s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        log.info("created bucket {} at {}", bucket, config.s3Endpoint());
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not create bucket '" + bucket + "' at " + config.s3Endpoint() + ": " + e, e);
    }
  }
}
