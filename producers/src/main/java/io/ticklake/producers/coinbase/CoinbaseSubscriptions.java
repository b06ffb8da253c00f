package io.ticklake.producers.coinbase;

import io.ticklake.producers.core.Connections;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Subscriptions of the Coinbase Exchange market-data feed ({@code wss://ws-feed.exchange.coinbase.com}):
 * one URL, and a {@code subscribe} message naming the products and channels once the connection is
 * open ({@code {"type":"subscribe","product_ids":[...],"channels":[...]}}), which the venue answers
 * with {@code subscriptions}; live changes are {@code subscribe} / {@code unsubscribe} messages. A
 * book is asked for afresh by unsubscribing and subscribing its level-2 channel for that product
 * only: the venue then sends a new {@code snapshot}. Coinbase closes a connection that has not
 * subscribed within 5 seconds; the {@code heartbeat} channel keeps a quiet one alive.
 */
public final class CoinbaseSubscriptions implements Connections {
  public static final List<String> DEFAULT_CHANNELS = List.of("matches", "level2_batch", "ticker", "heartbeat");
  /** Channels ticklake reads; {@code level2} (authenticated since 2023) sends the same messages as {@code level2_batch}. */
  static final Set<String> READ = Set.of("matches", "level2_batch", "level2", "ticker", "heartbeat");
  /** Level-2 books per connection: more in one session draws "too many L2 streams requested". */
  public static final int MAX_PRODUCTS_PER_CONNECTION = 10;
  private static final Pattern CHANNEL = Pattern.compile("[a-z0-9_]+");

  private final URI uri;
  private final List<String> channels;

  /**
   * @throws IllegalArgumentException for a channel name that is not one of the feed's
   */
  public CoinbaseSubscriptions(String wsUrl, List<String> channels) {
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("channels must name at least one of " + READ);
    }
    for (String c : channels) {
      if (!CHANNEL.matcher(c).matches()) {
        throw new IllegalArgumentException("'" + c + "' is not a Coinbase Exchange channel (" + String.join(", ", DEFAULT_CHANNELS)
            + ", level2, status, ...)");
      }
    }
    this.uri = URI.create(wsUrl);
    this.channels = List.copyOf(channels);
  }

  /** Whether ticklake parses a channel (the others are kept raw and dead-lettered). */
  public static boolean reads(String channel) {
    return READ.contains(channel);
  }

  @Override
  public List<String> channels() {
    return channels;
  }

  @Override
  public int maxSymbolsPerConnection() {
    return bookChannel() == null ? 100 : MAX_PRODUCTS_PER_CONNECTION;
  }

  @Override
  public URI uri(List<String> symbols) {
    return uri;
  }

  @Override
  public List<String> openFrames(List<String> symbols) {
    return List.of(message("subscribe", symbols, channels));
  }

  @Override
  public List<String> subscribe(List<String> symbols) {
    return List.of(message("subscribe", symbols, channels));
  }

  @Override
  public List<String> unsubscribe(List<String> symbols) {
    return List.of(message("unsubscribe", symbols, channels));
  }

  @Override
  public List<String> resubscribeBook(String symbol) {
    String book = bookChannel();
    if (book == null) {
      return List.of();
    }
    return List.of(message("unsubscribe", List.of(symbol), List.of(book)), message("subscribe", List.of(symbol), List.of(book)));
  }

  @Override
  public String bookChannel() {
    return channels.contains("level2_batch") ? "level2_batch" : channels.contains("level2") ? "level2" : null;
  }

  /** {@code {"type":"subscribe","product_ids":["BTC-USD"],"channels":["matches"]}}. */
  static String message(String type, List<String> products, List<String> channels) {
    StringBuilder sb = new StringBuilder("{\"type\":\"").append(type).append("\",\"product_ids\":[");
    for (int i = 0; i < products.size(); i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(escape(products.get(i))).append('"');
    }
    sb.append("],\"channels\":[");
    for (int i = 0; i < channels.size(); i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(channels.get(i)).append('"');
    }
    return sb.append("]}").toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
