package io.ticklake.streams.dq;

import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Trade;
import io.ticklake.streams.internal.StoreMirror;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Detects trade-id jumps per venue, symbol and channel. An aggregate trade (firstTradeId and
 * lastTradeId present, Binance aggTrade) must start at the previous lastTradeId + 1; a plain trade
 * with a numeric id must be the previous id + 1. Ids at or below the last seen (overlaps,
 * reordering) are ignored and never move the mark back. Venues whose ids are not sequential
 * numbers are not checked.
 */
public final class TradeIdGapProcessor implements FixedKeyProcessorSupplier<String, Trade, GapEvent> {
  private final String storeName;
  private final java.util.function.Predicate<String> contiguousIds;

  /** Every venue's ids checked. */
  public TradeIdGapProcessor(String storeName) {
    this(storeName, venue -> true);
  }

  /**
   * @param contiguousIds whether a venue's trade ids run without holes (only those venues are checked)
   */
  public TradeIdGapProcessor(String storeName, java.util.function.Predicate<String> contiguousIds) {
    this.storeName = storeName;
    this.contiguousIds = contiguousIds;
  }

  /** The last id of a key and channel, and the event time of the trade that carried it. */
  record LastTrade(long lastId, Instant eventTime) {
    /** A fixed 20-byte encoding: id, epoch second, nano. */
    static Serde<LastTrade> serde() {
      Serializer<LastTrade> ser =
          (topic, t) ->
              t == null
                  ? null
                  : ByteBuffer.allocate(20)
                      .putLong(t.lastId)
                      .putLong(t.eventTime.getEpochSecond())
                      .putInt(t.eventTime.getNano())
                      .array();
      Deserializer<LastTrade> de =
          (topic, bytes) -> {
            if (bytes == null) {
              return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new LastTrade(b.getLong(), Instant.ofEpochSecond(b.getLong(), b.getInt()));
          };
      return Serdes.serdeFrom(ser, de);
    }
  }

  @Override
  public FixedKeyProcessor<String, Trade, GapEvent> get() {
    return new Detector();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(StoreMirror.builder(storeName, LastTrade.serde())); // written once per key and commit
  }

  /** First and last underlying id of a trade, or null when not sequential. */
  static long[] ids(Trade t) {
    if (t.getFirstTradeId() != null && t.getLastTradeId() != null) {
      return new long[] {t.getFirstTradeId(), t.getLastTradeId()};
    }
    Long id = Deduplication.canonicalLong(t.getTradeId());
    return id == null ? null : new long[] {id, id};
  }

  private final class Detector implements FixedKeyProcessor<String, Trade, GapEvent> {
    private FixedKeyProcessorContext<String, GapEvent> context;
    private StoreMirror<LastTrade> last;

    @Override
    public void init(FixedKeyProcessorContext<String, GapEvent> context) {
      this.context = context;
      this.last = StoreMirror.of(context, storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, Trade> record) {
      Trade trade = record.value();
      long[] ids = ids(trade);
      if (ids == null || !contiguousIds.test(trade.getVenue())) {
        return;
      }
      String storeKey = record.key() + ":" + trade.getChannel();
      LastTrade previous = last.get(storeKey);
      if (previous != null && ids[1] <= previous.lastId()) {
        return; // overlap or reordering: nothing new
      }
      LastTrade now = new LastTrade(ids[1], trade.getEventTime());
      last.put(storeKey, now);
      if (previous != null && ids[0] > previous.lastId() + 1) {
        GapEvent gap =
            GapEvents.gap(
                    trade.getVenue(),
                    trade.getSymbol(),
                    GapKind.TRADE_ID,
                    trade.getChannel(),
                    previous.lastId(),
                    ids[0],
                    previous.eventTime(),
                    trade.getEventTime(),
                    Instant.ofEpochMilli(context.currentSystemTimeMs()),
                    "trade id " + ids[0] + " follows " + previous.lastId() + ": " + (ids[0] - previous.lastId() - 1) + " missing")
                .build();
        context.forward(record.withValue(gap));
      }
    }
  }
}
