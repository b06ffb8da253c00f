package io.ticklake.bench.producer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The decode baseline for the Coinbase Exchange feed: Jackson databind onto plain objects,
 * polymorphic on {@code type}, prices as {@code BigDecimal}, then copied into the product's
 * records ({@code match}/{@code last_match} a {@link Trade} with the aggressor opposite the maker's
 * side, {@code snapshot}/{@code l2update} a {@link BookDelta}, {@code heartbeat}, {@code ticker}
 * and {@code subscriptions} nothing).
 */
final class CoinbaseJacksonDatabindDecoder implements BaselineDecoder {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String venue;

  CoinbaseJacksonDatabindDecoder(String venue) {
    this.venue = venue;
  }

  @Override
  public List<SpecificRecord> decode(String frame, Instant receiveTime) throws IOException {
    Message m = MAPPER.readValue(frame, Message.class);
    if (m instanceof MatchMessage t) {
      Instant time = Instant.parse(t.time);
      return List.of(Trade.newBuilder()
          .setVenue(venue)
          .setSymbol(t.productId)
          .setTradeId(Long.toString(t.tradeId))
          .setSide("sell".equals(t.side) ? Side.BUY : Side.SELL)
          .setPrice(Decimals.of(t.price))
          .setSize(Decimals.of(t.size))
          .setMarketTrade(true)
          .setChannel("matches")
          .setFirstTradeId(null)
          .setLastTradeId(null)
          .setEventTime(time)
          .setTransactTime(time)
          .setReceiveTime(receiveTime)
          .build());
    }
    if (m instanceof SnapshotMessage s) {
      return List.of(book(s.productId, true, BaselineDecoder.levels(s.bids), BaselineDecoder.levels(s.asks),
          s.time == null ? receiveTime : Instant.parse(s.time), receiveTime));
    }
    if (m instanceof UpdateMessage u) {
      List<Level> bids = new ArrayList<>();
      List<Level> asks = new ArrayList<>();
      for (String[] c : u.changes) {
        ("buy".equals(c[0]) ? bids : asks).add(new Level(Decimals.of(new BigDecimal(c[1])), Decimals.of(new BigDecimal(c[2]))));
      }
      return List.of(book(u.productId, false, bids, asks, Instant.parse(u.time), receiveTime));
    }
    return List.of();
  }

  private BookDelta book(String product, boolean snapshot, List<Level> bids, List<Level> asks, Instant time, Instant receiveTime) {
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(product)
        .setSnapshot(snapshot)
        .setFirstUpdateId(null)
        .setFinalUpdateId(0)
        .setPrevFinalUpdateId(null)
        .setBids(bids)
        .setAsks(asks)
        .setEventTime(time)
        .setTransactTime(null)
        .setReceiveTime(receiveTime)
        .build();
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type", visible = true,
      defaultImpl = OtherMessage.class)
  @JsonSubTypes({
    @JsonSubTypes.Type(value = MatchMessage.class, names = {"match", "last_match"}),
    @JsonSubTypes.Type(value = SnapshotMessage.class, name = "snapshot"),
    @JsonSubTypes.Type(value = UpdateMessage.class, name = "l2update")
  })
  @JsonIgnoreProperties(ignoreUnknown = true)
  abstract static class Message {
    @JsonProperty("type") public String type;
    @JsonProperty("product_id") public String productId;
    @JsonProperty("time") public String time;
  }

  static final class MatchMessage extends Message {
    @JsonProperty("trade_id") public long tradeId;
    @JsonProperty("side") public String side;
    @JsonProperty("price") public BigDecimal price;
    @JsonProperty("size") public BigDecimal size;
  }

  static final class SnapshotMessage extends Message {
    @JsonProperty("bids") public List<BigDecimal[]> bids;
    @JsonProperty("asks") public List<BigDecimal[]> asks;
  }

  static final class UpdateMessage extends Message {
    @JsonProperty("changes") public List<String[]> changes;
  }

  /** Heartbeats, tickers, subscription answers: read, and nothing to write. */
  static final class OtherMessage extends Message {}
}
