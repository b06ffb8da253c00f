package io.ticklake.registry.internal;

/**
 * The registry's log: every change is a record written here and applied to {@link #state()} in log
 * order by every instance reading it. {@link KafkaStore} is the real one.
 */
public interface SchemaStore extends AutoCloseable {

  /** The state built from the log so far. */
  RegistryState state();

  /** Blocks until every record written before this call is applied to {@link #state()}. */
  void catchUp();

  /**
   * Appends a record (a {@code null} value is a tombstone) and blocks until it is applied to
   * {@link #state()}.
   */
  void write(String key, String value);

  @Override
  void close();
}
