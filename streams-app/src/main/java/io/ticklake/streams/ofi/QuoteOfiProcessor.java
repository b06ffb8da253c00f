package io.ticklake.streams.ofi;

import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.streams.internal.StoreMirror;
import io.ticklake.streams.ofi.OfiCalculator.TopOfBook;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Level-1 OFI terms from consecutive quotes of a key. The last quote is kept in a store (also the
 * answer to the quotes query). A quote that is not newer than the last — lower or equal update id,
 * or, without ids, an earlier event time — is skipped: OFI is defined on the book's own order.
 */
public final class QuoteOfiProcessor implements FixedKeyProcessorSupplier<String, Quote, Ofi> {
  private final String storeName;
  private final Serde<Quote> quoteSerde;

  public QuoteOfiProcessor(String storeName, Serde<Quote> quoteSerde) {
    this.storeName = storeName;
    this.quoteSerde = quoteSerde;
  }

  @Override
  public FixedKeyProcessor<String, Quote, Ofi> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, Ofi> context;
      private StoreMirror<Quote> last;

      @Override
      public void init(FixedKeyProcessorContext<String, Ofi> context) {
        this.context = context;
        this.last = StoreMirror.of(context, storeName);
      }

      @Override
      public void process(FixedKeyRecord<String, Quote> record) {
        Quote q = record.value();
        Quote prev = last.get(record.key());
        if (prev != null && !newer(q, prev)) {
          return;
        }
        last.put(record.key(), q);
        if (prev != null) {
          Ofi term =
              OfiAggregator.term(
                  q.getVenue(),
                  q.getSymbol(),
                  OfiCalculator.contribution(TopOfBook.of(prev), TopOfBook.of(q)),
                  List.of(),
                  q.getEventTime());
          context.forward(record.withValue(term));
        }
      }
    };
  }

  static boolean newer(Quote q, Quote prev) {
    if (q.getUpdateId() != null && prev.getUpdateId() != null) {
      return q.getUpdateId() > prev.getUpdateId();
    }
    return !q.getEventTime().isBefore(prev.getEventTime());
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(StoreMirror.builder(storeName, quoteSerde)); // the last quote per key, written once per commit
  }
}
