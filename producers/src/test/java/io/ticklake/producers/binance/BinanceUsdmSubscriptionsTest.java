package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BinanceUsdmSubscriptionsTest {
  @Test
  void combinedStreamUrl() {
    assertThat(BinanceUsdmSubscriptions.combinedStreamUri("wss://fstream.binance.com/stream",
            List.of("BTCUSDT", "ETHUSDT"), BinanceUsdmSubscriptions.DEFAULT_CHANNELS).toString())
        .isEqualTo("wss://fstream.binance.com/stream?streams=btcusdt@aggTrade/btcusdt@depth@100ms/btcusdt@bookTicker"
            + "/ethusdt@aggTrade/ethusdt@depth@100ms/ethusdt@bookTicker");
    assertThat(BinanceUsdmSubscriptions.stream("BTCUSDT", "trade")).isEqualTo("btcusdt@trade");
    assertThat(BinanceUsdmSubscriptions.depthStream("BTCUSDT", List.of("trade", "depth@0ms"))).isEqualTo("btcusdt@depth@0ms");
    assertThatThrownBy(() -> BinanceUsdmSubscriptions.stream("BTCUSDT", "kline")).hasMessageContaining("unknown");
  }
}
