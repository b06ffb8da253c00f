package io.ticklake.ops.stack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness checks that ask each part the way a client would, not just whether a port is open. */
public final class Probes {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Probes() {}

  /** Ready when an HTTP GET of the URL answers 200. */
  public static ComponentSpec.Probe http(String url) {
    return http(url, 200, 200);
  }

  /**
   * Ready when an HTTP GET of the URL answers with a status in [min, max]: an S3 endpoint answers
   * an anonymous GET with 403, which proves it is serving.
   */
  public static ComponentSpec.Probe http(String url, int min, int max) {
    return () -> {
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        int status = r.statusCode();
        return status >= min && status <= max ? null : "HTTP " + status + " from " + url;
      } catch (Exception e) {
        return e.getClass().getSimpleName() + " from " + url;
      }
    };
  }

  /** Ready when the cluster answers a describe with at least one broker. */
  public static ComponentSpec.Probe kafka(String bootstrap) {
    return kafka(bootstrap, Map.of());
  }

  /** As {@link #kafka(String)}, with client settings (security) added. */
  public static ComponentSpec.Probe kafka(String bootstrap, Map<String, String> client) {
    return () -> {
      Properties p = new Properties();
      p.putAll(client);
      p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
      p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
      p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
      try (Admin admin = Admin.create(p)) {
        int n =
            admin
                .describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                .nodes()
                .get(4, TimeUnit.SECONDS)
                .size();
        return n > 0 ? null : "no brokers yet at " + bootstrap;
      } catch (Exception e) {
        return "Kafka at " + bootstrap + " not answering (" + e.getClass().getSimpleName() + ")";
      }
    };
  }
}
