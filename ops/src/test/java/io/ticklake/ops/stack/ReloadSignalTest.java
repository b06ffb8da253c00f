package io.ticklake.ops.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's side of reload: apply, refuse, name what needs a restart, answer the token. */
class ReloadSignalTest {
  @TempDir Path data;

  private StackConfig load(Map<String, String> flags) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(flags);
    all.put("data.dir", data.toString());
    all.put("venues", "binance-usdm");
    return StackConfig.load(null, Map.of(), all);
  }

  @Test
  void aNewSymbolListGoesToTheCollectorsFileAndTheTokenIsAnswered() throws Exception {
    StackConfig before = load(Map.of("symbols", "BTCUSDT"));
    LocalStack stack = new LocalStack(before, data);
    StackConfig after = load(Map.of("symbols", "BTCUSDT,ETHUSDT", "kafka.port", "19092"));
    Files.createDirectories(data.resolve("run"));
    Files.writeString(ReloadSignal.requestFile(data), "token-1");

    String line = new ReloadSignal(() -> after, stack, data).reloadNow();

    assertThat(line).isEqualTo("token-1 ok applied symbols; needs a restart (./ticklake down && ./ticklake up): kafka.port");
    assertThat(Files.readString(ReloadSignal.resultFile(data))).startsWith(line + "\n");
    assertThat(Files.readString(stack.symbolsFile("binance-usdm"))).contains("symbols=BTCUSDT,ETHUSDT");
    assertThat(stack.config()).isSameAs(after);
    assertThat(ReloadSignal.requestFile(data)).doesNotExist();
  }

  /** No signal needed: a stack started under nohup ignores SIGHUP, and reload must still reach it. */
  @Test
  void aRequestFileIsAnsweredWithoutASignal() throws Exception {
    StackConfig before = load(Map.of("symbols", "BTCUSDT"));
    LocalStack stack = new LocalStack(before, data);
    StackConfig after = load(Map.of("symbols", "BTCUSDT,ETHUSDT"));
    ReloadSignal signal = new ReloadSignal(() -> after, stack, data).watch();
    try {
      Files.createDirectories(data.resolve("run"));
      Files.writeString(ReloadSignal.requestFile(data), "token-2");

      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> Files.exists(ReloadSignal.resultFile(data)));
      assertThat(Files.readString(ReloadSignal.resultFile(data))).startsWith("token-2 ok applied symbols");
      assertThat(Files.readString(stack.symbolsFile("binance-usdm"))).contains("symbols=BTCUSDT,ETHUSDT");
      assertThat(ReloadSignal.requestFile(data)).doesNotExist();
    } finally {
      signal.close();
    }
  }

  @Test
  void anInvalidConfigurationIsRefusedAndTheOneInForceStays() throws Exception {
    StackConfig before = load(Map.of("symbols", "BTCUSDT"));
    LocalStack stack = new LocalStack(before, data);
    String line =
        new ReloadSignal(() -> load(Map.of("dq.fail.max.tol", "never")), stack, data).reloadNow();
    assertThat(line).startsWith("signal refused dq.fail.max.tol must be a whole number from 1 to 1000");
    assertThat(stack.config()).isSameAs(before);
    assertThat(stack.symbolsFile("binance-usdm")).doesNotExist();
  }
}
