package io.ticklake.producers.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How a venue is subscribed to, for a set of symbols: the connection's URL and the frames it sends
 * once open, the frames that add or drop symbols on an open connection, the frames that ask for a
 * symbol's book afresh, and the application-level keepalive. The runtime shards symbols over
 * connections of at most {@link #maxSymbolsPerConnection()} each and asks this for every one.
 *
 * <p>Some venues subscribe in the URL (a combined stream {@code ?streams=a/b/c}: the URL
 * changes with the symbols and {@link #openFrames} is empty); others with a message after the
 * handshake (Coinbase, Kraken, OKX: one URL, {@link #openFrames} subscribe). Both keep a reconnect
 * subscribed to exactly the symbols its connection holds.
 */
public interface Connections {

  /** The channels subscribed, as configured and checked. */
  List<String> channels();

  /** Symbols one connection carries at most (the venue's stream or product cap). */
  int maxSymbolsPerConnection();

  /** The URL of a connection that carries {@code symbols}. */
  URI uri(List<String> symbols);

  /** Frames a connection that carries {@code symbols} sends once its handshake is done. */
  List<String> openFrames(List<String> symbols);

  /** Frames that add {@code symbols} to an open connection. */
  List<String> subscribe(List<String> symbols);

  /** Frames that drop {@code symbols} from an open connection. */
  List<String> unsubscribe(List<String> symbols);

  /**
   * Frames that make the venue send a symbol's book afresh (a new snapshot in the stream), after a
   * break or a checksum mismatch: unsubscribe and subscribe that book only. Empty for venues whose
   * snapshots come over REST.
   */
  default List<String> resubscribeBook(String symbol) {
    return List.of();
  }

  /** How often to send {@link #keepaliveFrame()} on an open connection; {@code null}: never. */
  default Duration keepaliveInterval() {
    return null;
  }

  /** The application-level ping (OKX {@code ping}, Kraken {@code {"method":"ping"}}). */
  default String keepaliveFrame() {
    return null;
  }

  /** The depth channel among the configured ones, or {@code null} when no book is collected. */
  String bookChannel();

  /**
   * The endpoints a venue's channels are spread over, each with its own connections: this one
   * alone by default. OKX serves candles only on its business endpoint and everything else on the
   * public one, so its connections are two parts, each sharded and reconnected on its own; every
   * symbol is carried by one connection of each part.
   */
  default List<Connections> parts() {
    return List.of(this);
  }
}
