package io.ticklake.bench.producer;

import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.binance.BinanceMessageParser;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.time.Instant;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode: one real Binance USD-M frame (the shipped capture, all 3,291 frames in turn) to the bytes
 * of its Avro record in the Confluent wire format. {@link #ticklake} is the collector's path
 * ({@link BinanceMessageParser} then {@link AvroWireSerializer} on our registry); {@link
 * #jacksonDatabind} is the baseline ({@link JacksonDatabindDecoder}, then the same serializer).
 * Time per frame; run with {@code -prof gc} for {@code gc.alloc.rate.norm} (bytes per frame).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DecodeBenchmark {

  /** The capture, the two decoders and a serializer registered on a real registry. */
  @State(Scope.Benchmark)
  public static class Frames {
    List<CaptureFile.Entry> entries;
    final BinanceMessageParser parser = new BinanceMessageParser();
    final JacksonDatabindDecoder baseline = new JacksonDatabindDecoder(BinanceMessageParser.VENUE);
    AvroWireSerializer<SpecificRecord> serializer;
    LocalBroker broker;

    /** A running registry to use; empty: start a broker and registry in the fork. */
    @Param({""})
    public String registryUrl;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      entries = ProducerFrames.capture();
      String url = registryUrl;
      if (url.isEmpty()) {
        broker = LocalBroker.start();
        url = broker.registryUrl();
      }
      serializer = new AvroWireSerializer<>();
      serializer.configure(Map.of("schema.registry.url", url), false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** Which frame comes next, per benchmark thread. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    CaptureFile.Entry next(Frames frames) {
      CaptureFile.Entry e = frames.entries.get(next);
      next = next + 1 == frames.entries.size() ? 0 : next + 1;
      return e;
    }
  }

  @Benchmark
  public byte[] ticklake(Frames frames, Cursor cursor) throws ParseException {
    CaptureFile.Entry e = cursor.next(frames);
    return ticklake(frames.parser, frames.serializer, e.frame(), e.receiveTime());
  }

  @Benchmark
  public byte[] jacksonDatabind(Frames frames, Cursor cursor) throws IOException {
    CaptureFile.Entry e = cursor.next(frames);
    return baseline(frames.baseline, frames.serializer, e.frame(), e.receiveTime());
  }

  /** The collector's decode: streaming parser, then the wire-format serializer. */
  static byte[] ticklake(
      BinanceMessageParser parser, AvroWireSerializer<SpecificRecord> serializer, String frame, Instant receiveTime)
      throws ParseException {
    SpecificRecord record = parser.parse(frame, receiveTime).record();
    return serializer.serialize(topicOf(record), record);
  }

  /** The baseline's decode: databind onto objects, copied into Avro, then the same serializer. */
  static byte[] baseline(
      JacksonDatabindDecoder decoder, AvroWireSerializer<SpecificRecord> serializer, String frame, Instant receiveTime)
      throws IOException {
    SpecificRecord record = decoder.decode(frame, receiveTime);
    return serializer.serialize(topicOf(record), record);
  }

  static String topicOf(SpecificRecord record) {
    if (record instanceof Trade) {
      return Topics.TRADES;
    }
    if (record instanceof Quote) {
      return Topics.QUOTES;
    }
    if (record instanceof BookDelta) {
      return Topics.BOOK;
    }
    throw new IllegalArgumentException("no topic for " + record.getSchema().getFullName());
  }
}
