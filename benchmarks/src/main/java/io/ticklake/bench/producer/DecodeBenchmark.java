package io.ticklake.bench.producer;

import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.FrameParser;
import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.schema.serde.AvroWireSerializer;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode: one real frame of a venue's shipped capture (every frame in turn) to the bytes of its
 * Avro records in the Confluent wire format. {@link #ticklake} is the collector's path (the venue's
 * parser, then {@link AvroWireSerializer} on our registry); {@link #jacksonDatabind} is the
 * baseline (the venue's {@link BaselineDecoder}, then the same serializer). Time per frame; run with
 * {@code -prof gc} for {@code gc.alloc.rate.norm} (bytes per frame).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DecodeBenchmark {

  /** A venue's capture, its two decoders and a serializer registered on a real registry. */
  @State(Scope.Benchmark)
  public static class Frames {
    List<CaptureFile.Entry> entries;
    FrameParser parser;
    BaselineDecoder baseline;
    AvroWireSerializer<SpecificRecord> serializer;
    LocalBroker broker;

    /** The venue whose capture is decoded. */
    @Param({ProducerFrames.BINANCE})
    public String venue;

    /** A running registry to use; empty: start a broker and registry in the fork. */
    @Param({""})
    public String registryUrl;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      entries = ProducerFrames.capture(venue);
      parser = ProducerFrames.parser(venue);
      baseline = ProducerFrames.baseline(venue);
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
  public void ticklake(Frames frames, Cursor cursor, Blackhole out) throws ParseException {
    CaptureFile.Entry e = cursor.next(frames);
    for (byte[] b : ticklake(frames.parser, frames.serializer, e.frame(), e.receiveTime())) {
      out.consume(b);
    }
  }

  @Benchmark
  public void jacksonDatabind(Frames frames, Cursor cursor, Blackhole out) throws IOException {
    CaptureFile.Entry e = cursor.next(frames);
    for (byte[] b : baseline(frames.baseline, frames.serializer, e.frame(), e.receiveTime())) {
      out.consume(b);
    }
  }

  /** The collector's decode: the venue's streaming parser, then the wire-format serializer, per record. */
  static List<byte[]> ticklake(FrameParser parser, AvroWireSerializer<SpecificRecord> serializer, String frame, Instant receiveTime)
      throws ParseException {
    return serialize(serializer, parser.parse(frame, receiveTime).records());
  }

  /** The baseline's decode: databind onto objects, copied into Avro, then the same serializer. */
  static List<byte[]> baseline(BaselineDecoder decoder, AvroWireSerializer<SpecificRecord> serializer, String frame, Instant receiveTime)
      throws IOException {
    return serialize(serializer, decoder.decode(frame, receiveTime));
  }

  private static List<byte[]> serialize(AvroWireSerializer<SpecificRecord> serializer, List<SpecificRecord> records) {
    List<byte[]> out = new ArrayList<>(records.size());
    for (int i = 0, n = records.size(); i < n; i++) {
      SpecificRecord r = records.get(i);
      out.add(serializer.serialize(topicOf(r), r));
    }
    return out;
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
    if (record instanceof Candle) {
      return Topics.VENUE_CANDLES;
    }
    throw new IllegalArgumentException("no topic for " + record.getSchema().getFullName());
  }
}
