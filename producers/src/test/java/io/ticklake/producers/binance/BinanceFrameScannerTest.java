package io.ticklake.producers.binance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticklake.producers.core.ParseException;
import io.ticklake.producers.core.ParsedFrame;
import io.ticklake.producers.sim.CaptureFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The parser's fast path gives exactly what the general path gives, and leaves every other frame to it. */
class BinanceFrameScannerTest {
  private static final Instant RECEIVED = Instant.parse("2024-08-08T23:54:15.030314Z");
  private final BinanceMessageParser parser = new BinanceMessageParser();

  @Test
  void everyRecordedFrameTakesTheFastPathAndMatchesTheGeneralPath() throws Exception {
    List<String> frames = new ArrayList<>();
    CaptureFile.readResource("/captures/binance-usdm/btcusdt-20240808.capture").forEach(e -> frames.add(e.frame()));
    frames.addAll(fixtures());
    assertThat(frames).hasSizeGreaterThan(3291);
    for (String frame : frames) {
      if (frame.contains("\"result\"")) {
        continue; // control frames are the general path's
      }
      assertThat(BinanceFrameScanner.scan(frame)).as(frame).isNotNull();
      assertThat(parser.parse(frame, RECEIVED)).as(frame).isEqualTo(parser.parseGeneral(frame, RECEIVED));
    }
  }

  @Test
  void leavesAnythingUnusualToTheGeneralPath() throws Exception {
    String trade = "{\"stream\":\"btcusdt@trade\",\"data\":{\"e\":\"trade\",\"E\":1723161256322,\"T\":1723161256322,"
        + "\"s\":\"BTCUSDT\",\"t\":5266583935,\"p\":\"61800.30\",\"q\":\"0.006\",\"X\":\"MARKET\",\"m\":false}}";
    List<String> unusual = List.of(
        trade.replace("\"BTCUSDT\"", "\"BTC\\u0055SDT\""), // an escape
        trade.replace("\"t\":5266583935", "\"t\":-5266583935"), // a sign
        trade.replace("5266583935", "52665839350000000000"), // beyond a long
        trade.replace("\"m\":false", "\"m\":false,\"x\":{\"nested\":[1,2]}"), // unknown field
        trade + " x", // trailing content
        trade.substring(0, trade.length() - 5), // truncated
        "{\"result\":null,\"id\":1}");
    for (String frame : unusual) {
      assertThat(BinanceFrameScanner.scan(frame)).as(frame).isNull();
      ParsedFrame general;
      try {
        general = parser.parseGeneral(frame, RECEIVED);
      } catch (ParseException e) {
        assertThatThrownBy(() -> parser.parse(frame, RECEIVED)).as(frame).isInstanceOf(ParseException.class)
            .hasMessage(e.getMessage());
        continue;
      }
      assertThat(parser.parse(frame, RECEIVED)).as(frame).isEqualTo(general);
    }
    // Well-formed but refused by the model: the general path's error, word for word.
    String negative = trade.replace("\"q\":\"0.006\"", "\"q\":\"-0.006\"");
    assertThat(BinanceFrameScanner.scan(negative)).isNotNull();
    assertThatThrownBy(() -> parser.parse(negative, RECEIVED)).isInstanceOf(ParseException.class)
        .hasMessageContaining("'q' must be > 0");
  }

  private static List<String> fixtures() throws IOException, URISyntaxException {
    Path dir = Path.of(BinanceFrameScannerTest.class.getResource("/binance-usdm").toURI());
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(p -> p.toString().endsWith(".jsonl")).forEach(p -> {
        try {
          Files.readAllLines(p).stream().filter(l -> !l.isBlank()).forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return out;
  }
}
