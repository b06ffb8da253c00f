package io.ticklake.producers.binance;

import io.ticklake.producers.sim.CaptureFile;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.RandomAccess;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recorded Binance USD-M capture played for longer and for more symbols than it holds, still a
 * valid stream: loop {@code k} shifts every update id ({@code U}, {@code u}, {@code pu}) so the
 * first diff's {@code pu} equals the last diff's {@code u} of loop {@code k-1}, shifts trade and
 * aggregate ids past the previous loop's, and moves event, transaction and receive times on by the
 * capture's span. Each frame is played once per symbol, renamed (stream and {@code s}), so every
 * symbol has its own unbroken {@code pu} chain. The result is a lazy list (frames are rendered when
 * read), so an hour of six symbols costs no more memory than the capture.
 *
 * <p>A capture that starts with a diff the recorded snapshot does not cover yet (as the demo one
 * does) keeps doing so in loop 0 only; later loops continue the chain.
 */
public final class BinanceUsdmCaptureLoop extends AbstractList<CaptureFile.Entry> implements RandomAccess {
  private static final Pattern TOKEN =
      Pattern.compile("\"(U|u|pu|E|T|t|f|l|a)\":(\\d+)|(\"s\":\")([A-Z0-9]+)\"|(\"stream\":\")([a-z0-9]+)@");

  private enum Kind { UPDATE, TRADE, AGG, TIME }

  private record Token(int start, int end, Kind kind, long value, boolean symbolUpper, boolean symbolLower) {}

  private record Template(String frame, Instant receiveTime, List<Token> tokens) {}

  private final List<Template> templates = new ArrayList<>();
  private final List<String> symbols;
  private final int size;
  private final long updateShift;
  private final long tradeShift;
  private final long aggShift;
  private final long spanMillis;

  /**
   * @param capture a Binance USD-M capture of one symbol
   * @param symbols the symbols to play it for (venue-native, e.g. the six defaults)
   * @param cover how much recorded time to fill; the capture loops until it is covered (at least once)
   */
  public BinanceUsdmCaptureLoop(List<CaptureFile.Entry> capture, List<String> symbols, Duration cover) {
    if (capture.isEmpty() || symbols.isEmpty()) {
      throw new IllegalArgumentException("a capture loop needs frames and symbols");
    }
    this.symbols = symbols.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
    long firstPu = -1;
    long lastU = -1;
    long minUpdate = Long.MAX_VALUE;
    long maxUpdate = Long.MIN_VALUE;
    long minTrade = Long.MAX_VALUE;
    long maxTrade = Long.MIN_VALUE;
    long minAgg = Long.MAX_VALUE;
    long maxAgg = Long.MIN_VALUE;
    for (CaptureFile.Entry e : capture) {
      List<Token> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(e.frame());
      boolean depth = e.frame().contains("\"depthUpdate\"");
      while (m.find()) {
        if (m.group(1) != null) {
          long v = Long.parseLong(m.group(2));
          Kind kind = switch (m.group(1)) {
            case "U", "u", "pu" -> Kind.UPDATE;
            case "t", "f", "l" -> Kind.TRADE;
            case "a" -> Kind.AGG;
            default -> Kind.TIME;
          };
          tokens.add(new Token(m.start(2), m.end(2), kind, v, false, false));
          switch (kind) {
            case UPDATE -> {
              minUpdate = Math.min(minUpdate, v);
              maxUpdate = Math.max(maxUpdate, v);
              if (depth && m.group(1).equals("pu") && firstPu < 0) {
                firstPu = v;
              }
              if (depth && m.group(1).equals("u")) {
                lastU = v;
              }
            }
            case TRADE -> {
              minTrade = Math.min(minTrade, v);
              maxTrade = Math.max(maxTrade, v);
            }
            case AGG -> {
              minAgg = Math.min(minAgg, v);
              maxAgg = Math.max(maxAgg, v);
            }
            default -> { }
          }
        } else if (m.group(3) != null) {
          tokens.add(new Token(m.start(4), m.end(4), Kind.TIME, 0, true, false));
        } else {
          tokens.add(new Token(m.start(6), m.end(6), Kind.TIME, 0, false, true));
        }
      }
      templates.add(new Template(e.frame(), e.receiveTime(), tokens));
    }
    // With diffs, loop k+1's first pu must be loop k's last u; without, ids only need to grow.
    this.updateShift = firstPu >= 0 && lastU > firstPu ? lastU - firstPu
        : maxUpdate >= minUpdate ? maxUpdate - minUpdate + 1 : 0;
    this.tradeShift = maxTrade >= minTrade ? maxTrade - minTrade + 1 : 0;
    this.aggShift = maxAgg >= minAgg ? maxAgg - minAgg + 1 : 0;
    Instant first = capture.get(0).receiveTime();
    Instant last = capture.get(capture.size() - 1).receiveTime();
    long span = first != null && last != null ? Duration.between(first, last).toMillis() : 0;
    this.spanMillis = span + Math.max(1, span / Math.max(1, capture.size() - 1)); // one mean gap at the seam
    long loops = Math.max(1, (cover.toMillis() + spanMillis - 1) / spanMillis);
    long total = loops * capture.size() * this.symbols.size();
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("capture loop of " + total + " frames is too long");
    }
    this.size = (int) total;
  }

  /** The number of times the capture is played. */
  public int loops() {
    return size / (templates.size() * symbols.size());
  }

  /** Recorded time covered: loops times the capture's span. */
  public Duration covers() {
    return Duration.ofMillis((long) loops() * spanMillis);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public CaptureFile.Entry get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    int perLoop = templates.size() * symbols.size();
    int loop = index / perLoop;
    int inLoop = index % perLoop;
    Template t = templates.get(inLoop / symbols.size());
    String symbol = symbols.get(inLoop % symbols.size());
    StringBuilder out = new StringBuilder(t.frame().length() + 16);
    int at = 0;
    for (Token token : t.tokens()) {
      out.append(t.frame(), at, token.start());
      if (token.symbolUpper()) {
        out.append(symbol);
      } else if (token.symbolLower()) {
        out.append(symbol.toLowerCase(Locale.ROOT));
      } else {
        long shift = switch (token.kind()) {
          case UPDATE -> updateShift;
          case TRADE -> tradeShift;
          case AGG -> aggShift;
          case TIME -> spanMillis;
        };
        out.append(token.value() + loop * shift);
      }
      at = token.end();
    }
    out.append(t.frame(), at, t.frame().length());
    Instant receiveTime = t.receiveTime() == null ? null : t.receiveTime().plusMillis(loop * spanMillis);
    return new CaptureFile.Entry(receiveTime, out.toString());
  }
}
