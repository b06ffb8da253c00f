package io.ticklake.producers.coinbase;

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
 * A recorded Coinbase Exchange capture played for longer than it lasts, still a valid feed: loop
 * {@code k} shifts each product's trade ids ({@code trade_id}, {@code last_trade_id}) and
 * sequences past the previous loop's, and moves every {@code time} and receive time on by the
 * capture's span, written with as many fraction digits as recorded. The answers to the recorder's
 * own subscription ({@code subscriptions}, the book {@code snapshot}s, {@code last_match}es) are
 * played in loop 0 only: the venue's state carries on from there, and the simulator answers each
 * new subscriber itself. A lazy list: frames are rendered when read.
 */
public final class CoinbaseCaptureLoop extends AbstractList<CaptureFile.Entry> implements RandomAccess {
  private static final Pattern TOKEN =
      Pattern.compile("\"(trade_id|last_trade_id|sequence)\":(\\d+)|\"time\":\"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)(?:\\.(\\d+))?Z\"");
  private static final Pattern PRODUCT = Pattern.compile("\"product_id\":\"([^\"]+)\"");
  private static final Pattern ONCE = Pattern.compile("\"type\":\"(snapshot|last_match|subscriptions)\"");

  private enum Kind { TRADE, SEQUENCE, TIME }

  private record Token(int start, int end, Kind kind, long value, Instant time, int fractionDigits) {}

  private record Template(String frame, Instant receiveTime, int product, List<Token> tokens) {}

  private static final class Shifts {
    long minTrade = Long.MAX_VALUE;
    long maxTrade = Long.MIN_VALUE;
    long minSeq = Long.MAX_VALUE;
    long maxSeq = Long.MIN_VALUE;

    /** How far a loop moves the product's trade ids: none for a product without matches. */
    long trade() {
      return maxTrade >= minTrade ? maxTrade - minTrade + 1 : 0;
    }

    long sequence() {
      return maxSeq >= minSeq ? maxSeq - minSeq + 1 : 0;
    }
  }

  private final List<Template> all = new ArrayList<>();
  private final List<Template> repeated = new ArrayList<>();
  private final List<Shifts> shifts = new ArrayList<>();
  private final long spanMillis;
  private final LoopPlan plan;

  /**
   * @param cover recorded time to fill (at least one loop); {@link Duration#ZERO} loops as long as
   *     a list can be
   */
  public CoinbaseCaptureLoop(List<CaptureFile.Entry> capture, Duration cover) {
    this(capture, cover, 0);
  }

  /**
   * As {@link #CoinbaseCaptureLoop(List, Duration)}, starting at loop {@code firstLoop}: its first
   * frames (the answers to the subscription among them) have their ids and times shifted {@code
   * firstLoop} times.
   */
  public CoinbaseCaptureLoop(List<CaptureFile.Entry> capture, Duration cover, long firstLoop) {
    if (capture.isEmpty()) {
      throw new IllegalArgumentException("a capture loop needs frames");
    }
    Map<String, Integer> products = new HashMap<>();
    products.put("", 0);
    shifts.add(new Shifts());
    for (CaptureFile.Entry e : capture) {
      Matcher pm = PRODUCT.matcher(e.frame());
      String product = pm.find() ? pm.group(1) : "";
      int pi = products.computeIfAbsent(product, x -> {
        shifts.add(new Shifts());
        return shifts.size() - 1;
      });
      // Ids are shifted by the span of the frames played again, so each loop's first trade follows
      // the previous loop's last (the answers to the subscription, played once, do not count).
      // (A ticker sent on subscribe names the last match before the recording: matches alone count.)
      boolean repeats = !ONCE.matcher(e.frame()).find();
      boolean match = e.frame().contains("\"type\":\"match\"");
      Shifts sh = repeats ? shifts.get(pi) : new Shifts();
      List<Token> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(e.frame());
      while (m.find()) {
        if (m.group(1) != null) {
          long v = Long.parseLong(m.group(2));
          Kind kind = m.group(1).equals("sequence") ? Kind.SEQUENCE : Kind.TRADE;
          tokens.add(new Token(m.start(2), m.end(2), kind, v, null, 0));
          if (kind == Kind.TRADE && v > 0 && match) {
            sh.minTrade = Math.min(sh.minTrade, v);
            sh.maxTrade = Math.max(sh.maxTrade, v);
          } else if (kind == Kind.SEQUENCE) {
            sh.minSeq = Math.min(sh.minSeq, v);
            sh.maxSeq = Math.max(sh.maxSeq, v);
          }
        } else {
          String fraction = m.group(4) == null ? "" : m.group(4);
          Instant t = LocalDateTime.parse(m.group(3)).toInstant(ZoneOffset.UTC);
          if (!fraction.isEmpty()) {
            t = t.plusNanos(Long.parseLong((fraction + "000000000").substring(0, 9)));
          }
          // The token covers the whole value between the quotes.
          tokens.add(new Token(m.start(3), m.end() - 1, Kind.TIME, 0, t, fraction.length()));
        }
      }
      Template template = new Template(e.frame(), e.receiveTime(), pi, tokens);
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
    Shifts sh = shifts.get(t.product());
    StringBuilder out = new StringBuilder(t.frame().length() + 8);
    int at = 0;
    for (Token token : t.tokens()) {
      out.append(t.frame(), at, token.start());
      switch (token.kind()) {
        case TRADE -> out.append(token.value() == 0 ? 0 : token.value() + loop * sh.trade());
        case SEQUENCE -> out.append(token.value() + loop * sh.sequence());
        case TIME -> out.append(format(token.time().plusMillis(loop * spanMillis), token.fractionDigits()));
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
