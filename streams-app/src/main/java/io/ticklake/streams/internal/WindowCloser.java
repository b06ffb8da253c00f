package io.ticklake.streams.internal;

import java.time.Duration;
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
 *
 * <p>A live window (it ended at most {@link #LIVE} ago by the wall clock) asks for a commit once
 * its record is on its way: under exactly-once a record is visible only when its transaction
 * commits, and waiting for the next scheduled commit added up to a commit interval to every
 * feature's latency. Replays and backlogs (windows long past) commit on schedule, so a catch-up is
 * not slowed by a commit per window.
 */
public final class WindowCloser<V> implements ProcessorSupplier<Windowed<String>, V, String, V> {
  /** How recent a window's end must be, by the wall clock, for its close to ask for a commit. */
  public static final Duration LIVE = Duration.ofSeconds(10);

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
        commitIfLive(context, w.end());
      }
    };
  }

  /** Asks for a commit if a window that ended at {@code windowEndMs} is live (see the class comment). */
  public static void commitIfLive(ProcessorContext<?, ?> context, long windowEndMs) {
    long sinceEnd = context.currentSystemTimeMs() - windowEndMs;
    if (sinceEnd >= 0 && sinceEnd <= LIVE.toMillis()) {
      context.commit();
    }
  }
}
