package io.ticklake.streams.ofi;

import io.ticklake.schema.serde.Decimals;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.streams.internal.ClosingWindows;
import io.ticklake.streams.internal.Times;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.kstream.Aggregator;

/**
 * Sums per-update OFI terms ({@code window=update} records, one e_n each) over a window, level by
 * level; pure.
 */
public final class OfiAggregator implements Aggregator<String, Ofi, Ofi> {
  private static final BigDecimal ZERO = Decimals.of(BigDecimal.ZERO);

  /** The empty aggregate. */
  public static Ofi empty() {
    return Ofi.newBuilder()
        .setVenue("")
        .setSymbol("")
        .setWindow("")
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH)
        .setOfi(ZERO)
        .setOfiLevels(new ArrayList<>())
        .setUpdates(0)
        .setEventTime(Instant.EPOCH)
        .build();
  }

  /** One e_n term as a record, {@code window=update}. */
  public static Ofi term(String venue, String symbol, BigDecimal e, List<BigDecimal> levels, Instant eventTime) {
    return Ofi.newBuilder()
        .setVenue(venue)
        .setSymbol(symbol)
        .setWindow("update")
        .setWindowStart(eventTime)
        .setWindowEnd(eventTime)
        .setOfi(e)
        .setOfiLevels(levels)
        .setUpdates(1)
        .setEventTime(eventTime)
        .build();
  }

  @Override
  public Ofi apply(String key, Ofi term, Ofi agg) {
    return Ofi.newBuilder(agg)
        .setVenue(term.getVenue())
        .setSymbol(term.getSymbol())
        .setOfi(Decimals.of(agg.getOfi().add(term.getOfi())))
        .setOfiLevels(addLevels(agg.getOfiLevels(), term.getOfiLevels()))
        .setUpdates(agg.getUpdates() + term.getUpdates())
        .setEventTime(term.getEventTime().isAfter(agg.getEventTime()) ? term.getEventTime() : agg.getEventTime())
        .build();
  }

  /**
   * Adds a term (or any aggregate) to {@code agg} in place: for an aggregate held as an object in
   * front of its store, where building a copy per term was a tenth of the OFI path.
   */
  public static void addInPlace(Ofi agg, Ofi term) {
    agg.setVenue(term.getVenue());
    agg.setSymbol(term.getSymbol());
    agg.setOfi(Decimals.of(agg.getOfi().add(term.getOfi())));
    if (!term.getOfiLevels().isEmpty() || !agg.getOfiLevels().isEmpty()) {
      agg.setOfiLevels(addLevels(agg.getOfiLevels(), term.getOfiLevels()));
    }
    agg.setUpdates(agg.getUpdates() + term.getUpdates());
    if (term.getEventTime().isAfter(agg.getEventTime())) {
      agg.setEventTime(term.getEventTime());
    }
  }

  /**
   * Windows labelled {@code window} ("1s" of terms, "1m" of closed seconds), for {@link
   * ClosingWindows}; each aggregate carries its label and bounds from the start.
   */
  public static ClosingWindows.Aggregation<Ofi, Ofi> windows(String window) {
    return new ClosingWindows.Aggregation<>() {
      @Override
      public Ofi empty(Instant start, Instant end) {
        return close(OfiAggregator.empty(), window, start, end);
      }

      @Override
      public void add(Ofi aggregate, Ofi term) {
        addInPlace(aggregate, term);
      }

      @Override
      public Instant someTimeIn(Ofi aggregate) {
        return aggregate.getWindowStart();
      }
    };
  }

  /** The closed window. */
  public static Ofi close(Ofi agg, String window, Instant start, Instant end) {
    return Ofi.newBuilder(agg).setWindow(window).setWindowStart(start).setWindowEnd(end).build();
  }

  /**
   * The running OFI of the UTC day after a closed minute: {@code previousDay} (the last day
   * record of the key, or null) carried when of the same UTC day. windowEnd is the minute's end.
   */
  public static Ofi day(Ofi previousDay, Ofi minute) {
    Instant dayStart = Times.utcDayStart(minute.getWindowStart());
    Ofi base =
        previousDay != null && previousDay.getWindowStart().equals(dayStart)
            ? previousDay
            : Ofi.newBuilder(empty()).setWindowStart(dayStart).build();
    Ofi sum = new OfiAggregator().apply(null, minute, base);
    return Ofi.newBuilder(sum).setWindow("day").setWindowStart(dayStart).setWindowEnd(minute.getWindowEnd()).build();
  }

  private static List<BigDecimal> addLevels(List<BigDecimal> a, List<BigDecimal> b) {
    List<BigDecimal> out = new ArrayList<>(Math.max(a.size(), b.size()));
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      BigDecimal x = i < a.size() ? a.get(i) : ZERO;
      BigDecimal y = i < b.size() ? b.get(i) : ZERO;
      out.add(Decimals.of(x.add(y)));
    }
    return out;
  }
}
