package io.ticklake.streams.dq;

import io.ticklake.schema.v1.BackfillStatus;
import io.ticklake.schema.v1.GapEvent;
import io.ticklake.schema.v1.GapKind;
import java.time.Instant;

/** Builds {@link GapEvent}s with the stable id {@code venue:symbol:kind:stream:lastGood}. */
public final class GapEvents {
  private GapEvents() {}

  public static String gapId(
      String venue, String symbol, GapKind kind, String stream, Long lastGoodSequence, Instant lastGoodTime) {
    Object lastGood = lastGoodSequence != null ? lastGoodSequence : lastGoodTime;
    return venue + ":" + symbol + ":" + kind + ":" + stream + ":" + lastGood;
  }

  /** A new gap, backfill pending. */
  public static GapEvent.Builder gap(
      String venue,
      String symbol,
      GapKind kind,
      String stream,
      Long lastGoodSequence,
      Long firstSequenceAfter,
      Instant lastGoodTime,
      Instant firstTimeAfter,
      Instant detectedTime,
      String cause) {
    return GapEvent.newBuilder()
        .setGapId(gapId(venue, symbol, kind, stream, lastGoodSequence, lastGoodTime))
        .setVenue(venue)
        .setSymbol(symbol)
        .setKind(kind)
        .setStream(stream)
        .setLastGoodSequence(lastGoodSequence)
        .setFirstSequenceAfter(firstSequenceAfter)
        .setLastGoodTime(lastGoodTime)
        .setFirstTimeAfter(firstTimeAfter)
        .setDetectedTime(detectedTime)
        .setCause(cause)
        .setBackfillStatus(BackfillStatus.PENDING)
        .setBackfillDetail(null);
  }
}
