package io.ticklake.streams.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Joins, per venue/symbol/minute, the closed candle with the minute's CVD and OFI into one JSON
 * feature record with regime and session labels. CVD and OFI of a minute wait in stores until the
 * candle of that minute arrives; the candle triggers the record (CVD and OFI are closed by then in
 * practice: they close on the same or an earlier stream time, and the candle takes a topic round
 * trip). Whatever has not arrived is null. Waiting entries of the key up to the candle's minute are
 * removed, so the stores stay bounded.
 */
public final class FeatureProcessor implements ProcessorSupplier<String, SpecificRecord, String, String> {
  public static final String CVD_PENDING_STORE = "features-cvd-pending-store";
  public static final String OFI_PENDING_STORE = "features-ofi-pending-store";
  public static final String HISTORY_STORE = "features-history-store";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RegimeLabeler labeler;
  private final Serde<Cvd> cvdSerde;
  private final Serde<Ofi> ofiSerde;

  public FeatureProcessor(RegimeLabeler labeler, Serde<Cvd> cvdSerde, Serde<Ofi> ofiSerde) {
    this.labeler = labeler;
    this.cvdSerde = cvdSerde;
    this.ofiSerde = ofiSerde;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CVD_PENDING_STORE), Serdes.String(), cvdSerde),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OFI_PENDING_STORE), Serdes.String(), ofiSerde),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE), Serdes.String(), Serdes.String()));
  }

  /** {@code key@minuteStart}, zero-padded so byte order is time order within a key. */
  static String minuteKey(String key, long startMs) {
    return String.format("%s@%020d", key, startMs);
  }

  @Override
  public Processor<String, SpecificRecord, String, String> get() {
    return new Processor<>() {
      private ProcessorContext<String, String> context;
      private KeyValueStore<String, Cvd> cvds;
      private KeyValueStore<String, Ofi> ofis;
      private KeyValueStore<String, String> history;

      @Override
      public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.cvds = context.getStateStore(CVD_PENDING_STORE);
        this.ofis = context.getStateStore(OFI_PENDING_STORE);
        this.history = context.getStateStore(HISTORY_STORE);
      }

      @Override
      public void process(Record<String, SpecificRecord> record) {
        SpecificRecord value = record.value();
        if (value instanceof Cvd cvd) {
          cvds.put(minuteKey(record.key(), cvd.getWindowStart().toEpochMilli()), cvd);
        } else if (value instanceof Ofi ofi && "1m".equals(ofi.getWindow())) {
          ofis.put(minuteKey(record.key(), ofi.getWindowStart().toEpochMilli()), ofi);
        } else if (value instanceof Candle candle && candle.getClosed() && "1m".equals(candle.getInterval())) {
          String k = minuteKey(record.key(), candle.getOpenTime().toEpochMilli());
          Cvd cvd = cvds.get(k);
          Ofi ofi = ofis.get(k);
          purge(cvds, record.key(), k);
          purge(ofis, record.key(), k);
          String json = feature(record.key(), candle, cvd, ofi);
          context.forward(new Record<>(record.key(), json, record.timestamp()));
        }
      }

      private <V> void purge(KeyValueStore<String, V> store, String key, String upTo) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.range(minuteKey(key, 0), upTo)) {
          while (it.hasNext()) {
            KeyValue<String, V> kv = it.next();
            done.add(kv.key);
          }
        }
        done.forEach(store::delete);
      }

      private String feature(String key, Candle c, Cvd cvd, Ofi ofi) {
        History h = History.parse(history.get(key));
        long start = c.getOpenTime().toEpochMilli();
        if (!h.minutes.isEmpty() && h.minutes.get(h.minutes.size() - 1).startMs() >= start) {
          h = new History(); // replay or reordering: restart the window rather than mix
        }
        h.minutes.add(new RegimeLabeler.Minute(start, c.getTradeCount(), c.getClose().doubleValue()));
        while (h.minutes.size() > labeler.windowMinutes() + 1) {
          h.minutes.remove(0);
        }
        RegimeLabeler.Labels labels = labeler.label(h.minutes, h.rv);
        history.put(key, h.toJson());

        ObjectNode f = MAPPER.createObjectNode();
        f.put("venue", c.getVenue());
        f.put("symbol", c.getSymbol());
        f.put("windowStart", c.getOpenTime().toString());
        f.put("windowEnd", c.getCloseTime().toString());
        f.put("open", plain(c.getOpen()));
        f.put("high", plain(c.getHigh()));
        f.put("low", plain(c.getLow()));
        f.put("close", plain(c.getClose()));
        f.put("volume", plain(c.getVolume()));
        f.put("vwap", plain(c.getVwap()));
        f.put("tradeCount", c.getTradeCount());
        f.put("takerBuyVolume", plain(c.getTakerBuyVolume()));
        f.put("takerSellVolume", plain(c.getTakerSellVolume()));
        f.put("cvdDelta", cvd == null ? null : plain(cvd.getDelta()));
        f.put("cvdCumulative", cvd == null ? null : plain(cvd.getCumulative()));
        f.put("ofi", ofi == null ? null : plain(ofi.getOfi()));
        f.put("ofiUpdates", ofi == null ? null : ofi.getUpdates());
        f.put("tradesPerSecond", labels.tradesPerSecond());
        f.put("realizedVol", labels.realizedVol());
        f.put("realizedVolMedian", labels.realizedVolMedian());
        f.put("regime", labels.regime());
        f.put("session", labels.session());
        return f.toString();
      }
    };
  }

  private static String plain(BigDecimal v) {
    return v == null ? null : Decimals.toPlain(v);
  }

  /** The per-key history kept as JSON: recent minutes and recent realized volatilities. */
  static final class History {
    final List<RegimeLabeler.Minute> minutes = new ArrayList<>();
    final Deque<Double> rv = new ArrayDeque<>();

    static History parse(String json) {
      History h = new History();
      if (json == null) {
        return h;
      }
      try {
        JsonNode n = MAPPER.readTree(json);
        for (JsonNode m : n.path("minutes")) {
          h.minutes.add(new RegimeLabeler.Minute(m.get(0).asLong(), m.get(1).asLong(), m.get(2).asDouble()));
        }
        for (JsonNode v : n.path("rv")) {
          h.rv.addLast(v.asDouble());
        }
      } catch (JsonProcessingException e) {
        return new History();
      }
      return h;
    }

    String toJson() {
      ObjectNode n = MAPPER.createObjectNode();
      ArrayNode ms = n.putArray("minutes");
      for (RegimeLabeler.Minute m : minutes) {
        ms.addArray().add(m.startMs()).add(m.trades()).add(m.close());
      }
      ArrayNode rvs = n.putArray("rv");
      rv.forEach(rvs::add);
      return n.toString();
    }
  }
}
