package io.ticklake.bench.producer;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Level;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The decode benchmark's baseline for one venue: what a client of that venue usually writes, Jackson
 * databind onto plain objects, then copied into the same Avro records the product writes (none of
 * the product's validation). For every frame of the venue's capture it gives exactly the product's
 * records, so both sides do the same work.
 */
interface BaselineDecoder {
  List<SpecificRecord> decode(String frame, Instant receiveTime) throws IOException;

  /** Book levels as databind reads them ({@code [price, size]}), as the Avro model holds them. */
  static List<Level> levels(List<BigDecimal[]> in) {
    List<Level> out = new ArrayList<>(in.size());
    for (BigDecimal[] l : in) {
      out.add(new Level(Decimals.of(l[0]), Decimals.of(l[1])));
    }
    return out;
  }
}
