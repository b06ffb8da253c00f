package io.ticklake.ops.dq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One validation run: its window, its checks, and the overall verdict (FAIL when any check failed). */
public record DqReport(
    String runId, Instant windowStart, Instant windowEnd, List<Check> checks, int consecutiveFailures, Map<String, Long> regimeCounts) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One check's outcome; {@code symbol} null for a venue-wide or stack-wide check. */
  public record Check(String check, String venue, String symbol, String status, String observed, String threshold, String detail) {}

  public boolean failed() {
    return checks.stream().anyMatch(c -> c.status().equals("FAIL"));
  }

  public String status() {
    return failed() ? "FAIL" : checks.stream().anyMatch(c -> c.status().equals("WARN")) ? "WARN" : "PASS";
  }

  /** The failing checks, one short phrase each. */
  public String failures() {
    StringBuilder sb = new StringBuilder();
    for (Check c : checks) {
      if (c.status().equals("FAIL")) {
        sb.append(sb.length() == 0 ? "" : "; ").append(c.check()).append(' ').append(c.venue())
            .append(c.symbol() == null ? "" : ":" + c.symbol()).append(' ').append(c.observed())
            .append(" vs ").append(c.threshold());
      }
    }
    return sb.toString();
  }

  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("runId", runId);
    n.put("status", status());
    n.put("windowStart", windowStart.toString());
    n.put("windowEnd", windowEnd.toString());
    n.put("consecutiveFailures", consecutiveFailures);
    ObjectNode regimes = n.putObject("regimeCounts");
    regimeCounts.forEach(regimes::put);
    ArrayNode a = n.putArray("checks");
    for (Check c : checks) {
      a.add(JSON.valueToTree(c));
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
