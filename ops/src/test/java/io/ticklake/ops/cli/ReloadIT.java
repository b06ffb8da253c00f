package io.ticklake.ops.cli;

import io.ticklake.ops.stack.StackCli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ticklake.ops.stack.StackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./ticklake reload} on a running stack (broker, registry, S3, venue simulator and collector
 * as child JVMs on free ports): a new symbol list reaches the running collector, which subscribes
 * on its open connection without a restart; an invalid value is refused naming the key, and the
 * stack runs on; a port change is named as needing a restart.
 */
@Tag("integration")
class ReloadIT {
  @TempDir static Path dir;
  static Path dataDir;
  static Path configFile;
  static String base;

  @BeforeAll
  static void up() throws Exception {
    dataDir = dir.resolve("data");
    configFile = dir.resolve("ticklake.properties");
    StringBuilder b = new StringBuilder();
    for (String key :
        List.of(
            StackConfig.KAFKA_PORT_CONFIG,
            StackConfig.KAFKA_CONTROLLER_PORT_CONFIG,
            StackConfig.REGISTRY_PORT_CONFIG,
            StackConfig.S3_PORT_CONFIG,
            StackConfig.HTTP_PORT_CONFIG,
            StackConfig.SIMULATOR_PORT_CONFIG)) {
      b.append(key).append('=').append(freePort()).append('\n');
    }
    b.append("data.dir=").append(dataDir).append('\n');
    b.append("venues=binance-usdm\n");
    // No Connect worker: this test is about the collector (an unused external URL starts none).
    b.append("connect.url=http://127.0.0.1:").append(freePort()).append('\n');
    b.append("lake.connector=false\n");
    // The 12 s capture at a twentieth of its pace: frames flow for the whole test.
    b.append("simulate=true\nsimulate.speed=0.05\nsymbols.poll.ms=200\n");
    base = b.toString();
    Files.writeString(configFile, base + "symbols=BTCUSDT\n");
    assertThat(cli("up", "--detach")).isZero();
  }

  /** The collector's "connection N: open" log lines so far. */
  static List<String> opens() throws Exception {
    return Files.readAllLines(dataDir.resolve("logs/collector-binance-usdm.log")).stream()
        .filter(l -> l.matches(".*connection \\d+: open.*"))
        .map(l -> l.replaceAll(".*(connection \\d+): open.*", "$1"))
        .toList();
  }

  @AfterAll
  static void down() throws Exception {
    cli("down");
  }

  @Test
  void reloadChangesTheRunningCollectorsSymbolsWithoutARestart() throws Exception {
    long collectorPid =
        Long.parseLong(Files.readString(dataDir.resolve("run/collector-binance-usdm.pid")).trim());
    Path simLog = dataDir.resolve("logs/simulator-binance-usdm.log");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.readString(simLog).contains("subscriber "));

    // The collector may have retried while the simulator was still starting: what counts is that
    // the connection open before the reload is the one that carries the new subscription.
    List<String> opensBefore = opens();
    assertThat(opensBefore).isNotEmpty();
    Files.writeString(configFile, base + "symbols=BTCUSDT,ETHUSDT\n");
    assertThat(cli("reload")).isZero();
    assertThat(output("reload")).contains("reloaded: applied symbols");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.readString(simLog).contains("SUBSCRIBE [ethusdt@"));
    assertThat(Files.readString(dataDir.resolve("logs/collector-binance-usdm.log")))
        .contains(
            "symbols now [BTCUSDT, ETHUSDT] (added [ETHUSDT], removed []) over 1 connection(s)");
    assertThat(Long.parseLong(Files.readString(dataDir.resolve("run/collector-binance-usdm.pid")).trim()))
        .as("the same collector process")
        .isEqualTo(collectorPid);
    assertThat(ProcessHandle.of(collectorPid).map(ProcessHandle::isAlive)).contains(true);
    assertThat(opens()).as("no reconnect: the same open connection").isEqualTo(opensBefore);

    // An invalid value: refused with the key's name, nothing applied, the stack runs on.
    Files.writeString(
        configFile, base + "symbols=BTCUSDT,ETHUSDT\nvalidate.interval.min=hourly\n");
    assertThat(cli("reload")).isEqualTo(2);
    assertThat(output("reload")).contains("validate.interval.min must be a whole number");

    // Settings that apply live, and a port that cannot change under a running broker.
    Files.writeString(configFile, base + "symbols=BTCUSDT,ETHUSDT\nvalidate.interval.min=30\n");
    assertThat(cli("status")).as("the stack ran on").isZero();
    assertThat(cli("reload")).isZero();
    assertThat(output("reload")).contains("applied validate.interval.min");
    Files.writeString(
        configFile,
        base.replaceFirst("kafka.port=\\d+", "kafka.port=" + freePort())
            + "symbols=BTCUSDT,ETHUSDT\nvalidate.interval.min=30\n");
    assertThat(cli("reload")).isZero();
    assertThat(output("reload"))
        .contains("needs a restart (./ticklake down && ./ticklake up): kafka.port");
    Files.writeString(configFile, base + "symbols=BTCUSDT,ETHUSDT\nvalidate.interval.min=30\n");
  }

  @Test
  void doctorSaysWhatIsWrongAndHowToFixIt() throws Exception {
    Files.deleteIfExists(dir.resolve("cli-doctor.out"));
    assertThat(cli("doctor")).as("Connect is missing: a problem").isEqualTo(1);
    String out = Files.readString(dir.resolve("cli-doctor.out"));
    assertThat(out)
        .containsPattern("OK +java")
        .containsPattern("OK +data dir")
        .containsPattern("OK +kafka ")
        .containsPattern("OK +kafka topics +all \\d+ documented topics exist")
        .containsPattern("OK +schema registry")
        .containsPattern("OK +s3 ")
        .containsPattern("OK +binance-usdm \\(simulator\\) rest")
        .containsPattern("OK +binance-usdm \\(simulator\\) websocket")
        .containsPattern("FAIL +kafka connect +no answer from http://127.0.0.1:\\d+")
        .contains("fix: check connect.url and that the service runs")
        .contains("doctor: 1 problem found");
  }

  private static String output(String command) throws IOException {
    List<String> lines = Files.readAllLines(dir.resolve("cli-" + command + ".out"));
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  static int cli(String... args) throws Exception {
    return StackCli.run(dir, List.of("--config=" + configFile), args);
  }

  static int freePort() throws IOException {
    return StackCli.freePort();
  }
}
