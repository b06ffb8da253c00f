package io.ticklake.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ticklake.registry.internal.KafkaStore;
import io.ticklake.registry.internal.RegistryService;
import io.ticklake.registry.internal.RegistryState;
import io.ticklake.registry.internal.RestRouter;
import io.ticklake.registry.internal.SchemaStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent Schema Registry REST API (the part serializers, Connect
 * and tools use) over the JDK's HTTP server, with its state in a compacted Kafka topic.
 *
 * <p>{@link #start()} reads the topic to its end before it opens the HTTP port, so the first
 * answer (even {@code GET /}) already reflects every schema registered before. Several instances
 * on one topic agree: each applies the same log, and writes go through it.
 *
 * <pre>
 * java -cp ... io.ticklake.registry.RegistryServer [registry.properties]
 * </pre>
 */
public final class RegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);

  /** The registry's media type, on every answer. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Set<String> ACCEPTED_BODY_TYPES =
      Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json", "application/json", "application/octet-stream");

  private final RegistryConfig config;
  private final SchemaStore givenStore;
  private SchemaStore store;
  private HttpServer http;
  private ExecutorService executor;

  /** A server on a {@link KafkaStore} as configured. */
  public RegistryServer(RegistryConfig config) {
    this(config, null);
  }

  /** A server on a given store (tests, embedding); {@link #close()} closes it. */
  public RegistryServer(RegistryConfig config, SchemaStore store) {
    this.config = config;
    this.givenStore = store;
  }

  /** Reads the store to its end, then opens the HTTP listener. */
  public synchronized RegistryServer start() throws IOException {
    if (http != null) {
      throw new IllegalStateException("already started");
    }
    if (givenStore != null) {
      store = givenStore;
    } else {
      KafkaStore kafkaStore =
          new KafkaStore(
              config.kafkaClientConfig(),
              config.topic(),
              config.replicationFactor(),
              config.storeTimeout(),
              new RegistryState(config.compatibilityLevel()));
      store = kafkaStore;
      try {
        kafkaStore.start(config.initTimeout());
      } catch (RuntimeException e) {
        kafkaStore.close();
        throw e;
      }
    }
    RestRouter router = new RestRouter(new RegistryService(store));
    URI listener = config.listenerUri();
    http = HttpServer.create(new InetSocketAddress(listener.getHost(), listener.getPort()), 64);
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(executor);
    http.createContext("/", exchange -> serve(router, exchange));
    http.start();
    log.info("Schema registry listening on {} (store topic {})", url(), config.topic());
    return this;
  }

  private static void serve(RestRouter router, HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
      String body;
      try (InputStream in = exchange.getRequestBody()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      RestRouter.Response response;
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!body.isEmpty() && contentType != null && !acceptedBodyType(contentType)) {
        response = RestRouter.error(415, 415, "HTTP 415 Unsupported Media Type");
      } else {
        response =
            router.handle(method, exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), body);
      }
      byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(response.status(), -1);
        return;
      }
      exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
    }
  }

  private static boolean acceptedBodyType(String contentType) {
    String type = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    return ACCEPTED_BODY_TYPES.contains(type);
  }

  /** The bound port (the real one when configured with port 0). */
  public int port() {
    if (http == null) {
      throw new IllegalStateException("not started");
    }
    return http.getAddress().getPort();
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
  public String url() {
    return "http://" + config.listenerUri().getHost() + ":" + port();
  }

  @Override
  public synchronized void close() {
    if (http != null) {
      http.stop(0);
      http = null;
    }
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
    log.info("Schema registry stopped");
  }

  /** Runs a server until the JVM is asked to stop; the optional argument is a properties file. */
  public static void main(String[] args) throws Exception {
    Path file = args.length > 0 ? Path.of(args[0]) : null;
    RegistryConfig config = RegistryConfig.load(file, System.getenv(), System.getProperties());
    RegistryServer server = new RegistryServer(config).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutting down the schema registry");
                  server.close();
                  stopped.countDown();
                },
                "schema-registry-shutdown"));
    stopped.await();
  }
}
