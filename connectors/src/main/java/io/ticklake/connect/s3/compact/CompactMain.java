package io.ticklake.connect.s3.compact;

import io.ticklake.connect.s3.storage.MinioS3Storage;
import io.ticklake.connect.s3.storage.S3Storage;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts closed lake partitions. Run by the ops CLI in a child JVM on the plugin's lib/:
 *
 * <pre>
 * java -cp 'lib/*' io.ticklake.connect.s3.compact.CompactMain --all
 * java -cp 'lib/*' io.ticklake.connect.s3.compact.CompactMain --kind trades --venue binance-usdm \
 *     --symbol BTCUSDT --date 2024-05-01 [--force]
 * </pre>
 *
 * S3 settings come from TICKLAKE_S3_ENDPOINT, TICKLAKE_S3_REGION, TICKLAKE_S3_BUCKET_NAME,
 * TICKLAKE_S3_ACCESS_KEY_ID, TICKLAKE_S3_SECRET_ACCESS_KEY and TICKLAKE_TOPICS_DIR, or the same names as
 * arguments ({@code --endpoint --region --bucket --access-key --secret-key --topics-dir}).
 * Exit code 0 on success, 1 on a failure, 2 on bad arguments.
 */
public final class CompactMain {
  private static final Logger log = LoggerFactory.getLogger(CompactMain.class);

  private CompactMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), null));
  }

  /** For tests: {@code storage} replaces the one built from the settings when not null. */
  static int run(String[] args, Map<String, String> env, S3Storage storage) {
    Map<String, String> opts = new HashMap<>();
    boolean all = false;
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--all" -> all = true;
        case "--force" -> force = true;
        case "--kind", "--venue", "--symbol", "--date", "--endpoint", "--region", "--bucket", "--access-key",
            "--secret-key", "--topics-dir" -> {
          if (i + 1 >= args.length) {
            System.err.println(args[i] + " needs a value");
            return 2;
          }
          opts.put(args[i].substring(2), args[++i]);
        }
        default -> {
          System.err.println("unknown argument " + args[i]
              + "; usage: --all | --kind K [--venue V] [--symbol S] [--date YYYY-MM-DD] [--force]");
          return 2;
        }
      }
    }
    if (!all && !opts.containsKey("kind")) {
      System.err.println("give --all or --kind (with --venue/--symbol/--date to narrow it)");
      return 2;
    }
    String topicsDir = setting(opts, env, "topics-dir", "TICKLAKE_TOPICS_DIR", "lake");
    S3Storage s3 = storage != null ? storage : new MinioS3Storage(
        setting(opts, env, "endpoint", "TICKLAKE_S3_ENDPOINT", ""),
        setting(opts, env, "region", "TICKLAKE_S3_REGION", "us-east-1"),
        setting(opts, env, "access-key", "TICKLAKE_S3_ACCESS_KEY_ID", ""),
        setting(opts, env, "secret-key", "TICKLAKE_S3_SECRET_ACCESS_KEY", ""),
        setting(opts, env, "bucket", "TICKLAKE_S3_BUCKET_NAME", "ticklake"));
    Predicate<String> filter = p -> matches(p, opts);
    Compactor compactor = new Compactor(s3, topicsDir, Clock.systemUTC());
    int failures = 0;
    List<String> partitions = compactor.partitions(filter);
    for (String partition : partitions) {
      try {
        Compactor.Result r = compactor.compact(partition, force);
        if (!r.skipped()) {
          System.out.printf("compacted %s: %d files -> %d rows (%d duplicates dropped)%n",
              r.partition(), r.inputFiles(), r.rows(), r.duplicatesDropped());
        }
      } catch (Exception e) {
        failures++;
        log.error("Compaction of {} failed", partition, e);
        System.err.println("FAILED " + partition + ": " + e);
      }
    }
    System.out.printf("%d partitions examined, %d failed%n", partitions.size(), failures);
    return failures == 0 ? 0 : 1;
  }

  static boolean matches(String partition, Map<String, String> opts) {
    String[] seg = partition.split("/");
    if (seg.length < 4) {
      return false;
    }
    return eq(opts.get("kind"), seg[0]) && eq(opts.get("venue") == null ? null : "venue=" + opts.get("venue"), seg[1])
        && eq(opts.get("symbol") == null ? null : "symbol=" + opts.get("symbol"), seg[2])
        && eq(opts.get("date") == null ? null : "date=" + opts.get("date"), seg[3]);
  }

  private static boolean eq(String wanted, String actual) {
    return wanted == null || wanted.equals(actual);
  }

  private static String setting(Map<String, String> opts, Map<String, String> env, String opt, String var, String def) {
    String v = opts.get(opt);
    if (v == null) {
      v = env.get(var);
    }
    return v == null ? def : v;
  }
}
