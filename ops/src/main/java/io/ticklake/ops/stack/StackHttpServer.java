package io.ticklake.ops.stack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * ticklake's own HTTP port. Serves {@code /health}: plain text, one line per part, 200 when every
 * part is ready and 503 otherwise. Binds to the configured address (localhost by default).
 */
public final class StackHttpServer implements AutoCloseable {
  private final HttpServer server;

  public StackHttpServer(String bindAddress, int port, Supplier<Map<String, String>> health)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/health",
        ex -> {
          Map<String, String> h = health.get();
          boolean ok = h.values().stream().allMatch("ready"::equals);
          StringBuilder sb = new StringBuilder(ok ? "HEALTHY\n" : "UNHEALTHY\n");
          h.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
          send(ex, ok ? 200 : 503, sb.toString());
        });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
