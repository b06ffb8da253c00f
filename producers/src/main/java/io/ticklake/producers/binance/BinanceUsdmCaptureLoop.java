package io.ticklake.producers.binance;

import io.ticklake.producers.sim.CaptureFile;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.RandomAccess;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recorded Binance USD-M capture played for longer (and, for a one-symbol capture, for more
 * symbols) than it holds, still a valid stream: loop {@code k} shifts each symbol's update ids
 * ({@code U}, {@code u}, {@code pu}) so its first diff's {@code pu} equals its last diff's {@code u}
 * of loop {@code k-1}, shifts its trade and aggregate ids past the previous loop's, and moves event,
 * transaction, kline and receive times on by the capture's span. A one-symbol capture can be played
 * once per given symbol, renamed (stream and {@code s}), so every symbol has its own unbroken chain.
 * The result is a lazy list (frames are rendered when read), so a day of six symbols costs no more
 * memory than the capture.
 *
 * <p>A play may start at a later loop ({@code firstLoop}: the loop that would be playing now had
 * the capture looped since it was recorded); its recorded snapshots are shifted the same way
 * ({@link #snapshotAt}). A capture that starts with diffs the recorded snapshot does not cover yet
 * (as the demo one does) keeps doing so in the first loop played only; later loops continue the
 * chain.
 */
public final class BinanceUsdmCaptureLoop extends AbstractList<CaptureFile.Entry> implements RandomAccess {
  private static final Pattern TOKEN =
      Pattern.compile("\"(U|u|pu|E|T|t|f|l|L|a)\":(\\d+)|(\"s\":\")([A-Za-z0-9]+)\"|(\"stream\":\")([a-z0-9]+)@");
  private static final Pattern FRAME_SYMBOL = Pattern.compile("\"s\":\"([A-Za-z0-9]+)\"");

  private enum Kind { UPDATE, TRADE, AGG, TIME }

  private record Token(int start, int end, Kind kind, long value, boolean symbolUpper, boolean symbolLower) {}

  private record Template(String frame, Instant receiveTime, int symbol, List<Token> tokens) {}

  /** Per capture symbol: the shift of each id kind per loop. */
  private static final class Shifts {
    long firstPu = -1;
    long lastU = -1;
    long minUpdate = Long.MAX_VALUE;
    long maxUpdate = Long.MIN_VALUE;
    long minTrade = Long.MAX_VALUE;
    long maxTrade = Long.MIN_VALUE;
    long minAgg = Long.MAX_VALUE;
    long maxAgg = Long.MIN_VALUE;
    long update;
    long trade;
    long agg;

    void fix() {
      // With diffs, loop k+1's first pu must be loop k's last u; without, ids only need to grow.
      update = firstPu >= 0 && lastU > firstPu ? lastU - firstPu : maxUpdate >= minUpdate ? maxUpdate - minUpdate + 1 : 0;
      trade = maxTrade >= minTrade ? maxTrade - minTrade + 1 : 0;
      agg = maxAgg >= minAgg ? maxAgg - minAgg + 1 : 0;
    }
  }

  private static final Pattern KLINE_INTERVAL = Pattern.compile("\"i\":\"(\\d+)([mhdw])\"");

  private final List<Template> templates = new ArrayList<>();
  private final List<Shifts> shifts = new ArrayList<>();
  private final Map<String, Integer> symbolIndex = new HashMap<>();
  private final List<String> playAs;
  private final int size;
  private final long spanMillis;
  private final long firstLoop;

  /**
   * @param capture a Binance USD-M capture
   * @param playAs the symbols to play a one-symbol capture as (e.g. the six defaults), or {@code
   *     null} to play the capture's own symbols
   * @param cover how much recorded time to fill; the capture loops until it is covered (at least
   *     once); {@link Duration#ZERO} loops as long as a list can be
   */
  public BinanceUsdmCaptureLoop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover) {
    this(capture, playAs, cover, 0);
  }

  /**
   * As {@link #BinanceUsdmCaptureLoop(List, List, Duration)}, starting at loop {@code firstLoop}
   * (its ids and times shifted {@code firstLoop} times).
   */
  public BinanceUsdmCaptureLoop(List<CaptureFile.Entry> capture, List<String> playAs, Duration cover, long firstLoop) {
    if (capture.isEmpty()) {
      throw new IllegalArgumentException("a capture loop needs frames");
    }
    this.firstLoop = firstLoop;
    for (CaptureFile.Entry e : capture) {
      Matcher sm = FRAME_SYMBOL.matcher(e.frame());
      String symbol = sm.find() ? sm.group(1).toUpperCase(Locale.ROOT) : "";
      int si = symbolIndex.computeIfAbsent(symbol, x -> {
        shifts.add(new Shifts());
        return shifts.size() - 1;
      });
      Shifts sh = shifts.get(si);
      boolean depth = e.frame().contains("\"depthUpdate\"");
      boolean kline = e.frame().contains("\"e\":\"kline\"");
      List<Token> tokens = new ArrayList<>();
      Matcher m = TOKEN.matcher(e.frame());
      while (m.find()) {
        if (m.group(1) != null) {
          long v = Long.parseLong(m.group(2));
          Kind kind = switch (m.group(1)) {
            case "U", "u", "pu" -> Kind.UPDATE;
            case "t" -> kline ? Kind.TIME : Kind.TRADE; // a kline's t is its open time
            case "f", "l", "L" -> Kind.TRADE;
            case "a" -> Kind.AGG;
            default -> Kind.TIME;
          };
          tokens.add(new Token(m.start(2), m.end(2), kind, v, false, false));
          switch (kind) {
            case UPDATE -> {
              sh.minUpdate = Math.min(sh.minUpdate, v);
              sh.maxUpdate = Math.max(sh.maxUpdate, v);
              if (depth && m.group(1).equals("pu") && sh.firstPu < 0) {
                sh.firstPu = v;
              }
              if (depth && m.group(1).equals("u")) {
                sh.lastU = v;
              }
            }
            case TRADE -> {
              if (v > 0) { // an aggTrade of an empty kline says f = L = -1 (no digits: not matched) or 0
                sh.minTrade = Math.min(sh.minTrade, v);
                sh.maxTrade = Math.max(sh.maxTrade, v);
              }
            }
            case AGG -> {
              sh.minAgg = Math.min(sh.minAgg, v);
              sh.maxAgg = Math.max(sh.maxAgg, v);
            }
            default -> { }
          }
        } else if (m.group(3) != null) {
          tokens.add(new Token(m.start(4), m.end(4), Kind.TIME, 0, true, false));
        } else {
          tokens.add(new Token(m.start(6), m.end(6), Kind.TIME, 0, false, true));
        }
      }
      templates.add(new Template(e.frame(), e.receiveTime(), si, tokens));
    }
    shifts.forEach(Shifts::fix);
    if (playAs != null && symbolIndex.size() > 1) {
      throw new IllegalArgumentException("only a capture of one symbol can be played as other symbols; this one holds "
          + symbolIndex.keySet());
    }
    this.playAs = playAs == null ? null : playAs.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
    this.spanMillis = loopSpanMillis(capture);
    long perLoop = (long) capture.size() * copies();
    long loops = cover.isZero()
        ? Integer.MAX_VALUE / perLoop
        : Math.max(1, (cover.toMillis() + spanMillis - 1) / spanMillis);
    long total = loops * perLoop;
    if (total > Integer.MAX_VALUE || loops < 1) {
      throw new IllegalArgumentException("capture loop of " + total + " frames is too long");
    }
    this.size = (int) total;
  }

  /**
   * The recorded time one loop moves every time on by: the capture's span ({@link
   * CaptureFile#loopSpanMillis}), rounded up to a whole number of its longest kline interval so
   * every looped kline still opens on its interval's grid.
   */
  public static long loopSpanMillis(List<CaptureFile.Entry> capture) {
    long span = Math.max(1, CaptureFile.loopSpanMillis(capture));
    long grain = 0;
    for (CaptureFile.Entry e : capture) {
      if (e.frame().contains("\"e\":\"kline\"")) {
        Matcher m = KLINE_INTERVAL.matcher(e.frame());
        if (m.find()) {
          long n = Long.parseLong(m.group(1));
          long unit = switch (m.group(2)) {
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> 7 * 86_400_000L;
          };
          grain = Math.max(grain, n * unit);
        }
      }
    }
    return grain == 0 ? span : (span + grain - 1) / grain * grain;
  }

  /**
   * A REST depth snapshot recorded with the capture as it reads in loop {@code loop}: {@code
   * lastUpdateId} shifted as the symbol's diffs are, {@code E} and {@code T} as the times are.
   *
   * @param symbol the symbol it is for (a one-symbol capture's own shifts serve every symbol it is played as)
   */
  public String snapshotAt(String symbol, String body, long loop) {
    if (loop == 0) {
      return body;
    }
    Integer si = symbolIndex.get(symbol.toUpperCase(Locale.ROOT));
    if (si == null) {
      if (shifts.size() != 1) {
        return body;
      }
      si = 0;
    }
    try {
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(body);
      node.put("lastUpdateId", node.get("lastUpdateId").asLong() + loop * shifts.get(si).update);
      for (String time : List.of("E", "T")) {
        if (node.has(time)) {
          node.put(time, node.get(time).asLong() + loop * spanMillis);
        }
      }
      return json.writeValueAsString(node);
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable recorded depth snapshot of " + symbol + ": " + e.getMessage(), e);
    }
  }

  /** One-symbol captures played for several symbols: how many copies of each frame per loop. */
  private int copies() {
    return playAs == null ? 1 : playAs.size();
  }

  /** The number of times the capture is played. */
  public int loops() {
    return size / (templates.size() * copies());
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
    int perLoop = templates.size() * copies();
    long loop = firstLoop + index / perLoop;
    int inLoop = index % perLoop;
    Template t = templates.get(inLoop / copies());
    String symbol = playAs == null ? null : playAs.get(inLoop % copies());
    Shifts sh = shifts.get(t.symbol());
    StringBuilder out = new StringBuilder(t.frame().length() + 16);
    int at = 0;
    for (Token token : t.tokens()) {
      out.append(t.frame(), at, token.start());
      if (token.symbolUpper() || token.symbolLower()) {
        if (symbol == null) {
          out.append(t.frame(), token.start(), token.end());
        } else {
          out.append(token.symbolUpper() ? symbol : symbol.toLowerCase(Locale.ROOT));
        }
      } else {
        long shift = switch (token.kind()) {
          case UPDATE -> sh.update;
          case TRADE -> sh.trade;
          case AGG -> sh.agg;
          case TIME -> spanMillis;
        };
        out.append(token.value() == 0 ? 0 : token.value() + loop * shift);
      }
      at = token.end();
    }
    out.append(t.frame(), at, t.frame().length());
    Instant receiveTime = t.receiveTime() == null ? null : t.receiveTime().plusMillis(loop * spanMillis);
    return new CaptureFile.Entry(receiveTime, out.toString());
  }
}
