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
import java.util.List;

/**
 * Recorded venue frames, one per line, in the format of cryptofeed's raw recordings: {@code <receive
 * time in epoch seconds, fractional>: <frame exactly as received>}. Bare frames (a line that is the
 * frame itself) are read too, with no receive time. Blank lines are skipped.
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

  /** Reads a capture from the classpath, e.g. {@code /captures/binance-usdm/btcusdt-20240808.capture}. */
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
      if (line.isBlank()) {
        continue;
      }
      entries.add(parseLine(line, lineNo));
    }
    return entries;
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

  /** One capture line for a frame received at {@code receiveTime}, without the line break. */
  public static String format(Instant receiveTime, String frame) {
    return receiveTime.getEpochSecond() + "." + String.format("%09d", receiveTime.getNano()) + ": " + frame;
  }
}
