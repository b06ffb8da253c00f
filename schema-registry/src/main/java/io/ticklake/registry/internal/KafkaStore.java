package io.ticklake.registry.internal;

import io.ticklake.registry.RegistryException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log in a compacted single-partition Kafka topic, as Confluent's KafkaStore keeps
 * it. A reader thread applies every record to the {@link RegistryState} in offset order, from the
 * beginning; a write is produced and then awaited until that thread has applied it, so an instance
 * answers only from state that includes its own writes, and all instances apply the same records
 * in the same order.
 */
public final class KafkaStore implements SchemaStore {
  private static final Logger log = LoggerFactory.getLogger(KafkaStore.class);

  private final String topic;
  private final TopicPartition partition;
  private final short replicationFactor;
  private final Duration timeout;
  private final RegistryState state;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final Object applied = new Object();
  private final Thread reader;
  private volatile boolean running;
  private long position; // next offset to apply; guarded by applied
  private RuntimeException readerFailure; // guarded by applied

  /**
   * @param clientConfig Kafka client settings shared by admin, producer and consumer (at least
   *     {@code bootstrap.servers})
   */
  public KafkaStore(
      Map<String, Object> clientConfig,
      String topic,
      short replicationFactor,
      Duration timeout,
      RegistryState state) {
    this.topic = topic;
    this.partition = new TopicPartition(topic, 0);
    this.replicationFactor = replicationFactor;
    this.timeout = timeout;
    this.state = state;

    Map<String, Object> adminConfig = new HashMap<>(clientConfig);
    adminConfig.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "schema-registry-admin");
    this.admin = Admin.create(adminConfig);

    Map<String, Object> producerConfig = new HashMap<>(clientConfig);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-producer");
    this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());

    Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.remove(ConsumerConfig.GROUP_ID_CONFIG); // assigned, not subscribed
    consumerConfig.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader");
    this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer());

    this.reader = new Thread(this::readLoop, "schema-registry-store-reader-" + topic);
    this.reader.setDaemon(true);
  }

  /**
   * Creates the topic if missing, starts reading it from the beginning and blocks until the state
   * has caught up with its end (or {@code initTimeout} passes).
   */
  public void start(Duration initTimeout) {
    ensureTopic();
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    running = true;
    reader.start();
    long end = endOffset();
    log.info("Reading schema registry log {} up to offset {}", topic, end);
    awaitApplied(end, initTimeout);
    log.info("Schema registry log {} read to offset {}: {} subjects", topic, end, state.subjects(true).size());
  }

  @Override
  public RegistryState state() {
    return state;
  }

  @Override
  public void catchUp() {
    awaitApplied(endOffset(), timeout);
  }

  @Override
  public void write(String key, String value) {
    RecordMetadata metadata;
    try {
      metadata =
          producer
              .send(new ProducerRecord<>(topic, 0, key, value))
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted writing to " + topic, e);
    } catch (ExecutionException e) {
      throw RegistryException.storeError("could not write to " + topic + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw RegistryException.storeTimeout("writing to " + topic + " took over " + timeout, e);
    }
    awaitApplied(metadata.offset() + 1, timeout);
  }

  private void awaitApplied(long target, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (applied) {
      while (position < target) {
        if (readerFailure != null) {
          throw RegistryException.storeError("the log reader stopped: " + readerFailure, readerFailure);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw RegistryException.storeTimeout(
              "the log " + topic + " was read to offset " + position + ", not " + target + ", within " + wait,
              null);
        }
        try {
          applied.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw RegistryException.storeError("interrupted waiting for the log " + topic, e);
        }
      }
    }
  }

  private long endOffset() {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          return admin
              .listOffsets(Map.of(partition, OffsetSpec.latest()))
              .partitionResult(partition)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .offset();
        } catch (ExecutionException e) {
          // A topic just created may not be in the broker's metadata yet (seen on a loaded host).
          if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
              || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted reading the end of " + topic, e);
    } catch (ExecutionException e) {
      throw RegistryException.storeError("could not read the end of " + topic + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw RegistryException.storeTimeout("reading the end of " + topic, e);
    }
  }

  private void readLoop() {
    while (running) {
      try {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            log.warn("Skipping a keyless record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            continue;
          }
          boolean accepted = state.apply(record.key(), record.value());
          log.debug("Applied {}@{} {} (accepted={})", topic, record.offset(), record.key(), accepted);
        }
        long next = consumer.position(partition);
        synchronized (applied) {
          position = next;
          applied.notifyAll();
        }
      } catch (WakeupException e) {
        if (running) {
          log.warn("Unexpected wakeup of the registry log reader; continuing");
        }
      } catch (RuntimeException e) {
        log.error("Schema registry log reader of {} failed; stopping it", topic, e);
        synchronized (applied) {
          readerFailure = e;
          applied.notifyAll();
        }
        return;
      }
    }
  }

  private void ensureTopic() {
    try {
      try {
        TopicDescription description =
            admin.describeTopics(Set.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        checkExisting(description);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      NewTopic newTopic =
          new NewTopic(topic, 1, replicationFactor)
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(newTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Created schema registry topic {} (compacted, replication factor {})", topic, replicationFactor);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        log.info("Schema registry topic {} was created concurrently by another instance", topic);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted setting up the topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not set up the schema registry topic " + topic, e);
    }
  }

  private void checkExisting(TopicDescription description)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (description.partitions().size() != 1) {
      // Order across partitions is undefined, and the state depends on log order.
      throw new IllegalStateException(
          "schema registry topic " + topic + " has " + description.partitions().size()
              + " partitions; it must have exactly 1");
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        admin.describeConfigs(Set.of(resource)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
    var policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      log.warn(
          "Schema registry topic {} has cleanup.policy={}, not compact: schemas may be deleted by retention",
          topic,
          policy == null ? null : policy.value());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!reader.isAlive()) {
      consumer.close();
    }
    producer.close(timeout);
    admin.close(timeout);
    log.info("Closed schema registry store on {}", topic);
  }
}

