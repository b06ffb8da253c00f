package io.ticklake.bench.producer;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A venue's recorded REST book snapshots served on loopback for the ingest harness: any GET whose
 * query names a recorded symbol ({@code ?symbol=BTCUSDT&limit=1000}) is answered with that symbol's
 * recorded body, anything else with 404. The collector's real REST client and the venue's real
 * snapshot code fetch it, on their own threads, as from the venue.
 */
final class RecordedRest implements AutoCloseable {
  private final HttpServer server;

  private RecordedRest(HttpServer server) {
    this.server = server;
  }

  static RecordedRest start(Map<String, String> bodiesBySymbol) throws IOException {
    Map<String, String> bodies = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    bodies.putAll(bodiesBySymbol);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String query = exchange.getRequestURI().getRawQuery();
      String body = null;
      if (query != null) {
        for (String pair : query.split("&")) {
          String value = URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8);
          body = body != null ? body : bodies.get(value.toUpperCase(Locale.ROOT));
        }
      }
      byte[] out = (body != null ? body : "{\"msg\":\"no recorded answer\"}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(body != null ? 200 : 404, out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    });
    server.start();
    return new RecordedRest(server);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
