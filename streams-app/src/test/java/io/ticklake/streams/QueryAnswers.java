package io.ticklake.streams;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Awaiting the query API's answers in the integration tests. */
final class QueryAnswers {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private QueryAnswers() {}

  /**
   * The CVD answer once it covers all of the tests' trades: the first minute closed and the trade
   * of the next one counted. Open minutes are answered as of the last commit, closed ones at once,
   * so an answer may show the first before the second.
   */
  static boolean cvdComplete(JsonNode n) {
    return n.get("closedThrough").isTextual() && n.get("openTrades").asLong() == 1;
  }

  /** The OFI answer once it covers all three updates of the tests' quotes (see {@link #cvdComplete}). */
  static boolean ofiComplete(JsonNode n) {
    return n.get("closedThrough").isTextual() && n.get("updates").asLong() == 3;
  }

  /**
   * The first 200 answer of {@code url} that satisfies {@code done}, polled for up to a minute; on
   * timeout the error holds the last answer and the key's other answers (quotes, OFI, candles).
   */
  static JsonNode await200(HttpClient http, String url, Predicate<JsonNode> done) {
    JsonNode[] out = new JsonNode[1];
    String[] last = new String[1];
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .ignoreExceptions()
          .until(
              () -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
                last[0] = r.statusCode() + " " + r.body();
                if (r.statusCode() != 200) {
                  return false;
                }
                out[0] = MAPPER.readTree(r.body());
                return done.test(out[0]);
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder more = new StringBuilder();
      for (String other : List.of("quotes", "ofi", "candles")) {
        try {
          String u = url.replaceFirst("/(cvd|ofi|quotes|candles)/", "/" + other + "/");
          more.append("\n").append(other).append(": ")
              .append(http.send(HttpRequest.newBuilder(URI.create(u)).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception x) {
          more.append(x);
        }
      }
      throw new AssertionError(url + " last answered " + last[0] + more, e);
    }
    return out[0];
  }
}
