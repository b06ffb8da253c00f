package io.ticklake.ops.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.ticklake.ops.health.DqReports;
import io.ticklake.ops.health.HealthState;
import io.ticklake.ops.health.OpsMonitor;
import io.ticklake.ops.health.VenueHealth;
import io.ticklake.ops.logs.RingBufferAppender;
import io.ticklake.schema.ops.ComponentEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ticklake's own HTTP port (8088 by default, bound to {@code bind.address}, localhost unless
 * changed):
 *
 * <ul>
 *   <li>{@code /} the status page (HTML, refreshes every 5 s);
 *   <li>{@code /health} plain text, 200 when every part is ready and every venue HEALTHY, 503
 *       otherwise;
 *   <li>{@code /logs} the supervisor's recent log lines ({@code ?lines=N}), or the tail of a
 *       component's log ({@code ?component=collector});
 *   <li>{@code /dq} the newest data-quality report (JSON) with the candle self-audit per venue
 *       ({@code candleAudit}), 404 when there is neither;
 *   <li>{@code /metrics} Prometheus text: the supervisor's metrics and each child's, merged;
 *   <li>{@code /api/v1/} the query API ({@code quotes|ofi|cvd/{venue}/{symbol}}, {@code
 *       candles/{venue}/{symbol}?interval=&limit=}), passed through unchanged to the Streams app's
 *       query server, which routes a key to the instance that owns it.
 * </ul>
 */
public final class StackHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StackHttpServer.class);
  private static final int MAX_LOG_LINES = 2000;

  private static final String API = "/api/v1/";

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /**
   * @param config the settings (bind address, port, data directory)
   * @param health each part's readiness ({@code "ready"} or why not)
   * @param monitor venue health, statistics and metrics
   * @param logs the supervisor's recent log lines
   * @param streamsUrl base URL of the Streams app's query server, or null when it does not run
   */
  public StackHttpServer(
      StackConfig config,
      Supplier<Map<String, String>> health,
      OpsMonitor monitor,
      RingBufferAppender logs,
      String streamsUrl)
      throws IOException {
    server =
        HttpServer.create(
            new InetSocketAddress(config.get(StackConfig.HTTP_BIND_CONFIG), config.port(StackConfig.HTTP_PORT_CONFIG)), 16);
    executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "ticklake-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    Path dataDir = config.dataDir();
    context(
        "/health",
        ex -> {
          Map<String, String> h = health.get();
          Map<String, HealthState> venues = monitor.venueStates();
          boolean ok =
              h.values().stream().allMatch("ready"::equals)
                  && venues.values().stream().allMatch(HealthState.HEALTHY::equals);
          StringBuilder sb = new StringBuilder(ok ? "HEALTHY\n" : "UNHEALTHY\n");
          h.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
          venues.forEach(
              (venue, state) -> {
                VenueHealth vh = monitor.health(venue);
                sb.append("venue ").append(venue).append(": ").append(state)
                    .append(" (failures ").append(vh.failuresInWindow()).append('/')
                    .append(vh.thresholds().downFailures()).append(" in ").append(vh.thresholds().windowText());
                if (!vh.lastFailureReason().isEmpty()) {
                  sb.append("; last: ").append(vh.lastFailureReason());
                }
                sb.append(")\n");
              });
          send(ex, ok ? 200 : 503, "text/plain; charset=utf-8", sb.toString());
        });
    context(
        API,
        ex -> {
          if (streamsUrl == null) {
            send(ex, 404, "application/json", "{\"error\":\"the Streams app is not enabled (streams.enabled=false)\"}");
          } else {
            proxy(ex, streamsUrl);
          }
        });
    context(
        "/logs",
        ex -> {
          Map<String, String> q = query(ex.getRequestURI());
          int lines = Math.min(MAX_LOG_LINES, parse(q.get("lines"), 200));
          String component = q.get("component");
          if (component == null || component.equals("ticklake")) {
            send(ex, 200, "text/plain; charset=utf-8", String.join("", logs.last(lines)));
            return;
          }
          if (!component.matches("[a-z0-9-]+")) {
            send(ex, 400, "text/plain; charset=utf-8", "component must be a component name, e.g. collector\n");
            return;
          }
          Path file = dataDir.resolve("logs").resolve(component + ".log");
          if (!Files.isRegularFile(file)) {
            send(ex, 404, "text/plain; charset=utf-8", "no log for component '" + component + "' in " + dataDir.resolve("logs") + "\n");
            return;
          }
          send(ex, 200, "text/plain; charset=utf-8", tail(file, lines));
        });
    context(
        "/dq",
        ex -> {
          Optional<Path> latest = DqReports.latest(dataDir);
          Optional<com.fasterxml.jackson.databind.JsonNode> audit = monitor.candleAudit();
          if (latest.isEmpty() && audit.isEmpty()) {
            send(ex, 404, "text/plain; charset=utf-8",
                "no data-quality report yet: the validator writes one JSON report per run to "
                    + dataDir.resolve("dq") + "/, and no venue candle has been audited yet\n");
            return;
          }
          // The newest report, with the candle self-audit per venue beside its own fields.
          com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
          com.fasterxml.jackson.databind.node.ObjectNode body = json.createObjectNode();
          if (latest.isPresent()) {
            com.fasterxml.jackson.databind.JsonNode report = DqReports.read(latest.get());
            if (report.isObject()) {
              body.setAll((com.fasterxml.jackson.databind.node.ObjectNode) report);
            } else {
              body.set("report", report);
            }
            ex.getResponseHeaders().set("X-Report-File", latest.get().getFileName().toString());
          } else {
            body.putNull("report");
          }
          audit.ifPresent(a -> body.set("candleAudit", a));
          send(ex, 200, "application/json", body.toString());
        });
    context(
        "/metrics", ex -> send(ex, 200, ComponentEndpoint.PROMETHEUS_TEXT, monitor.metricsText()));
    context(
        "/",
        ex -> {
          if (!ex.getRequestURI().getPath().equals("/")) {
            send(ex, 404, "text/plain; charset=utf-8", "not found; try /, /health, /logs, /dq, /metrics\n");
            return;
          }
          send(ex, 200, "text/html; charset=utf-8", StatusPage.render(config, health.get(), monitor));
        });
    server.start();
    log.info("HTTP on {}: / (status), /health, /logs, /dq, /metrics", config.httpUrl());
  }

  private void context(String path, HttpHandler handler) {
    server.createContext(
        path,
        ex -> {
          try {
            handler.handle(ex);
          } catch (Exception e) {
            log.warn("{} failed: {}", ex.getRequestURI(), e.toString(), e);
            try {
              send(ex, 500, "text/plain; charset=utf-8", "error: " + e + "\n");
            } catch (IOException | RuntimeException ignored) {
              // the response was already under way
            }
          } finally {
            ex.close();
          }
        });
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static int parse(String v, int def) {
    try {
      return v == null ? def : Math.max(1, Integer.parseInt(v));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  static Map<String, String> query(URI uri) {
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) {
      return Map.of();
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String kv : q.split("&")) {
      int eq = kv.indexOf('=');
      String k = java.net.URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  /** The last {@code lines} lines of a file, reading at most the last 1 MiB. */
  static String tail(Path file, int lines) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      long from = Math.max(0, len - (1 << 20));
      byte[] b = new byte[(int) (len - from)];
      f.seek(from);
      f.readFully(b);
      List<String> all = Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\n"));
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    }
  }

  private void proxy(HttpExchange ex, String streamsUrl) throws IOException {
    if (!"GET".equals(ex.getRequestMethod())) {
      send(ex, 405, "application/json", "{\"error\":\"GET only\"}");
      return;
    }
    String raw = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    URI target = URI.create(streamsUrl + raw + (query == null ? "" : "?" + query));
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      send(ex, r.statusCode(), r.headers().firstValue("Content-Type").orElse("application/json"), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      send(ex, 503, "application/json", "{\"error\":\"interrupted\"}");
    } catch (IOException e) {
      log.debug("query {} not answered by the Streams app at {}: {}", raw, streamsUrl, e.toString());
      send(ex, 503, "application/json",
          "{\"error\":\"the Streams app at " + streamsUrl + " does not answer (starting or restarting?)\"}");
    }
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
