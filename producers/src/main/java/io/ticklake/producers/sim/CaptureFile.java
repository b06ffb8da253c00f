package io.ticklake.producers.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Recorded venue frames, one per line, in the format of cryptofeed's raw recordings: {@code <receive
 * time in epoch seconds, fractional>: <frame exactly as received>}. Bare frames (a line that is the
 * frame itself) are read too, with no receive time. Blank lines are skipped, and so are the other
 * lines of a cryptofeed recording, which are not frames the venue sent: the connection header
 * ({@code <url> <-> <time>}), what the client sent ({@code <url> <- <time>: <message>}) and REST
 * answers ({@code <url> -> <time>: <body>}).
 */
public final class CaptureFile {

  /** One recorded frame; {@code receiveTime} is {@code null} for a bare frame. */
  public record Entry(Instant receiveTime, String frame) {}

  private CaptureFile() {}

  public static List<Entry> read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read capture " + file, e);
    }
  }

  /** Reads a capture from the classpath, e.g. {@code /captures/<venue>/<name>.capture}. */
  public static List<Entry> readResource(String resource) {
    try (InputStream in = CaptureFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no capture on the classpath at " + resource);
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read capture " + resource, e);
    }
  }

  public static List<Entry> read(InputStream in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int lineNo = 0;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank() || notAFrame(line)) {
        continue;
      }
      entries.add(parseLine(line, lineNo));
    }
    return entries;
  }

  /** A cryptofeed line about the connection, not a frame received: {@code wss://... <- 1618677817.02: {...}}. */
  static boolean notAFrame(String line) {
    char c = line.charAt(0);
    if (c == '{' || c == '[' || Character.isDigit(c)) {
      return false;
    }
    int brace = line.indexOf('{');
    String head = brace < 0 ? line : line.substring(0, brace);
    return head.contains("://") && (head.contains(" <- ") || head.contains(" <-> ") || head.contains(" -> "));
  }

  static Entry parseLine(String line, int lineNo) {
    char c = line.charAt(0);
    if (c == '{' || c == '[') {
      return new Entry(null, line);
    }
    int sep = line.indexOf(": ");
    if (sep <= 0) {
      throw new IllegalArgumentException("capture line " + lineNo + " is neither '<epoch seconds>: <frame>' nor a frame");
    }
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(line.substring(0, sep));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("capture line " + lineNo + ": bad time prefix '" + line.substring(0, sep) + "'", e);
    }
    long whole = seconds.longValue();
    long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
    return new Entry(Instant.ofEpochSecond(whole, nanos), line.substring(sep + 2));
  }

  /**
   * An ISO-8601 UTC time as venues write it ({@code 2021-04-17T16:43:50.673426Z}), with {@code
   * digits} fraction digits (0: none): a looped capture's times keep their recorded precision.
   */
  public static String isoTime(Instant t, int digits) {
    String base = java.time.LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, java.time.ZoneOffset.UTC).toString();
    if (base.length() == 16) {
      base += ":00"; // LocalDateTime drops zero seconds
    }
    if (digits == 0) {
      return base + "Z";
    }
    String nanos = String.format("%09d", t.getNano());
    return base + "." + (digits <= 9 ? nanos.substring(0, digits) : nanos + "0".repeat(digits - 9)) + "Z";
  }

  /** The last non-blank line of a classpath resource (a recorded REST answer). */
  public static String lastLineOfResource(String resource) {
    try (InputStream in = CaptureFile.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource on the classpath at " + resource);
      }
      return lastLine(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static String lastLine(String text, String what) {
    String last = null;
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        last = line.strip();
      }
    }
    if (last == null) {
      throw new IllegalArgumentException(what + " is empty");
    }
    return last;
  }

  /**
   * The REST snapshots recorded beside a capture, as {@code ./ticklake record} lays them out: for
   * each symbol, the file {@code <symbol>-<capture name>.snapshots.jsonl} (the name with or without
   * its extension, the symbol in any case), or a {@code <name>.snapshots.jsonl} whose name starts
   * with the symbol (the shipped demo's layout); the last line of each (the latest answer).
   *
   * @return body by symbol, for the symbols that have one
   */
  public static Map<String, String> snapshotsBeside(Path capture, Collection<String> symbols) {
    Path dir = capture.toAbsolutePath().getParent();
    String name = capture.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    Map<String, String> out = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".snapshots.jsonl")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    for (String symbol : symbols) {
      String sym = symbol.toLowerCase(Locale.ROOT);
      for (Path f : files) {
        String file = f.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean named =
            file.equals(sym + "-" + name.toLowerCase(Locale.ROOT) + ".snapshots.jsonl")
                || file.equals(sym + "-" + stem.toLowerCase(Locale.ROOT) + ".snapshots.jsonl")
                || (file.equals(stem.toLowerCase(Locale.ROOT) + ".snapshots.jsonl") && stem.toLowerCase(Locale.ROOT).startsWith(sym + "-"));
        if (named) {
          try {
            out.put(symbol, lastLine(Files.readString(f), f.toString()));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
          }
          break;
        }
      }
    }
    return out;
  }

  /**
   * The loop of a capture looped every {@code spanMillis} since it was recorded that plays at
   * {@code when}; 0 without receive times or before the capture's first frame.
   */
  public static long loopAt(List<Entry> capture, Instant when, long spanMillis) {
    Instant first = capture.isEmpty() ? null : capture.get(0).receiveTime();
    if (spanMillis <= 0 || first == null || !when.isAfter(first)) {
      return 0;
    }
    return java.time.Duration.between(first, when).toMillis() / spanMillis;
  }

  /**
   * The recorded time one play of a capture takes when it is looped: first to last receive time,
   * plus one mean gap between frames at the seam; 0 when the frames carry no receive times.
   */
  public static long loopSpanMillis(List<Entry> capture) {
    Instant first = capture.isEmpty() ? null : capture.get(0).receiveTime();
    Instant last = capture.isEmpty() ? null : capture.get(capture.size() - 1).receiveTime();
    if (first == null || last == null) {
      return 0;
    }
    long span = java.time.Duration.between(first, last).toMillis();
    return span + Math.max(1, span / Math.max(1, capture.size() - 1));
  }

  /** One capture line for a frame received at {@code receiveTime}, without the line break. */
  public static String format(Instant receiveTime, String frame) {
    return receiveTime.getEpochSecond() + "." + String.format("%09d", receiveTime.getNano()) + ": " + frame;
  }
}
