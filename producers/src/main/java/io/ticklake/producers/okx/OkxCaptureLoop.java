package io.ticklake.producers.okx;

import io.ticklake.producers.sim.CaptureFile;
import io.ticklake.producers.sim.LoopPlan;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A recorded OKX capture played for longer than it lasts, still a valid feed: loop {@code k} moves
 * each instrument's {@code tradeId}s past the previous loop's and every {@code ts} and receive time
 * on by the capture's span. Book messages are numbered by the simulator as it plays them ({@link
 * OkxSimProfile#render}), and a recorded snapshot played again moves its subscribers' books to it,
 * so the chain and the books carry on across the seams. A lazy list.
 */
final class OkxCaptureLoop extends AbstractList<CaptureFile.Entry> implements RandomAccess {
  private static final Pattern TOKEN = Pattern.compile("\"tradeId\":\"(\\d+)\"|\"ts\":\"(\\d+)\"");
  private static final Pattern INST = Pattern.compile("\"instId\":\"([^\"]+)\"");
  private static final Pattern ONCE = Pattern.compile("^\\{\"event\"");

  private record Token(int start, int end, boolean trade, long value) {}

  private record Template(String frame, Instant receiveTime, String instId, List<Token> tokens) {}

  private final List<Template> all = new ArrayList<>();
  private final List<Template> repeated = new ArrayList<>();
  private final Map<String, long[]> tradeIds = new HashMap<>();
  private final long spanMillis;
  private final LoopPlan plan;

  OkxCaptureLoop(List<CaptureFile.Entry> capture, Duration cover, long firstLoop) {
    if (capture.isEmpty()) {
      throw new IllegalArgumentException("a capture loop needs frames");
    }
    for (CaptureFile.Entry e : capture) {
      Matcher im = INST.matcher(e.frame());
      String instId = im.find() ? im.group(1) : "";
      boolean repeats = !ONCE.matcher(e.frame()).find();
      boolean trade = e.frame().startsWith("{\"arg\":{\"channel\":\"trades\"");
      List<Token> tokens = new ArrayList<>();
      for (Matcher m = TOKEN.matcher(e.frame()); m.find(); ) {
        if (m.group(1) != null) {
          long v = Long.parseLong(m.group(1));
          tokens.add(new Token(m.start(1), m.end(1), true, v));
          if (trade && repeats) {
            long[] span = tradeIds.computeIfAbsent(instId, x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            span[0] = Math.min(span[0], v);
            span[1] = Math.max(span[1], v);
          }
        } else {
          tokens.add(new Token(m.start(2), m.end(2), false, Long.parseLong(m.group(2))));
        }
      }
      Template t = new Template(e.frame(), e.receiveTime(), instId, tokens);
      all.add(t);
      if (repeats) {
        repeated.add(t);
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
    long[] span = tradeIds.get(t.instId());
    long idShift = span == null ? 0 : span[1] - span[0] + 1;
    StringBuilder out = new StringBuilder(t.frame().length() + 8);
    int at = 0;
    for (Token token : t.tokens()) {
      out.append(t.frame(), at, token.start());
      out.append(token.trade() ? token.value() + loop * idShift : token.value() + loop * spanMillis);
      at = token.end();
    }
    out.append(t.frame(), at, t.frame().length());
    Instant receiveTime = t.receiveTime() == null ? null : t.receiveTime().plusMillis(loop * spanMillis);
    return new CaptureFile.Entry(receiveTime, out.toString());
  }
}
