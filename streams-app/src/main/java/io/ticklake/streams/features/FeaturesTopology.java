package io.ticklake.streams.features;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.internal.EventTimeExtractor;
import io.ticklake.streams.serde.SerdeFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The per-minute feature record (JSON) on {@link Topics#FEATURES_1M}, from the closed candles, CVD
 * and OFI read back from their topics. Reading them back, rather than taking the streams inside
 * the trades and quotes processing, keeps trades and quotes in separate tasks: one input partition
 * each, their own stream time, and no waiting on each other's partitions.
 */
public final class FeaturesTopology {
  private FeaturesTopology() {}

  /**
   * @param minutes the closed 1-minute candles as read back from {@link Topics#OHLCV_1M}
   */
  public static void addTo(StreamsBuilder builder, KStream<String, Candle> minutes, AppConfig config, SerdeFactory serdes) {
    RegimeLabeler labeler =
        new RegimeLabeler(config.featuresWinSecs(), config.featuresActiveTps(), config.featuresVolMedianMinutes());
    KStream<String, Cvd> cvd =
        builder.stream(
            Topics.CVD,
            Consumed.with(serdes.key(), serdes.value(Cvd.class)).withName("features-cvd-source")
                .withTimestampExtractor(new EventTimeExtractor()));
    KStream<String, Ofi> ofi =
        builder.stream(
            Topics.OFI,
            Consumed.with(serdes.key(), serdes.value(Ofi.class)).withName("features-ofi-source")
                .withTimestampExtractor(new EventTimeExtractor()));
    KStream<String, SpecificRecord> parts =
        minutes
            .mapValues(v -> (SpecificRecord) v, Named.as("features-candle-part"))
            .merge(cvd.mapValues(v -> (SpecificRecord) v, Named.as("features-cvd-part")), Named.as("features-merge-cvd"))
            .merge(
                ofi.filter((k, v) -> v != null && "1m".equals(v.getWindow()), Named.as("features-ofi-1m-only"))
                    .mapValues(v -> (SpecificRecord) v, Named.as("features-ofi-part")),
                Named.as("features-merge-ofi"));
    parts
        .process(
            new FeatureProcessor(labeler, serdes.state(Candle.class), serdes.state(Cvd.class), serdes.state(Ofi.class)),
            Named.as("features-1m-join"))
        .to(Topics.FEATURES_1M, Produced.with(serdes.key(), Serdes.String()).withName("features-1m-sink"));
  }
}
