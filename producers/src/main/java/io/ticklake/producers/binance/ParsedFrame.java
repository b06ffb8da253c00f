package io.ticklake.producers.binance;

import org.apache.avro.specific.SpecificRecord;

/**
 * One venue frame turned into a normalized record.
 *
 * @param stream the combined-stream name ({@code btcusdt@trade}), or {@code null} for a bare payload
 * @param channel the channel: {@code trade}, {@code aggTrade}, {@code bookTicker} or {@code depth}
 * @param symbol the venue-native symbol ({@code BTCUSDT})
 * @param record a {@code Trade}, {@code Quote} or {@code BookDelta}; {@code null} for control
 *     frames (subscription acknowledgements) that carry no data
 */
public record ParsedFrame(String stream, String channel, String symbol, SpecificRecord record) {

  /** A frame with no market data (e.g. {@code {"result":null,"id":1}}). */
  public boolean isControl() {
    return record == null;
  }
}
