package io.ticklake.streams.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Query answers as JSON, pure: decimals as exact plain strings, and every answer says how old its
 * data is — {@code asOf} (event time of the newest data in the answer) and {@code ageMs} (now
 * minus asOf).
 */
public final class QueryJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private QueryJson() {}

  public static ObjectNode quote(Quote q, Instant now) {
    ObjectNode n = header(q.getVenue(), q.getSymbol(), q.getEventTime(), now);
    n.put("updateId", q.getUpdateId());
    n.put("bidPrice", plain(q.getBidPrice()));
    n.put("bidSize", plain(q.getBidSize()));
    n.put("askPrice", plain(q.getAskPrice()));
    n.put("askSize", plain(q.getAskSize()));
    return n;
  }

  /**
   * OFI since the start of the UTC day: {@code ofi} and {@code updates} up to the newest update
   * (minutes still open included), {@code closedThrough} the end of the last closed minute, and
   * that minute on its own in {@code lastMinute} (null when none closed today yet).
   */
  public static ObjectNode ofi(Ofi dayToDate, Instant closedThrough, Ofi lastMinute, Instant now) {
    ObjectNode n = header(dayToDate.getVenue(), dayToDate.getSymbol(), dayToDate.getEventTime(), now);
    ofiFields(n, dayToDate);
    n.put("closedThrough", closedThrough == null ? null : closedThrough.toString());
    if (lastMinute == null) {
      n.putNull("lastMinute");
    } else {
      ofiFields(n.putObject("lastMinute"), lastMinute);
    }
    return n;
  }

  private static void ofiFields(ObjectNode n, Ofi o) {
    n.put("window", o.getWindow());
    n.put("windowStart", o.getWindowStart().toString());
    n.put("windowEnd", o.getWindowEnd().toString());
    n.put("ofi", plain(o.getOfi()));
    ArrayNode levels = n.putArray("ofiLevels");
    o.getOfiLevels().forEach(l -> levels.add(plain(l)));
    n.put("updates", o.getUpdates());
  }

  /**
   * CVD since the start of the UTC day: {@code cumulative} up to the newest trade (minutes still
   * open included, {@code openTrades} of them), and the last closed minute in {@code lastMinute}
   * ({@code closedThrough} its end; both null when none closed today yet).
   */
  public static ObjectNode cvd(
      String venue,
      String symbol,
      Instant dayStart,
      Instant windowEnd,
      BigDecimal cumulative,
      long openTrades,
      Cvd lastMinute,
      Instant asOf,
      Instant now) {
    ObjectNode n = header(venue, symbol, asOf, now);
    n.put("windowStart", dayStart.toString());
    n.put("windowEnd", windowEnd.toString());
    n.put("cumulative", plain(cumulative));
    n.put("openTrades", openTrades);
    if (lastMinute == null) {
      n.putNull("closedThrough");
      n.putNull("lastMinute");
    } else {
      n.put("closedThrough", lastMinute.getWindowEnd().toString());
      ObjectNode m = n.putObject("lastMinute");
      m.put("windowStart", lastMinute.getWindowStart().toString());
      m.put("windowEnd", lastMinute.getWindowEnd().toString());
      m.put("delta", plain(lastMinute.getDelta()));
      m.put("buyVolume", plain(lastMinute.getBuyVolume()));
      m.put("sellVolume", plain(lastMinute.getSellVolume()));
      m.put("tradeCount", lastMinute.getTradeCount());
    }
    return n;
  }

  /** Candles newest first; asOf is the newest candle's last trade (in progress) or its close. */
  public static ObjectNode candles(String venue, String symbol, String interval, List<Candle> candles, Instant asOf, Instant now) {
    ObjectNode n = header(venue, symbol, asOf, now);
    n.put("interval", interval);
    ArrayNode arr = n.putArray("candles");
    for (Candle c : candles) {
      ObjectNode o = arr.addObject();
      o.put("openTime", c.getOpenTime().toString());
      o.put("closeTime", c.getCloseTime().toString());
      o.put("open", plain(c.getOpen()));
      o.put("high", plain(c.getHigh()));
      o.put("low", plain(c.getLow()));
      o.put("close", plain(c.getClose()));
      o.put("volume", plain(c.getVolume()));
      o.put("quoteVolume", plain(c.getQuoteVolume()));
      o.put("vwap", plain(c.getVwap()));
      o.put("tradeCount", c.getTradeCount());
      o.put("takerBuyVolume", plain(c.getTakerBuyVolume()));
      o.put("takerSellVolume", plain(c.getTakerSellVolume()));
      o.put("closed", c.getClosed());
    }
    return n;
  }

  private static ObjectNode header(String venue, String symbol, Instant asOf, Instant now) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("venue", venue);
    n.put("symbol", symbol);
    if (asOf != null) {
      n.put("asOf", asOf.toString());
      n.put("ageMs", now.toEpochMilli() - asOf.toEpochMilli());
    } else {
      n.putNull("asOf");
      n.putNull("ageMs");
    }
    return n;
  }

  private static String plain(BigDecimal v) {
    return v == null ? null : Decimals.toPlain(v);
  }

  /** One stream's audit tally ({@code key} is {@code venue:symbol}). */
  static ObjectNode auditStream(String key, io.ticklake.streams.dq.CandleAudit.Tally t) {
    int colon = key.indexOf(':');
    ObjectNode n = MAPPER.createObjectNode();
    n.put("venue", colon < 0 ? key : key.substring(0, colon));
    n.put("symbol", colon < 0 ? "" : key.substring(colon + 1));
    n.put("audited", t.audited());
    n.put("matched", t.audited() - t.differed());
    n.put("differed", t.differed());
    n.put("unmatched", t.unmatched());
    n.put("skipped", t.skipped());
    n.put("lastDifference", t.lastDifference().isEmpty() ? null : t.lastDifference());
    return n;
  }

  /** The audit per venue (sums of its streams) and per stream. */
  static ObjectNode audit(com.fasterxml.jackson.databind.node.ArrayNode streams, Instant now) {
    java.util.Map<String, ObjectNode> venues = new java.util.TreeMap<>();
    for (com.fasterxml.jackson.databind.JsonNode s : streams) {
      ObjectNode v = venues.computeIfAbsent(s.path("venue").asText(), k -> {
        ObjectNode z = MAPPER.createObjectNode();
        z.put("streams", 0).put("audited", 0).put("matched", 0).put("differed", 0).put("unmatched", 0).put("skipped", 0);
        z.putNull("lastDifference");
        return z;
      });
      v.put("streams", v.path("streams").asLong() + 1);
      for (String f : new String[] {"audited", "matched", "differed", "unmatched", "skipped"}) {
        v.put(f, v.path(f).asLong() + s.path(f).asLong());
      }
      if (s.hasNonNull("lastDifference")) {
        v.put("lastDifference", s.path("lastDifference").asText());
      }
    }
    ObjectNode out = MAPPER.createObjectNode();
    out.put("check", io.ticklake.streams.dq.CandleAudit.CHECK);
    out.put("asOf", now.toString());
    ObjectNode byVenue = out.putObject("venues");
    venues.forEach(byVenue::set);
    out.set("streams", streams);
    return out;
  }
}
