package io.ticklake.connect.s3.compact;

import io.ticklake.connect.s3.lake.LakeArgs;
import io.ticklake.connect.s3.lake.LakePaths;
import io.ticklake.connect.s3.storage.S3Storage;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts closed lake partitions. {@code ./ticklake compact} runs it in a child JVM on the
 * plugin's lib/ directory:
 *
 * <pre>
 * java -cp 'lib/*' io.ticklake.connect.s3.compact.CompactMain --all [--target-file-size 256MB]
 * java -cp 'lib/*' io.ticklake.connect.s3.compact.CompactMain --kind trades --venue binance-usdm \
 *     --symbol BTCUSDT --date 2024-05-01 [--force]
 * </pre>
 *
 * S3 settings as {@link LakeArgs} describes. Exit code 0 on success, 1 when a partition failed, 2
 * on bad arguments.
 */
public final class CompactMain {
  private static final Logger log = LoggerFactory.getLogger(CompactMain.class);
  static final String USAGE = "usage: --all | --kind K [--venue V] [--symbol S] [--date YYYY-MM-DD]; [--force] (today too)"
      + " [--target-file-size 256MB] [--endpoint URL --bucket B --access-key K --secret-key S --topics-dir lake]";

  private CompactMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), null, System.out, System.err));
  }

  /** For tests: {@code storage} replaces the one built from the settings when not null. */
  static int run(String[] args, Map<String, String> env, S3Storage storage) {
    return run(args, env, storage, System.out, System.err);
  }

  static int run(String[] args, Map<String, String> env, S3Storage storage, PrintStream out, PrintStream err) {
    LakeArgs a;
    long target;
    try {
      a = LakeArgs.parse(args, List.of("target-file-size"), List.of("all", "force"), env);
      if (!a.flag("all") && a.value("kind") == null) {
        throw new IllegalArgumentException("give --all or --kind (with --venue/--symbol/--date to narrow it)");
      }
      target = a.value("target-file-size") == null ? Compactor.TARGET_FILE_BYTES_DEFAULT : LakeArgs.parseBytes(a.value("target-file-size"));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage() + "; " + USAGE);
      return 2;
    }
    S3Storage s3;
    try {
      s3 = storage != null ? storage : a.storage();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    Compactor compactor = new Compactor(s3, a.topicsDir(), Clock.systemUTC(), target);
    int failures = 0;
    int compacted = 0;
    List<String> partitions = compactor.partitions(p -> LakePaths.matches(p, a.selectors()));
    for (String partition : partitions) {
      try {
        Compactor.Result r = compactor.compact(partition, a.flag("force"));
        if (!r.skipped()) {
          compacted++;
          out.printf("compacted %s: %d files -> %d file(s), %d rows (%d duplicates dropped)%n",
              r.partition(), r.inputFiles(), r.outputFiles(), r.rows(), r.duplicatesDropped());
        }
      } catch (Exception e) {
        failures++;
        log.error("Compaction of {} failed", partition, e);
        err.println("FAILED " + partition + ": " + e);
      }
    }
    out.printf("%d partitions examined, %d compacted, %d failed%n", partitions.size(), compacted, failures);
    return failures == 0 ? 0 : 1;
  }
}
