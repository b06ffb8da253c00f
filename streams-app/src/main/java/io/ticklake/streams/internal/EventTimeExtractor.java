package io.ticklake.streams.internal;

import io.ticklake.schema.v1.BookDelta;
import io.ticklake.schema.v1.Candle;
import io.ticklake.schema.v1.Cvd;
import io.ticklake.schema.v1.Ofi;
import io.ticklake.schema.v1.Quote;
import io.ticklake.schema.v1.Trade;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Stream time is venue time: the {@code eventTime} of a {@link Trade}, {@link Quote} or {@link
 * BookDelta}, whatever timestamp the producer put on the Kafka record (a producer that leaves it
 * to the client stamps its own wall clock, and a replay of old frames would then land in today's
 * windows). A {@link Candle} read back from a candle topic is placed at its {@code openTime}, the
 * window start its closer stamped it with: those topics take the broker's append time ({@code
 * LogAppendTime}, see {@code Topics}), so the record timestamp is the wall clock; a {@link Cvd} or
 * {@link Ofi} read back likewise at its {@code windowStart}. Other values keep the record's
 * timestamp.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Object v = record.value();
    if (v instanceof Trade t) {
      return t.getEventTime().toEpochMilli();
    }
    if (v instanceof Quote q) {
      return q.getEventTime().toEpochMilli();
    }
    if (v instanceof BookDelta b) {
      return b.getEventTime().toEpochMilli();
    }
    if (v instanceof Candle c) {
      return c.getOpenTime().toEpochMilli();
    }
    if (v instanceof Cvd c) {
      return c.getWindowStart().toEpochMilli();
    }
    if (v instanceof Ofi o) {
      return o.getWindowStart().toEpochMilli();
    }
    return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
  }
}
