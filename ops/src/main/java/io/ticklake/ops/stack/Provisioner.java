package io.ticklake.ops.stack;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.ticklake.schema.topic.TopicSpec;
import io.ticklake.schema.topic.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      ensureTopics(admin, Topics.all(config.venues()));
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
