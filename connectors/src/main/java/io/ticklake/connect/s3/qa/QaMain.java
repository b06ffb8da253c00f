package io.ticklake.connect.s3.qa;

import io.ticklake.connect.s3.lake.LakeArgs;
import io.ticklake.connect.s3.storage.S3Storage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the lake QA suite. {@code ./ticklake qa} runs it in a child JVM on the plugin's lib/:
 *
 * <pre>
 * java -cp 'lib/*' io.ticklake.connect.s3.qa.QaMain [--days N] [--report FILE] [--kind K --venue V --symbol S --date D]
 *     [--gap-threshold-minutes 5] [--min-coverage 99.9] [--venue-traits binance-usdm=continuous/60,...]
 * </pre>
 *
 * Prints a summary, writes the JSON report ({@code qa-report.json} by default), exits 0 when every
 * check passed, 1 on any FAIL, 2 on bad arguments. S3 settings as {@link LakeArgs} describes.
 */
public final class QaMain {
  static final String USAGE = "usage: [--days N] [--report FILE] [--kind K] [--venue V] [--symbol S] [--date YYYY-MM-DD]"
      + " [--gap-threshold-minutes 5] [--min-coverage 99.9] [--venue-traits V=continuous|sessions/SECONDS[/quiet],...]"
      + " [--endpoint URL --bucket B --topics-dir lake]";

  private QaMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), null, Clock.systemUTC(), System.out, System.err));
  }

  /** For tests: {@code storage} replaces the one built from the settings when not null. */
  static int run(String[] args, Map<String, String> env, S3Storage storage, Clock clock, PrintStream out, PrintStream err) {
    LakeArgs a;
    Integer days;
    QaSettings settings;
    try {
      a = LakeArgs.parse(args, List.of("days", "report", "gap-threshold-minutes", "min-coverage", "venue-traits"), List.of(), env);
      days = a.value("days") == null ? null : positive("--days", a.value("days"));
      Duration gap = a.value("gap-threshold-minutes") == null ? QaSettings.GAP_THRESHOLD_DEFAULT
          : Duration.ofMinutes(positive("--gap-threshold-minutes", a.value("gap-threshold-minutes")));
      double coverage = QaSettings.MIN_COVERAGE_DEFAULT;
      if (a.value("min-coverage") != null) {
        coverage = Double.parseDouble(a.value("min-coverage")) / 100;
        if (!(coverage >= 0 && coverage <= 1)) {
          throw new IllegalArgumentException("--min-coverage is a percentage from 0 to 100, got " + a.value("min-coverage"));
        }
      }
      settings = new QaSettings(gap, coverage, QaSettings.FUTURE_SKEW_DEFAULT,
          QaSettings.VenueTraits.parse(a.value("venue-traits")));
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
    Path reportFile = Path.of(a.value("report") == null ? "qa-report.json" : a.value("report"));
    QaReport report = new LakeQa(s3, a.topicsDir(), "s3://" + a.bucket() + "/" + a.topicsDir(), clock, settings)
        .run(a.selectors(), days);
    report.print(out);
    try {
      report.write(reportFile);
      out.println("Report: " + reportFile.toAbsolutePath());
    } catch (java.io.IOException e) {
      err.println("could not write the report to " + reportFile + ": " + e.getMessage());
      return 1;
    }
    return report.failed() ? 1 : 0;
  }

  private static int positive(String name, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " takes a positive whole number, got '" + value + "'");
  }
}
