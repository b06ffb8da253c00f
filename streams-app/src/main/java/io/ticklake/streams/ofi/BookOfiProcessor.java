package io.ticklake.streams.ofi;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Level;
import io.ticklake.schema.v1.Ofi;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Multi-level OFI terms (levels 1..{@value OfiCalculator#DEFAULT_DEPTH}) from a book maintained
 * from BookDelta per key. The book is kept in a store as a snapshot record; a break in the update
 * chain invalidates it until the next snapshot (the producer reports the resync as a gap).
 */
public final class BookOfiProcessor implements FixedKeyProcessorSupplier<String, BookDelta, Ofi> {
  private static final Logger log = LoggerFactory.getLogger(BookOfiProcessor.class);

  private final String storeName;
  private final Serde<BookDelta> bookSerde;

  public BookOfiProcessor(String storeName, Serde<BookDelta> bookSerde) {
    this.storeName = storeName;
    this.bookSerde = bookSerde;
  }

  @Override
  public FixedKeyProcessor<String, BookDelta, Ofi> get() {
    return new FixedKeyProcessor<>() {
      private FixedKeyProcessorContext<String, Ofi> context;
      private KeyValueStore<String, BookDelta> books;

      @Override
      public void init(FixedKeyProcessorContext<String, Ofi> context) {
        this.context = context;
        this.books = context.getStateStore(storeName);
      }

      @Override
      public void process(FixedKeyRecord<String, BookDelta> record) {
        BookDelta delta = record.value();
        OrderBook book = new OrderBook();
        BookDelta stored = books.get(record.key());
        if (stored != null) {
          book.apply(stored);
        }
        int depth = OfiCalculator.DEFAULT_DEPTH;
        List<Level> prevBids = book.bids(depth);
        List<Level> prevAsks = book.asks(depth);
        boolean hadBook = book.valid();
        OrderBook.Result result = book.apply(delta);
        switch (result) {
          case APPLIED -> {
            books.put(record.key(), book.toSnapshot(delta));
            if (hadBook && !delta.getSnapshot()) {
              List<java.math.BigDecimal> e =
                  OfiCalculator.levelContributions(prevBids, prevAsks, book.bids(depth), book.asks(depth), depth);
              context.forward(
                  record.withValue(OfiAggregator.term(delta.getVenue(), delta.getSymbol(), e.get(0), e, delta.getEventTime())));
            }
          }
          case GAP -> {
            log.debug("Book of {} broke at {}; waiting for a snapshot", record.key(), delta.getFinalUpdateId());
            books.delete(record.key());
          }
          default -> {}
        }
      }
    };
  }

  @Override
  public Set<StoreBuilder<?>> stores() {
    return Set.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.String(), bookSerde)
            .withCachingEnabled()); // written per delta: the changelog gets the last book per key per commit
  }
}
