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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins, per venue/symbol/minute, the closed candle with the minute's CVD and OFI into one JSON
 * feature record with regime and session labels. The three parts come from three topics, each in
 * minute order per key but in no order against each other (trades and quotes are separate tasks),
 * so each waits in a store until its minute can be decided. A minute's record is sent when its
 * candle is there and each of CVD and OFI is either there or known absent: a later minute of that
 * part has arrived. A part that never comes (a venue without quotes) does not hold the record
 * back for more than {@link #MAX_WAIT_MINUTES} later candles; it is then null. A part of a minute
 * already sent is dropped. Entries of a key up to the sent minute are removed, so the stores stay
 * bounded.
 */
public final class FeatureProcessor implements ProcessorSupplier<String, SpecificRecord, String, String> {
  private static final Logger log = LoggerFactory.getLogger(FeatureProcessor.class);
  public static final String CANDLE_PENDING_STORE = "features-candle-pending-store";
  public static final String CVD_PENDING_STORE = "features-cvd-pending-store";
  public static final String OFI_PENDING_STORE = "features-ofi-pending-store";
  public static final String HISTORY_STORE = "features-history-store";
  /** Later candles after which a minute is sent with whatever parts it has. */
  public static final int MAX_WAIT_MINUTES = 5;

  private static final long MINUTE_MS = 60_000L;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RegimeLabeler labeler;
  private final Serde<Candle> candleSerde;
  private final Serde<Cvd> cvdSerde;
  private final Serde<Ofi> ofiSerde;

  public FeatureProcessor(RegimeLabeler labeler, Serde<Candle> candleSerde, Serde<Cvd> cvdSerde, Serde<Ofi> ofiSerde) {
    this.labeler = labeler;
    this.candleSerde = candleSerde;
    this.cvdSerde = cvdSerde;
    this.ofiSerde = ofiSerde;
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CANDLE_PENDING_STORE), Serdes.String(), candleSerde),
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
      private KeyValueStore<String, Candle> candles;
      private KeyValueStore<String, Cvd> cvds;
      private KeyValueStore<String, Ofi> ofis;
      private KeyValueStore<String, String> history;

      @Override
      public void init(ProcessorContext<String, String> context) {
        this.context = context;
        this.candles = context.getStateStore(CANDLE_PENDING_STORE);
        this.cvds = context.getStateStore(CVD_PENDING_STORE);
        this.ofis = context.getStateStore(OFI_PENDING_STORE);
        this.history = context.getStateStore(HISTORY_STORE);
      }

      @Override
      public void process(Record<String, SpecificRecord> record) {
        String key = record.key();
        SpecificRecord value = record.value();
        History h = History.parse(history.get(key));
        long minute;
        if (value instanceof Cvd cvd) {
          minute = cvd.getWindowStart().toEpochMilli();
          if (stale(key, "CVD", minute, h)) {
            return;
          }
          cvds.put(minuteKey(key, minute), cvd);
          h.cvdSeen = Math.max(h.cvdSeen, minute);
        } else if (value instanceof Ofi ofi && "1m".equals(ofi.getWindow())) {
          minute = ofi.getWindowStart().toEpochMilli();
          if (stale(key, "OFI", minute, h)) {
            return;
          }
          ofis.put(minuteKey(key, minute), ofi);
          h.ofiSeen = Math.max(h.ofiSeen, minute);
        } else if (value instanceof Candle candle && candle.getClosed() && "1m".equals(candle.getInterval())) {
          minute = candle.getOpenTime().toEpochMilli();
          if (stale(key, "candle", minute, h)) {
            return;
          }
          candles.put(minuteKey(key, minute), candle);
          h.candleSeen = Math.max(h.candleSeen, minute);
        } else {
          return;
        }
        sendReady(key, h);
        history.put(key, h.toJson());
      }

      /** A part of a minute already sent (a replay, or a part that came too late): dropped. */
      private boolean stale(String key, String part, long minute, History h) {
        if (minute <= h.sentThrough) {
          log.debug("Features of {}: {} of {} arrived after the minute was sent, dropped", key, part, minute);
          return true;
        }
        return false;
      }

      /** Sends, in minute order, every waiting candle of the key whose parts are decided. */
      private void sendReady(String key, History h) {
        List<KeyValue<String, Candle>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, Candle> it = candles.range(minuteKey(key, 0), minuteKey(key, Long.MAX_VALUE))) {
          while (it.hasNext()) {
            waiting.add(it.next());
          }
        }
        for (KeyValue<String, Candle> kv : waiting) {
          long minute = kv.value.getOpenTime().toEpochMilli();
          Cvd cvd = cvds.get(kv.key);
          Ofi ofi = ofis.get(kv.key);
          boolean decided = (cvd != null || h.cvdSeen > minute) && (ofi != null || h.ofiSeen > minute);
          if (!decided && h.candleSeen < minute + MAX_WAIT_MINUTES * MINUTE_MS) {
            return; // later minutes wait behind this one
          }
          candles.delete(kv.key);
          purge(cvds, key, kv.key);
          purge(ofis, key, kv.key);
          h.sentThrough = minute;
          String json = feature(key, h, kv.value, cvd, ofi);
          context.forward(new Record<>(key, json, minute));
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

      private String feature(String key, History h, Candle c, Cvd cvd, Ofi ofi) {
        long start = c.getOpenTime().toEpochMilli();
        if (!h.minutes.isEmpty() && h.minutes.get(h.minutes.size() - 1).startMs() >= start) {
          h.minutes.clear(); // replay or reordering: restart the window rather than mix
          h.rv.clear();
        }
        h.minutes.add(new RegimeLabeler.Minute(start, c.getTradeCount(), c.getClose().doubleValue()));
        while (h.minutes.size() > labeler.windowMinutes() + 1) {
          h.minutes.remove(0);
        }
        RegimeLabeler.Labels labels = labeler.label(h.minutes, h.rv);

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

  /**
   * The per-key state kept as JSON: recent minutes and recent realized volatilities, the newest
   * minute seen of each part, and the last minute sent.
   */
  static final class History {
    final List<RegimeLabeler.Minute> minutes = new ArrayList<>();
    final Deque<Double> rv = new ArrayDeque<>();
    long candleSeen = Long.MIN_VALUE;
    long cvdSeen = Long.MIN_VALUE;
    long ofiSeen = Long.MIN_VALUE;
    long sentThrough = Long.MIN_VALUE;

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
        h.candleSeen = n.path("candleSeen").asLong(Long.MIN_VALUE);
        h.cvdSeen = n.path("cvdSeen").asLong(Long.MIN_VALUE);
        h.ofiSeen = n.path("ofiSeen").asLong(Long.MIN_VALUE);
        h.sentThrough = n.path("sentThrough").asLong(Long.MIN_VALUE);
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
      n.put("candleSeen", candleSeen);
      n.put("cvdSeen", cvdSeen);
      n.put("ofiSeen", ofiSeen);
      n.put("sentThrough", sentThrough);
      return n.toString();
    }
  }
}
