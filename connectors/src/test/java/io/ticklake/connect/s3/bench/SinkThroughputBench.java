package io.ticklake.connect.s3.bench;

import io.ticklake.connect.s3.TestRecords;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * A harness, not JMH: rows/s of the sink's write path (wire-format decode, partitioning,
 * TopicPartitionWriter with an in-memory store) against a plain parquet-java writer fed the same
 * records, in the same JVM, and the file size per codec. Prints ratios to the baseline.
 *
 * <pre>
 * mvn -q -o -pl connectors -am -DskipTests test-compile
 * mvn -q -o -pl connectors dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp connectors/target/test-classes:connectors/target/classes:$(cat connectors/target/cp.txt) \
 *     io.ticklake.connect.s3.bench.SinkThroughputBench [records, default 500000] [rounds, default 12]
 * </pre>
 */
public final class SinkThroughputBench {
  private SinkThroughputBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
    List<GenericRecord> records = trades(n);
    Path dir = Files.createTempDirectory("ticklake-bench-");
    SinkPath sink = new SinkPath(dir.resolve("sink"));
    byte[][] wire = sink.encode(records);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int warmup = 3; // the first rounds warm the JIT and are not counted
    List<Double> ratios = new ArrayList<>();
    List<Double> plainRates = new ArrayList<>();
    List<Double> sinkRates = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      double plain = rate(n, () -> plain(records, dir.resolve("plain.parquet"), CompressionCodecName.ZSTD));
      double sinkRate = rate(n, () -> sink.run(wire, CompressionCodecName.ZSTD));
      System.out.printf(Locale.ROOT, "round %d%s: plain parquet-java %,.0f rows/s, sink %,.0f rows/s, ratio %.2f%n",
          round, round < warmup ? " (warm-up)" : "", plain, sinkRate, sinkRate / plain);
      if (round >= warmup) {
        ratios.add(sinkRate / plain);
        plainRates.add(plain);
        sinkRates.add(sinkRate);
      }
    }
    // Each round measures both writers back to back, so a round's ratio shares the machine's load of the moment;
    // the median of the ratios is the figure (a busy neighbour skews single rounds, not the median).
    System.out.printf(Locale.ROOT, "median of %d rounds: plain %,.0f rows/s, sink %,.0f rows/s, sink/plain ratio %.2f (min %.2f, max %.2f)%n",
        ratios.size(), median(plainRates), median(sinkRates), median(ratios),
        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0), ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    long base = -1;
    for (CompressionCodecName codec : List.of(CompressionCodecName.SNAPPY, CompressionCodecName.ZSTD,
        CompressionCodecName.GZIP, CompressionCodecName.UNCOMPRESSED)) {
      Path file = dir.resolve(codec + ".parquet");
      double r = rate(n, () -> plain(records, file, codec));
      long size = Files.size(file);
      if (base < 0) {
        base = size;
      }
      System.out.printf(Locale.ROOT, "%-12s %,12d bytes (%.2fx snappy) %,10.0f rows/s%n", codec, size, (double) size / base, r);
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    java.util.Collections.sort(sorted);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }

  interface Body {
    void run() throws Exception;
  }

  static double rate(int n, Body body) throws Exception {
    long start = System.nanoTime();
    body.run();
    return n / ((System.nanoTime() - start) / 1e9);
  }

  static void plain(List<GenericRecord> records, Path file, CompressionCodecName codec) throws Exception {
    try (ParquetWriter<GenericRecord> w = AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
        .withSchema(TestRecords.TRADE).withDataModel(GenericData.get()).withConf(new PlainParquetConfiguration())
        .withCompressionCodec(codec).withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      for (GenericRecord r : records) {
        w.write(r);
      }
    }
  }

  /** A realistic day of one symbol: a random walk of prices, sizes with few distinct values. */
  static List<GenericRecord> trades(int n) {
    Random random = new Random(42);
    List<GenericRecord> out = new ArrayList<>(n);
    BigDecimal price = new BigDecimal("65000.10");
    long t = TestRecords.micros("2024-05-01T00:00:00Z");
    for (int i = 0; i < n; i++) {
      price = price.add(BigDecimal.valueOf(random.nextInt(21) - 10, 1));
      t += random.nextInt(200_000);
      GenericRecord r = TestRecords.trade("binance-usdm", "BTCUSDT", Long.toString(4_000_000_000L + i), price.toPlainString(), t);
      r.put("size", TestRecords.decimal(BigDecimal.valueOf(1 + random.nextInt(5000), 3).toPlainString()));
      out.add(r);
    }
    return out;
  }
}
