package io.ticklake.streams.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ticklake.streams.cvd.CvdTopology;
import io.ticklake.streams.internal.Keys;
import io.ticklake.streams.ofi.OfiTopology;
import io.ticklake.streams.ohlcv.OhlcvTopology;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API on the JDK HTTP server: {@code /api/v1/quotes|ofi|cvd/{venue}/{symbol}}, {@code
 * /api/v1/candles/{venue}/{symbol}?interval=1m&limit=N} and {@code /api/v1/audit} (the candle
 * self-audit of every stream). Keys owned elsewhere are forwarded once.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  private static final int DEFAULT_LIMIT = 60;
  private static final int MAX_LIMIT = 1440;

  private final QueryService service;
  private final HttpServer server;

  /** A server on every interface; see {@link #QueryServer(QueryService, String, int)}. */
  public QueryServer(QueryService service, int port) throws IOException {
    this(service, null, port);
  }

  /**
   * @param bindAddress the address to listen on, or null for every interface
   * @param port the port (0: any free one)
   */
  public QueryServer(QueryService service, String bindAddress, int port) throws IOException {
    this.service = service;
    this.server =
        HttpServer.create(bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port), 0);
    server.createContext("/api/v1/", this::handle);
    server.createContext("/health", this::health);
    server.setExecutor(Executors.newFixedThreadPool(4));
  }

  public void start() {
    server.start();
    log.info("Query server listening on port {}", server.getAddress().getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** 200 while the Streams client runs (or rebalances), 503 otherwise; the body names the state. */
  private void health(HttpExchange ex) throws IOException {
    String state = service.state().name();
    boolean up = service.state().isRunningOrRebalancing();
    send(ex, new QueryService.Answer(up ? 200 : 503, "{\"state\":\"" + state + "\"}"));
  }

  private void handle(HttpExchange ex) throws IOException {
    QueryService.Answer answer;
    try {
      answer = route(ex);
    } catch (IllegalStateException | org.apache.kafka.streams.errors.InvalidStateStoreException e) {
      answer = new QueryService.Answer(503, "{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer = new QueryService.Answer(503, "{\"error\":\"interrupted\"}");
    } catch (RuntimeException e) {
      log.warn("Query {} failed", ex.getRequestURI(), e);
      answer = new QueryService.Answer(500, "{\"error\":\"internal error\"}");
    }
    send(ex, answer);
  }

  private static void send(HttpExchange ex, QueryService.Answer answer) throws IOException {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private QueryService.Answer route(HttpExchange ex) throws IOException, InterruptedException {
    if (!"GET".equals(ex.getRequestMethod())) {
      return new QueryService.Answer(405, "{\"error\":\"GET only\"}");
    }
    // Raw: a symbol may hold an escaped slash (Kraken's BTC%2FUSD); each part is decoded alone.
    String[] parts = ex.getRequestURI().getRawPath().split("/");
    if (parts.length == 4 && "audit".equals(parts[3])) {
      return service.audit(ex.getRequestHeaders().containsKey("X-Ticklake-Forwarded"));
    }
    // "", "api", "v1", kind, venue, symbol
    if (parts.length != 6) {
      return new QueryService.Answer(404, "{\"error\":\"unknown path\"}");
    }
    String kind = parts[3];
    String venue = decode(parts[4]);
    String symbol = decode(parts[5]);
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    String store =
        switch (kind) {
          case "quotes" -> OfiTopology.LAST_QUOTE_STORE;
          case "ofi" -> OfiTopology.OFI_DAY_STORE;
          case "cvd" -> CvdTopology.CVD_DAY_STORE;
          // The rollups are tasks of their own (they read the 1-minute topic back): route by
          // the interval's store.
          case "candles" -> {
            String byInterval = QueryService.candleStore(query.getOrDefault("interval", "1m"));
            yield byInterval != null ? byInterval : OhlcvTopology.OHLCV_1M_STORE; // answered 400 below
          }
          default -> null;
        };
    if (store == null) {
      return new QueryService.Answer(404, "{\"error\":\"unknown path\"}");
    }
    boolean forwarded = ex.getRequestHeaders().containsKey("X-Ticklake-Forwarded");
    Optional<HostInfo> owner = forwarded ? Optional.empty() : service.owner(store, Keys.of(venue, symbol));
    if (owner.isPresent()) {
      String raw = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
      return service.forward(owner.get(), raw);
    }
    return switch (kind) {
      case "quotes" -> service.quote(venue, symbol);
      case "ofi" -> service.ofi(venue, symbol);
      case "cvd" -> service.cvd(venue, symbol);
      default -> {
        int limit;
        try {
          limit = Math.min(MAX_LIMIT, Math.max(1, Integer.parseInt(query.getOrDefault("limit", "" + DEFAULT_LIMIT))));
        } catch (NumberFormatException e) {
          yield new QueryService.Answer(400, "{\"error\":\"limit must be a number\"}");
        }
        yield service.candles(venue, symbol, query.getOrDefault("interval", "1m"), limit);
      }
    };
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new HashMap<>();
    if (raw == null) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        m.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return m;
  }

  @Override
  public void close() {
    server.stop(1);
  }
}
