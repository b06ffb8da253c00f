package io.ticklake.producers.core;

import io.ticklake.schema.v1.Instrument;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A venue's reference data: the definition of each collected symbol, read from its reference
 * endpoint ({@code /fapi/v1/exchangeInfo}, {@code /products}) when the collector starts and once a
 * day, and written to the compacted instruments topic (and the lake).
 */
@FunctionalInterface
public interface InstrumentSource {
  /** The definitions of {@code symbols} the venue knows; a symbol it does not know is left out. */
  CompletableFuture<List<Instrument>> fetch(List<String> symbols);
}
