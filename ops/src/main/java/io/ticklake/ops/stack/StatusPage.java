package io.ticklake.ops.stack;

import io.ticklake.ops.health.HealthState;
import io.ticklake.ops.health.OpsMonitor;
import io.ticklake.schema.v1.Alert;
import io.ticklake.schema.v1.GapEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status page at {@code /}: plain server-rendered HTML that reloads itself every 5 seconds (no
 * script), so it works in any browser, a terminal browser or a headless one.
 */
final class StatusPage {
  private StatusPage() {}

  static String render(StackConfig config, Map<String, String> readiness, OpsMonitor m) {
    boolean venuesOk = m.venueStates().values().stream().allMatch(HealthState.HEALTHY::equals);
    boolean partsOk = readiness.values().stream().allMatch("ready"::equals);
    StringBuilder h = new StringBuilder(8192);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"5\">")
        .append("<title>ticklake status</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}")
        .append("h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}")
        .append("th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}")
        .append(".HEALTHY,.ok{background:#d9f2d9}.DEGRADED,.warn{background:#fff1c2}.DOWN,.bad{background:#f8d0d0}")
        .append(".muted{color:#777}</style></head><body>");
    h.append("<h1>ticklake <span id=\"overall\" class=\"")
        .append(venuesOk && partsOk ? "ok" : "bad")
        .append("\">")
        .append(venuesOk && partsOk ? "HEALTHY" : "UNHEALTHY")
        .append("</span></h1>");
    h.append("<p class=\"muted\">")
        .append(esc(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))
        .append(" · data ")
        .append(esc(config.dataDir().toString()))
        .append(" · refreshes every 5 s · <a href=\"/health\">/health</a> <a href=\"/metrics\">/metrics</a>")
        .append(" <a href=\"/logs\">/logs</a> <a href=\"/dq\">/dq</a></p>");

    h.append("<h2>Venues</h2><table id=\"venues\"><tr><th>venue</th><th>health</th><th>failures</th>")
        .append("<th>connection</th><th>msg/s</th><th>received</th><th>written</th><th>reconnects</th><th>last failure</th></tr>");
    List<OpsMonitor.VenueView> venues = m.venues();
    if (venues.isEmpty()) {
      h.append("<tr><td colspan=\"9\" class=\"muted\">no collector running</td></tr>");
    }
    for (OpsMonitor.VenueView v : venues) {
      h.append("<tr><td>").append(esc(v.venue())).append("</td><td class=\"").append(v.state()).append("\">")
          .append(v.state()).append("</td><td class=\"num\">").append(v.failures()).append('/')
          .append(v.thresholds().downFailures()).append(" in ").append(v.thresholds().windowText())
          .append("</td><td>")
          .append(!v.answering() ? v.component() + " not answering" : v.connected() ? "up" : "down")
          .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.1f", v.ratePerSecond()))
          .append("</td><td class=\"num\">").append(v.received())
          .append("</td><td class=\"num\">").append(v.written())
          .append("</td><td class=\"num\">").append(v.reconnects())
          .append("</td><td>").append(esc(v.lastFailure())).append("</td></tr>");
    }
    h.append("</table>");
    for (OpsMonitor.VenueView v : venues) {
      if (v.channels().isEmpty()) {
        continue;
      }
      h.append("<p>").append(esc(v.venue())).append(" by channel:</p><table><tr><th>channel</th><th>received</th>")
          .append("<th>written</th><th>dead letters</th><th>gaps</th><th>errors</th></tr>");
      v.channels().forEach((ch, c) -> h.append("<tr><td>").append(esc(ch)).append("</td><td class=\"num\">")
          .append(c.getOrDefault("received", 0L)).append("</td><td class=\"num\">")
          .append(c.getOrDefault("produced", 0L)).append("</td><td class=\"num\">")
          .append(c.getOrDefault("deadLettered", 0L)).append("</td><td class=\"num\">")
          .append(c.getOrDefault("gaps", 0L)).append("</td><td class=\"num\">")
          .append(c.getOrDefault("produceErrors", 0L)).append("</td></tr>"));
      h.append("</table>");
    }

    h.append("<h2>Components</h2><table id=\"components\"><tr><th>component</th><th>ready</th><th>process</th>")
        .append("<th>pid</th><th>restarts</th></tr>");
    Map<String, ComponentState> states = new java.util.HashMap<>();
    m.components().forEach(c -> states.put(c.name(), c));
    readiness.forEach((name, ready) -> {
      ComponentState c = states.get(name);
      h.append("<tr><td>").append(esc(name)).append("</td><td class=\"").append("ready".equals(ready) ? "ok" : "bad")
          .append("\">").append(esc(ready)).append("</td><td>").append(c == null ? "" : esc(c.describe()))
          .append("</td><td class=\"num\">").append(c == null || c.pid() < 0 ? "" : c.pid())
          .append("</td><td class=\"num\">").append(c == null ? "" : c.restarts()).append("</td></tr>");
    });
    h.append("</table>");

    h.append("<h2>Consumer lag</h2><table id=\"lag\"><tr><th>group</th><th>topic</th><th>records behind</th></tr>");
    if (m.lag().isEmpty()) {
      h.append("<tr><td colspan=\"3\" class=\"muted\">no consumer group has committed offsets yet</td></tr>");
    }
    m.lag().forEach(l -> h.append("<tr><td>").append(esc(l.group())).append("</td><td>").append(esc(l.topic()))
        .append("</td><td class=\"num\">").append(l.records()).append("</td></tr>"));
    h.append("</table>");

    h.append("<h2>Latest gaps</h2><table id=\"gaps\"><tr><th>detected</th><th>venue</th><th>symbol</th><th>kind</th>")
        .append("<th>stream</th><th>cause</th><th>backfill</th></tr>");
    if (m.gaps().isEmpty()) {
      h.append("<tr><td colspan=\"7\" class=\"muted\">no gaps</td></tr>");
    }
    for (GapEvent g : m.gaps()) {
      h.append("<tr><td>").append(esc(g.getDetectedTime().truncatedTo(ChronoUnit.SECONDS).toString()))
          .append("</td><td>").append(esc(g.getVenue())).append("</td><td>").append(esc(g.getSymbol()))
          .append("</td><td>").append(g.getKind()).append("</td><td>").append(esc(g.getStream()))
          .append("</td><td>").append(esc(g.getCause())).append("</td><td>").append(g.getBackfillStatus())
          .append("</td></tr>");
    }
    h.append("</table>");

    h.append("<h2>Data quality</h2><p id=\"dq\">");
    m.dq().ifPresentOrElse(
        d -> h.append("<span class=\"")
            .append(d.passed().map(p -> p ? "ok" : "bad").orElse("warn")).append("\">")
            .append(d.passed().map(p -> p ? "PASSED" : "FAILED").orElse("no verdict")).append("</span> ")
            .append(esc(d.file().getFileName().toString())).append(" (")
            .append(esc(d.modified().truncatedTo(ChronoUnit.SECONDS).toString()))
            .append(") · <a href=\"/dq\">report</a>"),
        () -> h.append("<span class=\"muted\">no report yet</span>"));
    h.append("</p>");
    h.append("<p>Candle self-audit (each closed venue minute against the minute built from the trades received):</p>")
        .append("<table id=\"audit\"><tr><th>venue</th><th>streams</th><th>audited</th><th>matched</th><th>differed</th>")
        .append("<th>unmatched</th><th>last difference</th></tr>");
    m.candleAudit().ifPresentOrElse(
        a -> a.path("venues").fields().forEachRemaining(e -> {
          com.fasterxml.jackson.databind.JsonNode v = e.getValue();
          h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">").append(v.path("streams").asLong())
              .append("</td><td class=\"num\">").append(v.path("audited").asLong())
              .append("</td><td class=\"num ok\">").append(v.path("matched").asLong())
              .append("</td><td class=\"num ").append(v.path("differed").asLong() > 0 ? "bad" : "ok").append("\">")
              .append(v.path("differed").asLong())
              .append("</td><td class=\"num\">").append(v.path("unmatched").asLong())
              .append("</td><td>").append(esc(v.path("lastDifference").asText(""))).append("</td></tr>");
        }),
        () -> h.append("<tr><td colspan=\"7\" class=\"muted\">no venue candle audited yet</td></tr>"));
    h.append("</table>");

    h.append("<h2>Lake</h2><table id=\"lake\"><tr><th>kind</th><th>files</th><th>size</th></tr>");
    long files = 0;
    long bytes = 0;
    for (OpsMonitor.LakeKind k : m.lake()) {
      files += k.files();
      bytes += k.bytes();
      h.append("<tr><td>").append(esc(k.kind())).append("</td><td class=\"num\">").append(k.files())
          .append("</td><td class=\"num\">").append(size(k.bytes())).append("</td></tr>");
    }
    h.append("<tr><th>total</th><th class=\"num\">").append(files).append("</th><th class=\"num\">")
        .append(size(bytes)).append("</th></tr></table>");

    h.append("<h2>Recent alerts</h2><table id=\"alerts\"><tr><th>time</th><th>severity</th><th>alert</th></tr>");
    List<Alert> alerts = m.recentAlerts();
    if (alerts.isEmpty()) {
      h.append("<tr><td colspan=\"3\" class=\"muted\">none since start</td></tr>");
    }
    for (int i = alerts.size() - 1; i >= 0 && i >= alerts.size() - 10; i--) {
      Alert a = alerts.get(i);
      String cls = switch (a.getSeverity()) {
        case CRITICAL -> "bad";
        case WARNING -> "warn";
        default -> "ok";
      };
      h.append("<tr><td>").append(esc(a.getTime().truncatedTo(ChronoUnit.SECONDS).toString()))
          .append("</td><td class=\"").append(cls).append("\">").append(a.getSeverity())
          .append("</td><td>").append(esc(a.getMessage())).append("</td></tr>");
    }
    h.append("</table></body></html>\n");
    return h.toString();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
