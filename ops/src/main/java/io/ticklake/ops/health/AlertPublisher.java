package io.ticklake.ops.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.ticklake.schema.topic.Topics;
import io.ticklake.schema.v1.Alert;
import io.ticklake.schema.v1.AlertKind;
import io.ticklake.schema.v1.AlertSeverity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where alerts go: one log line ({@code ALERT [WARNING] <venue>: HEALTHY → DEGRADED | ...}),
 * one {@link Alert} record on {@code md.ops.alerts.v1}, and, when a webhook URL is configured, one
 * JSON POST. Each sink fails on its own: a broker or webhook that is away is logged (once per
 * outage) and counted, and the other sinks still get the alert. Callers publish changes only.
 */
public final class AlertPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlertPublisher.class);
  /** The logger of the alert lines themselves, so they can be routed or grepped on their own. */
  private static final Logger alertLog = LoggerFactory.getLogger("io.ticklake.alerts");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KEPT = 50;

  private final Producer<String, SpecificRecord> producer;
  private final URI webhook;
  private final HttpClient http;
  private final MeterRegistry registry;
  private final Deque<Alert> recent = new ArrayDeque<>();
  private final AtomicBoolean kafkaFailing = new AtomicBoolean();
  private final AtomicBoolean webhookFailing = new AtomicBoolean();

  /**
   * @param producer writes to the alerts topic (value serializer: the registry wire format), or
   *     null for log and webhook only
   * @param webhook URL to POST each alert to as JSON, or null
   * @param registry counts alerts as {@code ticklake.alerts{kind,severity}}
   */
  public AlertPublisher(Producer<String, SpecificRecord> producer, URI webhook, MeterRegistry registry) {
    this.producer = producer;
    this.webhook = webhook;
    this.registry = registry;
    this.http = webhook == null ? null : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Publishes a venue's change of health state. */
  public Alert venue(Transition t) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("failures", Integer.toString(t.failures()));
    details.put("degradedThreshold", Integer.toString(t.thresholds().degradedFailures()));
    details.put("downThreshold", Integer.toString(t.thresholds().downFailures()));
    details.put("window", t.thresholds().windowText());
    details.put("successes", Integer.toString(t.successes()));
    details.put("recoverySuccesses", Integer.toString(t.thresholds().recoverySuccesses()));
    return publish(
        AlertKind.VENUE_HEALTH, t.severity(), t.venue(), t.from().name(), t.to().name(), t.reason(),
        t.message(), details, t.time());
  }

  /** Publishes any other change ({@code message} is the text after the severity). */
  public Alert publish(
      AlertKind kind,
      AlertSeverity severity,
      String source,
      String from,
      String to,
      String reason,
      String message,
      Map<String, String> details,
      Instant time) {
    Alert alert =
        Alert.newBuilder()
            .setAlertId(source + ":" + kind + ":" + ChronoUnit.MICROS.between(Instant.EPOCH, time))
            .setTime(time.truncatedTo(ChronoUnit.MICROS))
            .setKind(kind)
            .setSeverity(severity)
            .setSource(source)
            .setFromState(from)
            .setToState(to)
            .setReason(reason)
            .setMessage(message)
            .setDetails(new LinkedHashMap<>(details))
            .build();
    String line = "ALERT [" + severity + "] " + message;
    switch (severity) {
      case CRITICAL -> alertLog.error(line);
      case WARNING -> alertLog.warn(line);
      default -> alertLog.info(line);
    }
    Counter.builder("ticklake.alerts")
        .description("Alerts published (changes of state only)")
        .tag("kind", kind.name())
        .tag("severity", severity.name())
        .register(registry)
        .increment();
    synchronized (recent) {
      if (recent.size() == KEPT) {
        recent.removeFirst();
      }
      recent.addLast(alert);
    }
    toKafka(alert);
    toWebhook(alert);
    return alert;
  }

  private void toKafka(Alert alert) {
    if (producer == null) {
      return;
    }
    try {
      producer.send(
          new ProducerRecord<>(Topics.ALERTS, alert.getSource(), alert),
          (md, e) -> {
            if (e == null) {
              if (kafkaFailing.compareAndSet(true, false)) {
                log.info("alerts reach {} again", Topics.ALERTS);
              }
            } else if (kafkaFailing.compareAndSet(false, true)) {
              log.warn("alert not written to {} ({}); further failures are not logged until it works", Topics.ALERTS, e.toString());
            }
          });
    } catch (RuntimeException e) {
      if (kafkaFailing.compareAndSet(false, true)) {
        log.warn("alert not written to {} ({})", Topics.ALERTS, e.toString());
      }
    }
  }

  private void toWebhook(Alert alert) {
    if (webhook == null) {
      return;
    }
    String body;
    try {
      body = JSON.writeValueAsString(json(alert));
    } catch (Exception e) {
      log.error("cannot render alert as JSON", e);
      return;
    }
    HttpRequest req =
        HttpRequest.newBuilder(webhook)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (resp, e) -> {
              boolean ok = e == null && resp.statusCode() / 100 == 2;
              if (ok) {
                if (webhookFailing.compareAndSet(true, false)) {
                  log.info("alert webhook {} answers again", webhook.getHost());
                }
              } else if (webhookFailing.compareAndSet(false, true)) {
                // The URL can carry a token: name only its host.
                log.warn("alert webhook on {} failed: {}; further failures are not logged until it works",
                    webhook.getHost(), e != null ? e.toString() : "HTTP " + resp.statusCode());
              }
            });
  }

  /** The alert as the webhook receives it. */
  public static Map<String, Object> json(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alertId", a.getAlertId());
    m.put("time", a.getTime().toString());
    m.put("kind", a.getKind().name());
    m.put("severity", a.getSeverity().name());
    m.put("source", a.getSource());
    m.put("fromState", a.getFromState());
    m.put("toState", a.getToState());
    m.put("reason", a.getReason());
    m.put("message", a.getMessage());
    m.put("details", a.getDetails());
    return m;
  }

  /** The most recent alerts, oldest first. */
  public List<Alert> recent() {
    synchronized (recent) {
      return new ArrayList<>(recent);
    }
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(10));
    }
  }
}
