package io.ticklake.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LogscanCommandTest {
  static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
  @TempDir Path logs;
  StringWriter out = new StringWriter();

  @BeforeEach
  void logs() throws Exception {
    Files.writeString(
        logs.resolve("collector.log"),
        String.join(
            "\n",
            "2026-03-08T11:00:00.000Z ERROR [collector] x.Y - two days old, outside 24h",
            "2026-03-10T09:00:00.000Z INFO  [collector] x.Y - fine",
            "2026-03-10T09:30:00.000Z ERROR [collector] x.Y - send failed",
            "java.lang.IllegalStateException: CRITICAL inside a stack trace, timed by the line above",
            "2026-03-10T10:00:00.000Z WARN  [collector] x.Y - ERRORS is another word",
            "2026-03-10T10:30:00.000+01:00 CRITICAL [collector] x.Y - offset time, 09:30Z"));
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(logs.resolve("kafka.log.1.gz")))) {
      gz.write("2026-03-10T08:00:00.000Z ERROR [kafka] k - in a rotated file\n".getBytes(StandardCharsets.UTF_8));
    }
    Files.writeString(logs.resolve("notes.txt"), "2026-03-10T09:00:00.000Z ERROR not a log file\n");
    Files.writeString(logs.resolve("old.log"), "2026-03-01T09:00:00.000Z ERROR untouched for days\n");
    Files.setLastModifiedTime(logs.resolve("old.log"), FileTime.from(Instant.parse("2026-03-01T09:00:01Z")));
  }

  private int run(String... args) {
    LogscanCommand cmd = new LogscanCommand();
    cmd.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    CommandLine cli = new CommandLine(cmd);
    cli.setOut(new PrintWriter(out));
    String[] all = new String[args.length + 1];
    all[0] = "--logs-dir=" + logs;
    System.arraycopy(args, 0, all, 1, args.length);
    return cli.execute(all);
  }

  @Test
  void countsKeywordLinesWithinTheSpanAcrossPlainAndRotatedFiles() {
    assertThat(run("--since", "24h", "--keywords", "ERROR,CRITICAL", "--max", "4")).isZero();
    assertThat(out.toString())
        .contains("logscan: 4 matching lines")
        .contains("{ERROR=2, CRITICAL=2}")
        .contains("collector.log: 2026-03-10T09:30:00.000Z ERROR [collector] x.Y - send failed")
        .contains("kafka.log.1.gz: 2026-03-10T08:00:00.000Z ERROR")
        .doesNotContain("two days old")
        .doesNotContain("ERRORS is another word")
        .doesNotContain("not a log file")
        .doesNotContain("untouched for days");
  }

  @Test
  void exitsOneWhenMatchesExceedTheLimit() {
    assertThat(run("--since", "24h", "--max", "3")).isEqualTo(1);
    assertThat(out.toString()).contains("logscan: 4 > --max 3");
  }

  @Test
  void aShorterSpanSeesLess() {
    assertThat(run("--since", "150m", "--keywords", "ERROR,CRITICAL")).isEqualTo(1);
    assertThat(out.toString()).contains("logscan: 3 matching lines").doesNotContain("rotated file");
    out.getBuffer().setLength(0);
    assertThat(run("--since", "1h")).isZero();
    assertThat(out.toString()).contains("logscan: 0 matching lines");
  }

  @Test
  void aBadSpanIsRefused() {
    assertThat(run("--since", "yesterday")).isEqualTo(2);
    assertThat(out.toString()).contains("--since takes a number and a unit");
  }
}
