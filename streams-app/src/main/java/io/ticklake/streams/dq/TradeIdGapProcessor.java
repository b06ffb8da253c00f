package io.ticklake.streams.dq;

import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import io.ticklake.schema.v1.Trade;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Detects trade-id jumps per venue, symbol and channel. An aggregate trade (firstTradeId and
 * lastTradeId present, Binance aggTrade) must start at the previous lastTradeId + 1; a plain trade
 * with a numeric id must be the previous id + 1. Ids at or below the last seen (overlaps,
 * reordering) are ignored and never move the mark back. Venues whose ids are not sequential
 * numbers are not checked.
 */
public final class TradeIdGapProcessor implements FixedKeyProcessorSupplier<String, Trade, GapEvent> {
  private final String storeName;
  private final Serde<Trade> tradeSerde;

  public TradeIdGapProcessor(String storeName, Serde<Trade> tradeSerde) {
    this.storeName = storeName;
    this.tradeSerde = tradeSerde;
  }

  @Override
  public FixedKeyProcessor<String, Trade, GapEvent> get() {
    return new Detector();
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), tradeSerde)
            .withCachingEnabled()); // written per trade: the changelog gets the last per key per commit
  }

  /** First and last underlying id of a trade, or null when not sequential. */
  static long[] ids(Trade t) {
    if (t.getFirstTradeId() != null && t.getLastTradeId() != null) {
      return new long[] {t.getFirstTradeId(), t.getLastTradeId()};
    }
    try {
      long id = Long.parseLong(t.getTradeId());
      return new long[] {id, id};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private final class Detector implements FixedKeyProcessor<String, Trade, GapEvent> {
    private FixedKeyProcessorContext<String, GapEvent> context;
    private KeyValueStore<String, Trade> last;

    @Override
    public void init(FixedKeyProcessorContext<String, GapEvent> context) {
      this.context = context;
      this.last = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, Trade> record) {
      Trade trade = record.value();
      long[] ids = ids(trade);
      if (ids == null) {
        return;
      }
      String storeKey = record.key() + ":" + trade.getChannel();
      Trade previous = last.get(storeKey);
      long[] prevIds = previous == null ? null : ids(previous);
      if (prevIds != null && ids[1] <= prevIds[1]) {
        return; // overlap or reordering: nothing new
      }
      last.put(storeKey, trade);
      if (prevIds != null && ids[0] > prevIds[1] + 1) {
        GapEvent gap =
            GapEvents.gap(
                    trade.getVenue(),
                    trade.getSymbol(),
                    GapKind.TRADE_ID,
                    trade.getChannel(),
                    prevIds[1],
                    ids[0],
                    previous.getEventTime(),
                    trade.getEventTime(),
                    Instant.ofEpochMilli(context.currentSystemTimeMs()),
                    "trade id " + ids[0] + " follows " + prevIds[1] + ": " + (ids[0] - prevIds[1] - 1) + " missing")
                .build();
        context.forward(record.withValue(gap));
      }
    }
  }
}
