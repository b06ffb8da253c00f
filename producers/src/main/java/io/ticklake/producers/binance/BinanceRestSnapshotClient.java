package io.ticklake.producers.binance;

import io.ticklake.producers.ParseException;
import io.ticklake.schema.v1.BookDelta;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches {@code GET /fapi/v1/depth?symbol=X&limit=1000} (and, through {@link #get}, any other
 * public REST call such as the backfill's aggTrades, trades and klines) with {@code java.net.http},
 * asynchronously, and keeps inside Binance's request-weight limits, one budget for all of them:
 *
 * <ul>
 *   <li>reads {@code X-MBX-USED-WEIGHT-1M} from every answer and holds calls until the next minute
 *       once 80% of the budget (default 2400 per minute) would be used;
 *   <li>on 429 honours {@code Retry-After} before calling again;
 *   <li>on 418 (the IP is banned) makes no REST call at all until {@code Retry-After} has passed —
 *       calling during a ban lengthens it.
 * </ul>
 *
 * <p>Every fetch is retried (with a capped backoff on errors) until it succeeds or the client is
 * closed: a book cannot be synced without it. Each refusal is counted and logged once, with the
 * symbol, status and wait.
 */
public final class BinanceRestSnapshotClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BinanceRestSnapshotClient.class);

  public static final int WEIGHT_BUDGET_DEFAULT = 2400;
  public static final double WEIGHT_STOP_FRACTION = 0.8;
  public static final int DEPTH_LIMIT_DEFAULT = 1000;
  /** Weight of a depth call with limit 1000 (Binance: 5 up to 100, 10 up to 500, 20 up to 1000). */
  static final int DEPTH_WEIGHT = 20;
  static final Duration ERROR_BACKOFF_MAX = Duration.ofSeconds(30);

  private final URI restBase;
  private final int limit;
  private final int weightBudget;
  private final BinanceMessageParser parser;
  private final Clock clock;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "binance-rest");
        t.setDaemon(true);
        return t;
      });

  private final Object lock = new Object();
  private long blockedUntilMillis;
  private long weightMinute = -1;
  private int usedWeight;
  private volatile boolean closed;

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong snapshots = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong banned = new AtomicLong();
  private final AtomicLong budgetWaits = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  public BinanceRestSnapshotClient(URI restBase, BinanceMessageParser parser) {
    this(restBase, DEPTH_LIMIT_DEFAULT, WEIGHT_BUDGET_DEFAULT, parser, Clock.systemUTC());
  }

  public BinanceRestSnapshotClient(
      URI restBase, int limit, int weightBudget, BinanceMessageParser parser, Clock clock) {
    this.restBase = restBase;
    this.limit = limit;
    this.weightBudget = weightBudget;
    this.parser = parser;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A depth snapshot as answered: the response body exactly as received, and what it says. */
  public record Answer(String body, BookDelta snapshot) {}

  /** The snapshot of {@code symbol}; completes exceptionally only if the client is closed. */
  public CompletableFuture<BookDelta> fetch(String symbol) {
    return fetchAnswer(symbol).thenApply(Answer::snapshot);
  }

  /**
   * The snapshot of {@code symbol} with its response body (for recording), under the same weight
   * budget, 429 and 418 rules as {@link #fetch}.
   */
  public CompletableFuture<Answer> fetchAnswer(String symbol) {
    CompletableFuture<Answer> result = new CompletableFuture<>();
    Call<Answer> call =
        new Call<>(
            "/fapi/v1/depth?symbol=" + symbol + "&limit=" + limit,
            DEPTH_WEIGHT,
            "depth " + symbol,
            Integer.MAX_VALUE,
            body -> {
              BookDelta snapshot = parser.parseDepthSnapshot(symbol, body, clock.instant());
              snapshots.incrementAndGet();
              return new Answer(body, snapshot);
            },
            result);
    scheduler.execute(() -> attempt(call, 0));
    return result;
  }

  /**
   * Any other {@code GET} of the REST API (e.g. {@code /fapi/v1/aggTrades?...}), under the same
   * weight budget, 429 and 418 rules as the snapshots: one budget per client, so every caller in
   * the process shares it. Network errors and 5xx answers are retried with the capped backoff, at
   * most {@code maxFailures} times in a row; a 4xx other than 429/418 is not retried.
   *
   * @param weight the request weight Binance charges for this call
   * @return the answer's body; exceptionally {@link RestRefusedException} when refused or given up
   */
  public CompletableFuture<String> get(String pathAndQuery, int weight, int maxFailures) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Call<String> call = new Call<>(pathAndQuery, weight, pathAndQuery, maxFailures, body -> body, result);
    scheduler.execute(() -> attempt(call, 0));
    return result;
  }

  /** A REST answer that retrying cannot fix, or a call given up after too many failures. */
  public static final class RestRefusedException extends RuntimeException {
    private final int status;

    RestRefusedException(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
      return status;
    }
  }

  @FunctionalInterface
  private interface BodyParser<T> {
    T parse(String body) throws ParseException;
  }

  private record Call<T>(
      String pathAndQuery, int weight, String what, int maxFailures, BodyParser<T> parser, CompletableFuture<T> result) {}

  private <T> void attempt(Call<T> call, int failures) {
    if (closed) {
      call.result().completeExceptionally(new IllegalStateException("REST client closed"));
      return;
    }
    long now = clock.millis();
    long waitMillis;
    synchronized (lock) {
      if (now / 60_000 != weightMinute) {
        weightMinute = now / 60_000;
        usedWeight = 0;
      }
      if (now < blockedUntilMillis) {
        waitMillis = blockedUntilMillis - now;
      } else if (usedWeight + call.weight() > weightBudget * WEIGHT_STOP_FRACTION) {
        waitMillis = (weightMinute + 1) * 60_000 - now + 50;
        if (budgetWaits.incrementAndGet() == 1 || failures == 0) {
          log.warn("REST weight {}/{} used this minute (stop at {}%): holding {} for {} ms",
              usedWeight, weightBudget, (int) (WEIGHT_STOP_FRACTION * 100), call.what(), waitMillis);
        }
      } else {
        waitMillis = 0;
        usedWeight += call.weight(); // counted before the answer tells, so parallel calls see it
      }
    }
    if (waitMillis > 0) {
      retryLater(call, failures, waitMillis);
      return;
    }
    URI uri = restBase.resolve(call.pathAndQuery());
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    calls.incrementAndGet();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              if (error != null) {
                failed(call, failures, 0, "request failed: " + error);
              } else {
                answered(call, failures, response);
              }
            });
  }

  private <T> void answered(Call<T> call, int failures, HttpResponse<String> response) {
    long now = clock.millis();
    response.headers().firstValue("X-MBX-USED-WEIGHT-1M").ifPresent(w -> {
      try {
        int used = Integer.parseInt(w.trim());
        synchronized (lock) {
          if (now / 60_000 == weightMinute) {
            usedWeight = Math.max(usedWeight, used);
          } else {
            weightMinute = now / 60_000;
            usedWeight = used;
          }
        }
      } catch (NumberFormatException e) {
        log.debug("unreadable X-MBX-USED-WEIGHT-1M '{}'", w);
      }
    });
    int status = response.statusCode();
    if (status == 200) {
      try {
        call.result().complete(call.parser().parse(response.body()));
      } catch (ParseException e) {
        failed(call, failures, status, "unreadable answer: " + e.getMessage());
      }
      return;
    }
    if (status == 429 || status == 418) {
      long retryAfterMillis = retryAfter(response).orElse(status == 418 ? 120_000L : 1_000L * (1L << Math.min(failures, 5)));
      synchronized (lock) {
        blockedUntilMillis = Math.max(blockedUntilMillis, now + retryAfterMillis);
      }
      if (status == 429) {
        rateLimited.incrementAndGet();
        log.warn("REST 429 (rate limited) on {}: used weight {}, no REST call for {} ms (Retry-After)",
            call.what(), response.headers().firstValue("X-MBX-USED-WEIGHT-1M").orElse("?"), retryAfterMillis);
      } else {
        banned.incrementAndGet();
        log.error("REST 418 (IP banned) on {}: every REST call stopped for {} ms (Retry-After)",
            call.what(), retryAfterMillis);
      }
      // Waiting out a refusal is not a failure of the call: it does not count against maxFailures.
      retryLater(call, failures, retryAfterMillis);
      return;
    }
    if (status >= 400 && status < 500 && call.maxFailures() != Integer.MAX_VALUE) {
      errors.incrementAndGet();
      call.result().completeExceptionally(
          new RestRefusedException(status, call.what() + ": HTTP " + status + ": " + abbreviate(response.body())));
      return;
    }
    failed(call, failures, status, "HTTP " + status + ": " + abbreviate(response.body()));
  }

  private <T> void failed(Call<T> call, int failures, int status, String what) {
    errors.incrementAndGet();
    if (failures + 1 >= call.maxFailures()) {
      log.warn("REST {} failed {} times in a row: {}; giving up", call.what(), failures + 1, what);
      call.result().completeExceptionally(new RestRefusedException(status, call.what() + ": " + what));
      return;
    }
    long delay = Math.min(ERROR_BACKOFF_MAX.toMillis(), 250L << Math.min(failures, 10));
    if (failures == 0 || failures % 20 == 0) {
      log.warn("REST {} failed ({} failures in a row): {}; retrying in {} ms", call.what(), failures + 1, what, delay);
    }
    retryLater(call, failures + 1, delay);
  }

  private <T> void retryLater(Call<T> call, int failures, long delayMillis) {
    if (closed) {
      call.result().completeExceptionally(new IllegalStateException("REST client closed"));
      return;
    }
    scheduler.schedule(() -> attempt(call, failures), delayMillis, TimeUnit.MILLISECONDS);
  }

  private static Optional<Long> retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        return Optional.of(Long.parseLong(v.trim()) * 1000);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  public long calls() {
    return calls.get();
  }

  public long snapshots() {
    return snapshots.get();
  }

  /** 429 answers received. */
  public long rateLimited() {
    return rateLimited.get();
  }

  /** 418 answers received. */
  public long banned() {
    return banned.get();
  }

  /** Times a call was held back to stay under the weight budget. */
  public long budgetWaits() {
    return budgetWaits.get();
  }

  public long errors() {
    return errors.get();
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
  }
}
