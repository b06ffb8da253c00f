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
    assertThat(BinanceUsdmSubscriptions.stream("BTCUSDT", "kline_1m")).isEqualTo("btcusdt@kline_1m");
    assertThatThrownBy(() -> BinanceUsdmSubscriptions.stream("BTCUSDT", "depth 5")).hasMessageContaining("is not a Binance USD-M channel");
  }

  @Test
  void channelsTicklakeDoesNotReadAreSubscribedButNamedAsSuch() {
    assertThat(BinanceUsdmSubscriptions.reads("kline_1m")).isTrue();
    assertThat(BinanceUsdmSubscriptions.reads("kline_7m")).isFalse();
    assertThat(BinanceUsdmSubscriptions.reads("markPrice@1s")).isFalse();
    BinanceUsdmSubscriptions subs = new BinanceUsdmSubscriptions("ws://h/stream", List.of("trade", "markPrice@1s"));
    assertThat(subs.uri(List.of("BTCUSDT")).toString()).isEqualTo("ws://h/stream?streams=btcusdt@trade/btcusdt@markPrice@1s");
    assertThat(subs.maxSymbolsPerConnection()).isEqualTo(100);
    assertThat(subs.subscribe(List.of("ETHUSDT"))).containsExactly(
        "{\"method\":\"SUBSCRIBE\",\"params\":[\"ethusdt@trade\",\"ethusdt@markPrice@1s\"],\"id\":1}");
  }
}
