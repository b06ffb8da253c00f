package io.ticklake.registry;

import io.ticklake.registry.internal.RegistryState;
import io.ticklake.registry.internal.SchemaStore;
import java.util.ArrayList;
import java.util.List;

/** A log in a list, applied at once: the registry without Kafka, for routing tests. */
final class InMemoryStore implements SchemaStore {
  final List<String[]> log = new ArrayList<>();
  private final RegistryState state;

  InMemoryStore(CompatibilityLevel defaultLevel) {
    this.state = new RegistryState(defaultLevel);
  }

  @Override
  public RegistryState state() {
    return state;
  }

  @Override
  public void catchUp() {}

  @Override
  public synchronized void write(String key, String value) {
    log.add(new String[] {key, value});
    state.apply(key, value);
  }

  /** A new state built by replaying the log, as a restarted instance would. */
  synchronized RegistryState replay() {
    RegistryState fresh = new RegistryState(CompatibilityLevel.BACKWARD);
    log.forEach(r -> fresh.apply(r[0], r[1]));
    return fresh;
  }

  @Override
  public void close() {}
}
