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

  public static ObjectNode ofi(Ofi o, Instant now) {
    ObjectNode n = header(o.getVenue(), o.getSymbol(), o.getEventTime(), now);
    n.put("window", o.getWindow());
    n.put("windowStart", o.getWindowStart().toString());
    n.put("windowEnd", o.getWindowEnd().toString());
    n.put("ofi", plain(o.getOfi()));
    ArrayNode levels = n.putArray("ofiLevels");
    o.getOfiLevels().forEach(l -> levels.add(plain(l)));
    n.put("updates", o.getUpdates());
    return n;
  }

  public static ObjectNode cvd(Cvd c, Instant now) {
    ObjectNode n = header(c.getVenue(), c.getSymbol(), c.getEventTime(), now);
    n.put("windowStart", c.getWindowStart().toString());
    n.put("windowEnd", c.getWindowEnd().toString());
    n.put("delta", plain(c.getDelta()));
    n.put("cumulative", plain(c.getCumulative()));
    n.put("buyVolume", plain(c.getBuyVolume()));
    n.put("sellVolume", plain(c.getSellVolume()));
    n.put("tradeCount", c.getTradeCount());
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
}
