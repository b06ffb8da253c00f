package io.ticklake.streams.internal;

import java.time.Instant;
import org.apache.kafka.streams.kstream.Window;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns a closed window's aggregate into its final record, keyed by the plain key and stamped with
 * the window start, so a downstream window of a larger size puts it in the right bucket.
 */
public final class WindowCloser<V> implements ProcessorSupplier<Windowed<String>, V, String, V> {

  /** Finishes an aggregate given its window bounds. */
  @FunctionalInterface
  public interface Finisher<V> {
    V finish(V aggregate, Instant windowStart, Instant windowEnd);
  }

  private final Finisher<V> finisher;

  public WindowCloser(Finisher<V> finisher) {
    this.finisher = finisher;
  }

  @Override
  public Processor<Windowed<String>, V, String, V> get() {
    return new Processor<>() {
      private ProcessorContext<String, V> context;

      @Override
      public void init(ProcessorContext<String, V> context) {
        this.context = context;
      }

      @Override
      public void process(Record<Windowed<String>, V> record) {
        if (record.value() == null) {
          return;
        }
        Window w = record.key().window();
        V done = finisher.finish(record.value(), w.startTime(), w.endTime());
        context.forward(new Record<>(record.key().key(), done, w.start(), record.headers()));
      }
    };
  }
}
