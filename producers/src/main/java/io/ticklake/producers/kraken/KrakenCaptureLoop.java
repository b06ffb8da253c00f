package io.ticklake.producers.kraken;

import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.LoopPlan;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recorded Kraken v2 capture played for longer than it lasts, still a valid feed: loop {@code k}
 * moves each pair's {@code trade_id}s past the previous loop's and every {@code timestamp} and
 * receive time on by the capture's span. A recorded book snapshot played again finds the simulator
 * holding a book already: it moves that book to the snapshot's levels, as one update to its
 * subscribers (so the seam is a jump in the market, never a crossed book); a later loop's updates
 * leave their checksum to the simulator ({@link KrakenSimProfile#CHECKSUM_DUE}), which writes the
 * one of its own book. A lazy list: frames are rendered when read.
 */
final class KrakenCaptureLoop extends AbstractList<CaptureFile.Entry> implements RandomAccess {
  private static final Pattern TOKEN =
      Pattern.compile("\"trade_id\":(\\d+)|\"(?:timestamp|interval_begin)\":\"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d+))?Z\""
          + "|\"checksum\":(\\d+)");
  private static final Pattern SYMBOL = Pattern.compile("\"symbol\":\"([^\"]+)\"");
  private static final Pattern ONCE = Pattern.compile("\"method\":|\"channel\":\"status\"");

  /** What a token is: a trade id, a time, or a book checksum (which a later loop leaves to the simulator). */
  private enum Kind { TRADE, TIME, CHECKSUM }

  private record Token(int start, int end, Kind kind, long value, Instant time, int fractionDigits) {}

  private record Template(String frame, Instant receiveTime, String symbol, List<Token> tokens) {}

  private final List<Template> all = new ArrayList<>();
  private final List<Template> repeated = new ArrayList<>();
  /** Per pair: the span of its trade ids (how far a loop moves them). */
  private final Map<String, long[]> tradeIds = new HashMap<>();
  private final long spanMillis;
  private final LoopPlan plan;

  KrakenCaptureLoop(List<CaptureFile.Entry> capture, Duration cover, long firstLoop) {
    if (capture.isEmpty()) {
      throw new IllegalArgumentException("a capture loop needs frames");
    }
    for (CaptureFile.Entry e : capture) {
      if (KrakenProtocol.detect(List.of(e.frame())) == KrakenProtocol.V1) {
        throw new IllegalArgumentException("a Kraken v1 capture plays as recorded; only v2 captures loop");
      }
      Matcher sm = SYMBOL.matcher(e.frame());
      String symbol = sm.find() ? sm.group(1) : "";
      boolean repeats = !ONCE.matcher(e.frame()).find();
      boolean trade = e.frame().contains("\"channel\":\"trade\"");
      List<Token> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(e.frame());
      while (m.find()) {
        if (m.group(4) != null) {
          tokens.add(new Token(m.start(4), m.end(4), Kind.CHECKSUM, 0, null, 0));
        } else if (m.group(1) != null) {
          long v = Long.parseLong(m.group(1));
          tokens.add(new Token(m.start(1), m.end(1), Kind.TRADE, v, null, 0));
          if (trade && repeats) {
            long[] span = tradeIds.computeIfAbsent(symbol, x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            span[0] = Math.min(span[0], v);
            span[1] = Math.max(span[1], v);
          }
        } else {
          String fraction = m.group(3) == null ? "" : m.group(3);
          Instant t = LocalDateTime.parse(m.group(2)).toInstant(ZoneOffset.UTC);
          if (!fraction.isEmpty()) {
            t = t.plusNanos(Long.parseLong((fraction + "000000000").substring(0, 9)));
          }
          tokens.add(new Token(m.start(2), m.end() - 1, Kind.TIME, 0, t, fraction.length()));
        }
      }
      Template template = new Template(e.frame(), e.receiveTime(), symbol, tokens);
      all.add(template);
      if (repeats) {
        repeated.add(template);
      }
    }
    this.spanMillis = Math.max(1, CaptureFile.loopSpanMillis(capture));
    this.plan = new LoopPlan(all.size(), repeated.size(), spanMillis, cover, firstLoop);
  }

  @Override
  public int size() {
    return plan.size();
  }

  @Override
  public CaptureFile.Entry get(int index) {
    Template t = plan.fromAll(index) ? all.get(plan.template(index)) : repeated.get(plan.template(index));
    long loop = plan.loop(index);
    if (loop == 0) {
      return new CaptureFile.Entry(t.receiveTime(), t.frame());
    }
    long[] span = tradeIds.get(t.symbol());
    long idShift = span == null ? 0 : span[1] - span[0] + 1;
    StringBuilder out = new StringBuilder(t.frame().length() + 8);
    int at = 0;
    for (Token token : t.tokens()) {
      out.append(t.frame(), at, token.start());
      switch (token.kind()) {
        case TRADE -> out.append(token.value() + loop * idShift);
        case TIME -> out.append(format(token.time().plusMillis(loop * spanMillis), token.fractionDigits()));
        // The recorded checksum was of the recorded book; the simulator writes the one of its own.
        case CHECKSUM -> out.append(KrakenSimProfile.CHECKSUM_DUE);
      }
      at = token.end();
    }
    out.append(t.frame(), at, t.frame().length());
    Instant receiveTime = t.receiveTime() == null ? null : t.receiveTime().plusMillis(loop * spanMillis);
    return new CaptureFile.Entry(receiveTime, out.toString());
  }

  /** As {@link CaptureFile#isoTime}. */
  static String format(Instant t, int digits) {
    return CaptureFile.isoTime(t, digits);
  }
}
