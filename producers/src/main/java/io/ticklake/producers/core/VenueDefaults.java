package io.ticklake.producers.core;

import java.util.List;

/**
 * A venue's built-in settings, each overridable by configuration ({@code venue.<id>.<key>}, see
 * {@link CollectorConfig}).
 *
 * @param wsUrl the real WebSocket endpoint
 * @param restUrl the real REST base URL
 * @param symbols the symbols collected when none are configured
 * @param channels the channels subscribed when none are configured
 * @param restBudget the REST limit policy's budget (its unit is the venue's: request weight per
 *     minute, or requests per second)
 * @param maxSymbolsPerConnection symbols one connection carries at most; more are sharded over
 *     several connections
 * @param outboundMessagesPerSecond messages the client may send per connection and second
 * @param maxFrameBytes the largest frame accepted (a Coinbase level-2 snapshot is several MB)
 */
public record VenueDefaults(
    String wsUrl,
    String restUrl,
    List<String> symbols,
    List<String> channels,
    int restBudget,
    int maxSymbolsPerConnection,
    int outboundMessagesPerSecond,
    int maxFrameBytes) {

  public VenueDefaults {
    symbols = List.copyOf(symbols);
    channels = List.copyOf(channels);
  }
}
