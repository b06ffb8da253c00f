package io.ticklake.connect.s3.lake;

import io.ticklake.connect.s3.storage.MinioS3Storage;
import io.ticklake.connect.s3.storage.S3Storage;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments the lake tools ({@code CompactMain}, {@code QaMain}) share: where the lake is and
 * which partitions to take. S3 settings come from an argument, else from the environment
 * ({@code TICKLAKE_S3_ENDPOINT}, {@code TICKLAKE_S3_REGION}, {@code TICKLAKE_S3_BUCKET_NAME},
 * {@code TICKLAKE_S3_ACCESS_KEY_ID}, {@code TICKLAKE_S3_SECRET_ACCESS_KEY}, {@code
 * TICKLAKE_TOPICS_DIR}), the same names {@code ./ticklake} uses, so the secret need never be on a
 * command line.
 */
public final class LakeArgs {
  /** Value options every lake tool takes. */
  public static final List<String> COMMON = List.of("kind", "venue", "symbol", "date", "endpoint", "region", "bucket",
      "access-key", "secret-key", "topics-dir");

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();
  private final Map<String, String> env;

  private LakeArgs(Map<String, String> env) {
    this.env = env;
  }

  /**
   * Parses {@code --name value} and {@code --name=value} options and {@code --flag}s.
   *
   * @throws IllegalArgumentException naming the argument that is unknown or lacks its value
   */
  public static LakeArgs parse(String[] args, List<String> extraValues, List<String> knownFlags, Map<String, String> env) {
    LakeArgs a = new LakeArgs(env);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (knownFlags.contains(name) && value == null) {
        a.flags.add(name);
      } else if (COMMON.contains(name) || extraValues.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        a.values.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown argument " + arg);
      }
    }
    return a;
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  public String value(String name) {
    return values.get(name);
  }

  /** The partition selectors given ({@code kind venue symbol date}). */
  public Map<String, String> selectors() {
    Map<String, String> s = new HashMap<>();
    for (String k : List.of("kind", "venue", "symbol", "date")) {
      if (values.containsKey(k)) {
        s.put(k, values.get(k));
      }
    }
    return s;
  }

  public String topicsDir() {
    return setting("topics-dir", "TICKLAKE_TOPICS_DIR", "lake");
  }

  public String bucket() {
    return setting("bucket", "TICKLAKE_S3_BUCKET_NAME", "ticklake");
  }

  /** The store named by the settings. */
  public S3Storage storage() {
    String endpoint = setting("endpoint", "TICKLAKE_S3_ENDPOINT", "");
    if (endpoint.isBlank()) {
      throw new IllegalArgumentException("no S3 endpoint: give --endpoint or set TICKLAKE_S3_ENDPOINT");
    }
    return new MinioS3Storage(endpoint, setting("region", "TICKLAKE_S3_REGION", "us-east-1"),
        setting("access-key", "TICKLAKE_S3_ACCESS_KEY_ID", ""), setting("secret-key", "TICKLAKE_S3_SECRET_ACCESS_KEY", ""),
        bucket());
  }

  private String setting(String opt, String var, String def) {
    String v = values.get(opt);
    if (v == null) {
      v = env.get(var);
    }
    return v == null || v.isBlank() ? def : v;
  }

  /** A size such as {@code 268435456}, {@code 256MB}, {@code 1GB} or {@code 64KB}, in bytes. */
  public static long parseBytes(String s) {
    String t = s.trim().toUpperCase(java.util.Locale.ROOT);
    long unit = 1;
    for (var e : List.of(Map.entry("GB", 1L << 30), Map.entry("MB", 1L << 20), Map.entry("KB", 1L << 10), Map.entry("B", 1L))) {
      if (t.endsWith(e.getKey())) {
        unit = e.getValue();
        t = t.substring(0, t.length() - e.getKey().length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a positive size: '" + s + "' (e.g. 256MB)");
    }
  }
}
