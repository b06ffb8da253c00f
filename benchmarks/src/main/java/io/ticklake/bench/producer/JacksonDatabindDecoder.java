package io.ticklake.bench.producer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Side;
import io.ticklake.schema.v1.Trade;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The baseline of the decode benchmark: what a Binance client usually does. Jackson databind maps
 * each frame onto plain objects (polymorphic on {@code e}, prices as {@code BigDecimal}), which are
 * then copied into the same Avro records the product writes. It is written to produce exactly the
 * product's records for the frames of the capture, so both sides do the same work; it has none of
 * the product's validation.
 */
final class JacksonDatabindDecoder implements BaselineDecoder {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final String venue;

  JacksonDatabindDecoder(String venue) {
    this.venue = venue;
  }

  /** The record of one combined-stream frame. */
  @Override
  public List<SpecificRecord> decode(String frame, Instant receiveTime) throws IOException {
    return List.of(record(frame, receiveTime));
  }

  private SpecificRecord record(String frame, Instant receiveTime) throws IOException {
    Envelope envelope = MAPPER.readValue(frame, Envelope.class);
    Event e = envelope.data;
    if (e instanceof TradeEvent t) {
      return Trade.newBuilder()
          .setVenue(venue)
          .setSymbol(t.symbol)
          .setTradeId(Long.toString(t.tradeId))
          .setSide(t.buyerIsMaker ? Side.SELL : Side.BUY)
          .setPrice(Decimals.of(t.price))
          .setSize(Decimals.of(t.quantity))
          .setMarketTrade("MARKET".equals(t.executionType))
          .setChannel("trade")
          .setFirstTradeId(null)
          .setLastTradeId(null)
          .setEventTime(Instant.ofEpochMilli(t.eventTime))
          .setTransactTime(t.transactTime == null ? null : Instant.ofEpochMilli(t.transactTime))
          .setReceiveTime(receiveTime)
          .build();
    }
    if (e instanceof BookTickerEvent q) {
      return Quote.newBuilder()
          .setVenue(venue)
          .setSymbol(q.symbol)
          .setUpdateId(q.updateId)
          .setBidPrice(Decimals.of(q.bidPrice))
          .setBidSize(Decimals.of(q.bidSize))
          .setAskPrice(Decimals.of(q.askPrice))
          .setAskSize(Decimals.of(q.askSize))
          .setEventTime(Instant.ofEpochMilli(q.eventTime))
          .setTransactTime(q.transactTime == null ? null : Instant.ofEpochMilli(q.transactTime))
          .setReceiveTime(receiveTime)
          .build();
    }
    DepthEvent d = (DepthEvent) e;
    return BookDelta.newBuilder()
        .setVenue(venue)
        .setSymbol(d.symbol)
        .setSnapshot(false)
        .setFirstUpdateId(d.firstUpdateId)
        .setFinalUpdateId(d.finalUpdateId)
        .setPrevFinalUpdateId(d.prevFinalUpdateId)
        .setBids(BaselineDecoder.levels(d.bids))
        .setAsks(BaselineDecoder.levels(d.asks))
        .setEventTime(Instant.ofEpochMilli(d.eventTime))
        .setTransactTime(d.transactTime == null ? null : Instant.ofEpochMilli(d.transactTime))
        .setReceiveTime(receiveTime)
        .build();
  }

  /** {@code {"stream":"btcusdt@trade","data":{...}}}. */
  static final class Envelope {
    public String stream;
    public Event data;
  }

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "e", visible = true)
  @JsonSubTypes({
    @JsonSubTypes.Type(value = TradeEvent.class, name = "trade"),
    @JsonSubTypes.Type(value = BookTickerEvent.class, name = "bookTicker"),
    @JsonSubTypes.Type(value = DepthEvent.class, name = "depthUpdate")
  })
  @JsonIgnoreProperties(ignoreUnknown = true)
  abstract static class Event {
    @JsonProperty("e") public String type;
    @JsonProperty("E") public long eventTime;
    @JsonProperty("T") public Long transactTime;
    @JsonProperty("s") public String symbol;
  }

  static final class TradeEvent extends Event {
    @JsonProperty("t") public long tradeId;
    @JsonProperty("p") public BigDecimal price;
    @JsonProperty("q") public BigDecimal quantity;
    @JsonProperty("X") public String executionType;
    @JsonProperty("m") public boolean buyerIsMaker;
  }

  static final class BookTickerEvent extends Event {
    @JsonProperty("u") public long updateId;
    @JsonProperty("b") public BigDecimal bidPrice;
    @JsonProperty("B") public BigDecimal bidSize;
    @JsonProperty("a") public BigDecimal askPrice;
    @JsonProperty("A") public BigDecimal askSize;
  }

  static final class DepthEvent extends Event {
    @JsonProperty("U") public long firstUpdateId;
    @JsonProperty("u") public long finalUpdateId;
    @JsonProperty("pu") public long prevFinalUpdateId;
    @JsonProperty("b") public List<BigDecimal[]> bids;
    @JsonProperty("a") public List<BigDecimal[]> asks;
  }
}
