package io.ticklake.streams.features;

import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.streams.AppConfig;
import io.ticklake.streams.serde.SerdeFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** The per-minute feature record (JSON) on {@link Topics#FEATURES_1M}. */
public final class FeaturesTopology {
  private FeaturesTopology() {}

  public static void addTo(
      KStream<String, Candle> minutes,
      KStream<String, Cvd> cvd,
      KStream<String, Ofi> ofi,
      AppConfig config,
      SerdeFactory serdes) {
    RegimeLabeler labeler =
        new RegimeLabeler(config.featuresWinSecs(), config.featuresActiveTps(), config.featuresVolMedianMinutes());
    KStream<String, SpecificRecord> parts =
        minutes
            .mapValues(v -> (SpecificRecord) v, Named.as("features-candle-part"))
            .merge(cvd.mapValues(v -> (SpecificRecord) v, Named.as("features-cvd-part")), Named.as("features-merge-cvd"))
            .merge(ofi.mapValues(v -> (SpecificRecord) v, Named.as("features-ofi-part")), Named.as("features-merge-ofi"));
    parts
        .process(
            new FeatureProcessor(labeler, serdes.value(Cvd.class), serdes.value(Ofi.class)),
            Named.as("features-1m-join"))
        .to(Topics.FEATURES_1M, Produced.with(serdes.key(), Serdes.String()).withName("features-1m-sink"));
  }
}
