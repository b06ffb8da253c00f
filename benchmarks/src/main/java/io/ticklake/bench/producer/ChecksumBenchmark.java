package io.ticklake.bench.producer;

import io.ticklake.producers.book.BookChecksum;
import io.ticklake.producers.book.BookRules;
import io.ticklake.producers.book.OrderBook;
import io.ticklake.producers.core.CollectorConfig;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.core.Venue;
import io.ticklake.producers.core.Venues;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.v1.BookDelta;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of verifying a venue's book checksum on every update: one book update of the venue's
 * shipped capture (every update in turn, the snapshot reloading the book) applied to an {@link
 * OrderBook} and truncated to the venue's depth ({@link #apply}, the baseline: what the book sync
 * does anyway), against the same plus the venue's {@link BookChecksum} computed on the book ({@link
 * #applyAndChecksum}). The difference is what verification costs per update.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ChecksumBenchmark {

  /** A venue's book messages, its checksum and depth, and the book they are applied to. */
  @State(Scope.Thread)
  public static class Book {
    @Param({"kraken"})
    public String venue;

    List<BookDelta> deltas;
    BookChecksum checksum;
    int depth;
    String symbol;
    OrderBook book;
    int next;

    @Setup(Level.Trial)
    public void load() throws Exception {
      Venue v = Venues.get(venue);
      CollectorConfig config = new CollectorConfig(v, Map.of(CollectorConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092",
          CollectorConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://unused", "book.depth", "10"));
      FrameParser parser = v.parser(config); // teaches the venue's decimals to the checksum, as live
      BookRules rules = v.books(config, null, Clock.systemUTC()).orElseThrow();
      checksum = rules.checksum();
      depth = rules.maxDepth();
      deltas = new ArrayList<>();
      for (CaptureFile.Entry e : CaptureFile.readResource(v.simulation().demoCapture())) {
        for (SpecificRecord r : parser.parse(e.frame(), Instant.EPOCH).records()) {
          if (r instanceof BookDelta d) {
            deltas.add(d);
            symbol = d.getSymbol();
          }
        }
      }
      book = new OrderBook();
      next = 0;
    }

    BookDelta nextDelta() {
      BookDelta d = deltas.get(next);
      next = next + 1 == deltas.size() ? 1 : next + 1; // the snapshot once, then the updates again and again
      return d;
    }
  }

  @Benchmark
  public OrderBook apply(Book s) {
    s.book.apply(s.nextDelta());
    if (s.depth > 0) {
      s.book.truncate(s.depth);
    }
    return s.book;
  }

  @Benchmark
  public long applyAndChecksum(Book s) {
    s.book.apply(s.nextDelta());
    if (s.depth > 0) {
      s.book.truncate(s.depth);
    }
    return s.checksum.compute(s.symbol, s.book);
  }
}
