package io.ticklake.producers.backfill;

import io.ticklake.schema.v1.GapEvent;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * A venue's history over REST for one hole: the trades (by id, or by time) and closed candles of a
 * {@link GapEvent}'s range. Ranges are exclusive of the last good record: a fetch starts after
 * {@code lastGoodSequence} (ids) or {@code lastGoodTime}; the collector also drops any trade it has
 * already delivered, so a backfill never re-delivers what was seen.
 */
@FunctionalInterface
public interface RangeFetcher {

  /**
   * What the venue gave for a hole.
   *
   * @param records trades and candles, to be sent as the collector sends its own
   * @param complete whether the range was covered whole (FILLED) or not (UNFILLABLE)
   * @param detail what was fetched and from where, or why not ({@code 2 trades from
   *     /fapi/v1/trades}), for the gap's {@code backfillDetail}
   */
  record Fill(List<SpecificRecord> records, boolean complete, String detail) {
    public Fill {
      records = List.copyOf(records);
    }

    /** Nothing to fetch, and why. */
    public static Fill unfillable(String why) {
      return new Fill(List.of(), false, why);
    }
  }

  /** Fetches the hole's records; exceptions (REST refused, unreadable) make the gap UNFILLABLE. */
  Fill fetch(GapEvent gap) throws Exception;
}
