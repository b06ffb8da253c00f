package io.ticklake.schema.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP endpoint every long-running ticklake process (collector, streams app) serves for
 * the supervisor: {@code GET /metrics} (Prometheus text exposition) and {@code GET /status} (JSON
 * the supervisor reads for health). It binds to localhost on a free port by default and writes its
 * base URL to a file, so the supervisor finds it without a port per process to configure; the
 * supervisor's own port (8088) serves everything aggregated.
 */
public final class ComponentEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ComponentEndpoint.class);
  /** Content type of the Prometheus text format 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Path urlFile;

  private ComponentEndpoint(HttpServer server, ExecutorService executor, Path urlFile) {
    this.server = server;
    this.executor = executor;
    this.urlFile = urlFile;
  }

  /**
   * Starts the endpoint.
   *
   * @param bindAddress address to listen on (127.0.0.1 unless the process must be scraped remotely)
   * @param port port, 0 for any free one
   * @param urlFile where to write {@code http://host:port}, or null
   * @param metrics the Prometheus text exposition, computed per request
   * @param status the status JSON, computed per request
   */
  public static ComponentEndpoint start(
      String bindAddress, int port, Path urlFile, Supplier<String> metrics, Supplier<String> status)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 8);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "component-endpoint");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/metrics", ex -> send(ex, PROMETHEUS_TEXT, metrics));
    server.createContext("/status", ex -> send(ex, "application/json", status));
    server.start();
    ComponentEndpoint endpoint = new ComponentEndpoint(server, executor, urlFile);
    if (urlFile != null) {
      // Written whole and then renamed: a reader never sees half a URL.
      Files.createDirectories(urlFile.toAbsolutePath().getParent());
      Path tmp = urlFile.resolveSibling(urlFile.getFileName() + ".tmp");
      Files.writeString(tmp, endpoint.url(), StandardCharsets.US_ASCII);
      Files.move(tmp, urlFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    log.info("metrics and status on {}/metrics and {}/status", endpoint.url(), endpoint.url());
    return endpoint;
  }

  /** {@code http://host:port} of this endpoint. */
  public String url() {
    InetSocketAddress a = server.getAddress();
    return "http://" + a.getHostString() + ":" + a.getPort();
  }

  private static void send(HttpExchange ex, String contentType, Supplier<String> body)
      throws IOException {
    byte[] b;
    int status = 200;
    try {
      b = body.get().getBytes(StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      log.warn("{} failed: {}", ex.getRequestURI(), e.toString());
      b = ("error: " + e).getBytes(StandardCharsets.UTF_8);
      status = 500;
      contentType = "text/plain; charset=utf-8";
    }
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
    if (urlFile != null) {
      try {
        Files.deleteIfExists(urlFile);
      } catch (IOException e) {
        log.debug("could not delete {}: {}", urlFile, e.toString());
      }
    }
  }
}
