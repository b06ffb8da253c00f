package io.ticklake.producers.core;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One venue frame turned into normalized records. A frame may carry several (Coinbase, Kraken, OKX
 * and Polymarket send several trades or levels in one message), one, or none (a control frame: a
 * subscription acknowledgement, a pong).
 *
 * @param stream the venue's stream name ({@code btcusdt@trade}, {@code matches:BTC-USD}), or
 *     {@code null} when the frame names none
 * @param channel the channel for counters: {@code trade}, {@code depth}, {@code ticker}, {@code
 *     control}, ...
 * @param symbol the venue-native symbol the frame is about, or {@code null} for a frame about none
 *     or several
 * @param records {@code Trade}, {@code Quote}, {@code BookDelta}, {@code Candle} or {@code
 *     Instrument} records, in the frame's order
 * @param marks what the frame says about the stream without being data (e.g. the last trade id a
 *     heartbeat names)
 */
public record ParsedFrame(String stream, String channel, String symbol, List<SpecificRecord> records, List<Mark> marks) {

  /** A statement about a stream that carries no record of its own. */
  public sealed interface Mark permits LastTradeId {}

  /**
   * The venue says the last trade of {@code symbol} has id {@code tradeId} (a heartbeat): if the
   * collector has not seen it, trades were missed.
   *
   * @param channel the trade channel whose ids these are
   * @param mayPrecedeItsTrade true when the frame can arrive before the trade it names (a ticker
   *     racing its match): then only ids before it count as missed
   */
  public record LastTradeId(String symbol, String channel, long tradeId, boolean mayPrecedeItsTrade) implements Mark {}

  public ParsedFrame {
    records = List.copyOf(records);
    marks = List.copyOf(marks);
  }

  /** A frame of data records. */
  public static ParsedFrame of(String stream, String channel, String symbol, SpecificRecord record) {
    return new ParsedFrame(stream, channel, symbol, List.of(record), List.of());
  }

  /** A frame of several records. */
  public static ParsedFrame of(String stream, String channel, String symbol, List<? extends SpecificRecord> records) {
    return new ParsedFrame(stream, channel, symbol, List.copyOf(records), List.of());
  }

  /** A frame with no market data (e.g. {@code {"result":null,"id":1}}, a subscription ack). */
  public static ParsedFrame control(String stream) {
    return new ParsedFrame(stream, "control", null, List.of(), List.of());
  }

  /** A frame that only states marks (a heartbeat). */
  public static ParsedFrame marks(String stream, String channel, String symbol, List<Mark> marks) {
    return new ParsedFrame(stream, channel, symbol, List.of(), marks);
  }

  /** True for a frame with neither records nor marks. */
  public boolean isControl() {
    return records.isEmpty() && marks.isEmpty();
  }

  /** The only record of a one-record frame, or {@code null} (tests and tools). */
  public SpecificRecord record() {
    return records.size() == 1 ? records.get(0) : null;
  }
}
