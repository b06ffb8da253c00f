package io.ticklake.connect.s3.lake;

import io.ticklake.connect.s3.storage.S3Storage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Partition paths of the lake: {@code <kind>/venue=<v>/symbol=<s>/date=<YYYY-MM-DD>}, relative to
 * {@code topics.dir}. A stream is a partition without its date: {@code <kind>/venue=<v>/symbol=<s>}.
 */
public final class LakePaths {
  private LakePaths() {}

  /** Every partition directory under the lake that matches the filter, in key order. */
  public static List<String> partitions(S3Storage storage, String topicsDir, Predicate<String> filter) {
    TreeSet<String> out = new TreeSet<>();
    for (S3Storage.StoredObject o : storage.list(topicsDir + "/")) {
      String rel = o.key().substring(topicsDir.length() + 1);
      int slash = rel.lastIndexOf('/');
      if (slash > 0 && date(rel.substring(0, slash)) != null && filter.test(rel.substring(0, slash))) {
        out.add(rel.substring(0, slash));
      }
    }
    return new ArrayList<>(out);
  }

  /** The dates present for each stream, from a list of partitions. */
  public static Map<String, TreeSet<LocalDate>> streamDates(List<String> partitions) {
    Map<String, TreeSet<LocalDate>> out = new TreeMap<>();
    for (String p : partitions) {
      LocalDate d = date(p);
      if (d != null) {
        out.computeIfAbsent(stream(p), k -> new TreeSet<>()).add(d);
      }
    }
    return out;
  }

  /** The dates present for one stream, listing only that stream's prefix. */
  public static TreeSet<LocalDate> datesOf(S3Storage storage, String topicsDir, String stream) {
    TreeSet<LocalDate> dates = new TreeSet<>();
    String prefix = topicsDir + "/" + stream + "/";
    for (S3Storage.StoredObject o : storage.list(prefix)) {
      String rel = o.key().substring(prefix.length());
      int slash = rel.indexOf('/');
      if (slash > 0 && rel.startsWith("date=")) {
        LocalDate d = parseDate(rel.substring(5, slash));
        if (d != null) {
          dates.add(d);
        }
      }
    }
    return dates;
  }

  /** The partition without its date segment. */
  public static String stream(String partition) {
    int slash = partition.lastIndexOf('/');
    return slash < 0 ? partition : partition.substring(0, slash);
  }

  /** The partition's kind: its first segment ({@code trades}). */
  public static String kind(String partition) {
    int slash = partition.indexOf('/');
    return slash < 0 ? partition : partition.substring(0, slash);
  }

  /** The partition's venue ({@code venue=<v>}, unescaped), or null. */
  public static String venue(String partition) {
    for (String seg : partition.split("/")) {
      if (seg.startsWith("venue=")) {
        return java.net.URLDecoder.decode(seg.substring(6), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /** The partition's date, or null when its last segment is not {@code date=YYYY-MM-DD}. */
  public static LocalDate date(String partition) {
    String last = partition.substring(partition.lastIndexOf('/') + 1);
    return last.startsWith("date=") ? parseDate(last.substring(5)) : null;
  }

  /**
   * Whether a partition matches the CLI's selectors ({@code kind, venue, symbol, date}; an absent
   * one matches everything).
   */
  public static boolean matches(String partition, Map<String, String> selectors) {
    String[] seg = partition.split("/");
    if (seg.length != 4) {
      return false;
    }
    return eq(selectors.get("kind"), seg[0])
        && eq(selectors.get("venue") == null ? null : "venue=" + selectors.get("venue"), seg[1])
        && eq(selectors.get("symbol") == null ? null : "symbol=" + selectors.get("symbol"), seg[2])
        && eq(selectors.get("date") == null ? null : "date=" + selectors.get("date"), seg[3]);
  }

  private static boolean eq(String wanted, String actual) {
    return wanted == null || wanted.equals(actual);
  }

  private static LocalDate parseDate(String s) {
    try {
      return LocalDate.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
