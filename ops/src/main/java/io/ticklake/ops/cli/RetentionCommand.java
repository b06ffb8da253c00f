package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackConfig;
import io.ticklake.schema.topic.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./ticklake retention}: deletes what is older than {@code --older-than DAYS}, and nothing
 * else. Dry run by default (lists what would go and how much); {@code --apply} deletes.
 *
 * <ul>
 *   <li>Raw-frame archives in the lake: objects of the raw topics' kinds ({@code
 *       md.raw.<venue>.frames.v1} is kind {@code <venue>.frames}, for every configured venue, plus
 *       any {@code --kind}) whose {@code date=} partition is older than the cut-off day. The
 *       normalized kinds (trades, quotes, book, ...) are never touched unless named with {@code
 *       --kind}.
 *   <li>Logs under {@code <data>/logs}: files ending {@code .log}, {@code .log.N} or {@code .gz}
 *       last written before the cut-off, except the log of a component that is running (it holds
 *       the file open).
 *   <li>Exports under {@code <data>/exports} and data-quality reports under {@code <data>/dq}
 *       last written before the cut-off.
 * </ul>
 *
 * Kafka topics keep their own {@code retention.ms} (see the topic table in docs/architecture.md).
 */
@Command(
    name = "retention",
    description = {
      "Delete raw-frame archives in the lake (by date partition), old logs and old exports that"
          + " are older than --older-than DAYS. Dry run unless --apply."
    })
final class RetentionCommand implements Callable<Integer> {
  @CommandLine.Mixin TicklakeCli.ConfigOptions options = new TicklakeCli.ConfigOptions();
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--older-than", required = true, paramLabel = "DAYS", description = "Age in days (at least 1).")
  int days;

  @Option(names = "--apply", description = "Delete; without it, only list what would be deleted.")
  boolean apply;

  @Option(names = "--kind", description = "Also apply to this lake kind (repeatable), e.g. quotes.")
  List<String> kinds = new ArrayList<>();

  Clock clock = Clock.systemUTC();

  /** The raw-frame archive kind of a venue: {@code md.raw.<venue>.frames.v1 -> <venue>.frames}. */
  static String rawKind(String venue) {
    String topic = Topics.raw(venue);
    return topic.substring("md.raw.".length(), topic.lastIndexOf(".v"));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (days < 1) {
      out.println("ticklake retention: --older-than must be at least 1 day, got " + days);
      return 2;
    }
    StackConfig config = options.load(true);
    Instant cutoff = clock.instant().minus(Duration.ofDays(days));
    LocalDate cutoffDay = cutoff.atZone(ZoneOffset.UTC).toLocalDate();
    String verb = apply ? "deleted" : "would delete";
    long count = 0;
    long bytes = 0;
    int failures = 0;

    List<String> lakeKinds = new ArrayList<>();
    io.ticklake.producers.core.Venues.ids().forEach(v -> lakeKinds.add(rawKind(v)));
    lakeKinds.addAll(kinds);
    LakeStore lake = new LakeStore(config);
    for (String kind : lakeKinds) {
      List<LakeStore.LakeObject> objects;
      try {
        objects = lake.list(kind, null, null);
      } catch (IOException e) {
        out.println("ticklake retention: " + e.getMessage() + " (is S3 up? ./ticklake doctor)");
        failures++;
        continue;
      }
      for (LakeStore.LakeObject o : objects) {
        if (o.date().isBefore(cutoffDay)) {
          if (apply) {
            try {
              lake.delete(o.key());
            } catch (IOException e) {
              out.println("ticklake retention: " + e.getMessage());
              failures++;
              continue;
            }
          }
          out.printf("%s s3://%s/%s (%d bytes)%n", verb, lake.bucket(), o.key(), o.size());
          count++;
          bytes += o.size();
        }
      }
    }

    for (Path dir :
        List.of(
            config.dataDir().resolve("logs"),
            config.dataDir().resolve("exports"),
            config.dataDir().resolve("dq"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).sorted().toList();
      }
      boolean logs = dir.endsWith("logs");
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (logs && !LogscanCommand.isLog(name)) {
          continue;
        }
        if (!Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
          continue;
        }
        if (logs && name.endsWith(".log") && running(config.dataDir(), name.substring(0, name.length() - 4))) {
          continue;
        }
        long size = Files.size(f);
        if (apply) {
          try {
            Files.delete(f);
          } catch (IOException e) {
            out.println("ticklake retention: cannot delete " + f + ": " + e);
            failures++;
            continue;
          }
        }
        out.printf("%s %s (%d bytes)%n", verb, f, size);
        count++;
        bytes += size;
      }
    }
    out.printf(
        "retention: %s %d item%s, %d bytes, older than %d day%s (before %s)%s%n",
        verb, count, count == 1 ? "" : "s", bytes, days, days == 1 ? "" : "s", cutoff,
        apply ? "" : "; run with --apply to delete");
    return failures == 0 ? 0 : 1;
  }

  /** Whether the component named by a log file runs now (its pid file names a live process). */
  private static boolean running(Path dataDir, String component) {
    try {
      Path pid = dataDir.resolve("run").resolve(component + ".pid");
      if (!Files.exists(pid)) {
        return false;
      }
      Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()));
      return h.map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return true; // unsure: keep the file
    }
  }
}
