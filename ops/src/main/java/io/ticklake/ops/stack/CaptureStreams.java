package io.ticklake.ops.stack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The symbols and channels a capture of combined-stream frames holds ({@code "stream":
 * "btcusdt@depth@0ms"}), so a replay subscribes to exactly what was recorded.
 *
 * @param symbols venue-native symbols, upper case
 * @param channels channel names as the collector takes them ({@code trade}, {@code depth@0ms})
 */
record CaptureStreams(Set<String> symbols, Set<String> channels) {
  private static final Pattern STREAM =
      Pattern.compile("\"stream\"\\s*:\\s*\"([^\"@]+)@([^\"]+)\"");

  static CaptureStreams scan(Path capture) {
    Set<String> symbols = new TreeSet<>();
    Set<String> channels = new TreeSet<>();
    try (BufferedReader r = Files.newBufferedReader(capture)) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = STREAM.matcher(line);
        if (m.find()) {
          symbols.add(m.group(1).toUpperCase(Locale.ROOT));
          channels.add(m.group(2));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read capture " + capture, e);
    }
    if (symbols.isEmpty()) {
      throw new IllegalArgumentException(
          capture + " holds no combined-stream frames (\"stream\":\"<symbol>@<channel>\")");
    }
    return new CaptureStreams(symbols, channels);
  }
}
