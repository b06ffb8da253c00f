package io.ticklake.ops.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ticklake's own HTTP port. Serves {@code /health}: plain text, one line per part, 200 when every
 * part is ready and 503 otherwise; and, when the Streams app runs, the query API under {@code
 * /api/v1/} ({@code quotes|ofi|cvd/{venue}/{symbol}}, {@code candles/{venue}/{symbol}?interval=&limit=}),
 * passed through unchanged to the Streams app's query server, which routes a key to the instance
 * that owns it. Binds to the configured address (localhost by default).
 */
public final class StackHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StackHttpServer.class);
  private static final String API = "/api/v1/";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** Health only. */
  public StackHttpServer(String bindAddress, int port, Supplier<Map<String, String>> health)
      throws IOException {
    this(bindAddress, port, health, null);
  }

  /**
   * @param streamsUrl base URL of the Streams app's query server, or null when it does not run
   */
  public StackHttpServer(
      String bindAddress, int port, Supplier<Map<String, String>> health, String streamsUrl)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    server.setExecutor(executor);
    server.createContext(
        "/health",
        ex -> {
          Map<String, String> h = health.get();
          boolean ok = h.values().stream().allMatch("ready"::equals);
          StringBuilder sb = new StringBuilder(ok ? "HEALTHY\n" : "UNHEALTHY\n");
          h.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
          send(ex, ok ? 200 : 503, "text/plain; charset=utf-8", sb.toString());
        });
    server.createContext(
        API,
        ex -> {
          if (streamsUrl == null) {
            send(ex, 404, "application/json", "{\"error\":\"the Streams app is not enabled (streams.enabled=false)\"}");
          } else {
            proxy(ex, streamsUrl);
          }
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
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
      send(
          ex,
          503,
          "application/json",
          "{\"error\":\"the Streams app at " + streamsUrl + " does not answer (starting or restarting?)\"}");
    }
  }

  private static void send(HttpExchange ex, int status, String contentType, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", contentType);
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
