package io.ticklake.bench.producer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * All producer figures in one run: decode ({@link DecodeRunner}) and ingest ({@link IngestHarness})
 * of every venue of {@link ProducerFrames#VENUES}, and memory ({@link MemoryHarness}, Binance
 * USD-M), each a ratio or a trend measured in this run.
 * {@code --quick} shrinks every part to a smoke run (seconds, not minutes); its figures are not
 * worth quoting.
 */
public final class ProducerBenchmarks {
  private ProducerBenchmarks() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    int rounds = 5;
    int ingestFrames = 200_000;
    long venueSeconds = 3600;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--ingest-frames" -> ingestFrames = Integer.parseInt(args[++i]);
        case "--venue-seconds" -> venueSeconds = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (known: --quick, --rounds N, --ingest-frames N, --venue-seconds N)");
      }
    }
    Path work = Files.createTempDirectory("ticklake-bench-");
    java.util.List<DecodeRunner.Report> decode = new java.util.ArrayList<>();
    java.util.List<IngestHarness.Report> ingest = new java.util.ArrayList<>();
    for (String venue : ProducerFrames.VENUES) {
      decode.add(quick ? DecodeRunner.run(venue, 1, 1, 2, 1) : DecodeRunner.run(venue, rounds, 3, 5, 2));
      ingest.add(IngestHarness.run(venue, quick ? 20_000 : ingestFrames, quick ? 1 : rounds, work));
    }
    MemoryHarness.Report memory = MemoryHarness.run(Duration.ofSeconds(quick ? 60 : venueSeconds),
        Duration.ofSeconds(quick ? 2 : 5), "256m", work);
    System.out.println();
    decode.forEach(DecodeRunner::print);
    ingest.forEach(IngestHarness::print);
    MemoryHarness.print(memory);
    System.out.println("(logs and the collector's GC log: " + work + ")");
  }
}
