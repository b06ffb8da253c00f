package io.ticklake.producers.rest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One venue's public REST API, asynchronously over {@code java.net.http}, inside the venue's
 * limits: one budget for every caller in the process (book snapshots, backfill, polled channels,
 * reference data), since venues count per IP and two budgets in one collector would overrun it.
 *
 * <ul>
 *   <li>the venue's {@link LimitPolicy} (request weight read back from a header, a token bucket,
 *       per-endpoint limits) says when a call may go;
 *   <li>{@code 429} (or an answer the policy recognizes as a throttle, such as Kraken's HTTP 200
 *       with {@code EGeneral:Too many requests}) stops every call for {@code Retry-After}, or, when
 *       the venue gives none, for a pause that doubles with each refusal in a row (1 s to 32 s):
 *       the penalty box, left after the next answer that is not a refusal;
 *   <li>{@code 418} (the IP is banned) stops every call until {@code Retry-After} (2
 *       minutes if absent): calling during a ban lengthens it.
 * </ul>
 *
 * <p>Network errors and 5xx answers are retried with a capped backoff, at most {@code maxFailures}
 * times in a row per call; a 4xx other than those is not retried. Waiting out a refusal does not
 * count as a failure. Each refusal is counted and logged with the call, the status and the wait.
 */
public final class BudgetedRestClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BudgetedRestClient.class);

  static final Duration ERROR_BACKOFF_MAX = Duration.ofSeconds(30);
  static final long BAN_DEFAULT_MILLIS = 120_000;
  /** Retry a call this many times in a row on errors: for calls that must succeed eventually. */
  public static final int RETRY_FOREVER = Integer.MAX_VALUE;

  private final String name;
  private final URI base;
  private final LimitPolicy policy;
  private final Clock clock;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;

  private final Object lock = new Object();
  private long blockedUntilMillis;
  private int refusalsInARow;
  private volatile boolean closed;

  /** Calls scheduled to try again (a refusal, a backoff, the budget): failed by {@link #close}. */
  private final java.util.Set<Call<?>> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();
  private final AtomicLong banned = new AtomicLong();
  private final AtomicLong budgetWaits = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  /** Parses an answer's body; a {@link Exception} makes the call fail (and retry). */
  @FunctionalInterface
  public interface BodyParser<T> {
    T parse(String body) throws Exception;
  }

  /**
   * @param name the venue id, for thread names and logs
   * @param base the REST base URL (the simulator's, offline)
   */
  public BudgetedRestClient(String name, URI base, LimitPolicy policy, Clock clock) {
    this.name = name;
    this.base = base;
    this.policy = policy;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, name + "-rest");
          t.setDaemon(true);
          return t;
        });
  }

  /** {@code GET base + pathAndQuery}; the body of a 200 answer. */
  public CompletableFuture<String> get(String pathAndQuery, int cost, int maxFailures) {
    return get(pathAndQuery, cost, maxFailures, body -> body, pathAndQuery);
  }

  /**
   * {@code GET base + pathAndQuery}, the body parsed.
   *
   * @param cost what the call costs under the policy (request weight, tokens)
   * @param maxFailures errors in a row before the call is given up ({@link #RETRY_FOREVER}: until
   *     it succeeds or the client is closed)
   * @param what the call in log lines ({@code depth BTCUSDT})
   * @return the parsed answer; exceptionally {@link RestRefusedException} when refused or given up
   */
  public <T> CompletableFuture<T> get(String pathAndQuery, int cost, int maxFailures, BodyParser<T> parser, String what) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Call<T> call = new Call<>(pathAndQuery, pathOf(pathAndQuery), cost, what, maxFailures, parser, result);
    try {
      scheduler.execute(() -> attempt(call, 0));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      result.completeExceptionally(new IllegalStateException(name + " REST client closed"));
    }
    return result;
  }

  private static String pathOf(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  private record Call<T>(
      String pathAndQuery, String path, int cost, String what, int maxFailures, BodyParser<T> parser, CompletableFuture<T> result) {}

  private <T> void attempt(Call<T> call, int failures) {
    if (closed) {
      call.result().completeExceptionally(new IllegalStateException(name + " REST client closed"));
      return;
    }
    long now = clock.millis();
    long waitMillis;
    synchronized (lock) {
      if (now < blockedUntilMillis) {
        waitMillis = blockedUntilMillis - now;
      } else {
        waitMillis = policy.acquire(call.path(), call.cost(), now);
        if (waitMillis > 0 && (budgetWaits.incrementAndGet() == 1 || failures == 0) && waitMillis >= 1000) {
          log.warn("{} REST: {}: holding {} for {} ms", name, policy.describe(), call.what(), waitMillis);
        }
      }
    }
    if (waitMillis > 0) {
      retryLater(call, failures, waitMillis);
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(call.pathAndQuery())).timeout(Duration.ofSeconds(10)).GET().build();
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
    int status = response.statusCode();
    boolean throttled;
    synchronized (lock) {
      policy.observe(status, response.headers(), now);
      throttled = policy.isThrottle(status, response.body());
    }
    if (status == 429 || status == 418 || throttled) {
      refused(call, failures, status, throttled, response);
      return;
    }
    synchronized (lock) {
      refusalsInARow = 0; // out of the penalty box
    }
    if (status == 200) {
      try {
        call.result().complete(call.parser().parse(response.body()));
      } catch (Exception e) {
        failed(call, failures, status, "unreadable answer: " + e.getMessage());
      }
      return;
    }
    if (status >= 400 && status < 500 && call.maxFailures() != RETRY_FOREVER) {
      errors.incrementAndGet();
      call.result().completeExceptionally(
          new RestRefusedException(status, call.what() + ": HTTP " + status + ": " + abbreviate(response.body())));
      return;
    }
    failed(call, failures, status, "HTTP " + status + ": " + abbreviate(response.body()));
  }

  private <T> void refused(Call<T> call, int failures, int status, boolean throttled, HttpResponse<String> response) {
    long now = clock.millis();
    OptionalLong retryAfter = retryAfter(response);
    long pause;
    int inARow;
    synchronized (lock) {
      inARow = ++refusalsInARow;
      pause = retryAfter.isPresent()
          ? retryAfter.getAsLong()
          : status == 418 ? BAN_DEFAULT_MILLIS : 1000L << Math.min(inARow - 1, 5);
      blockedUntilMillis = Math.max(blockedUntilMillis, now + pause);
    }
    if (status == 418) {
      banned.incrementAndGet();
      log.error("{} REST 418 (IP banned) on {}: every REST call stopped for {} ms (Retry-After)", name, call.what(), pause);
    } else {
      rateLimited.incrementAndGet();
      log.warn("{} REST {} on {}: {}; no REST call for {} ms ({}, refusal {} in a row)", name,
          throttled ? "throttled (HTTP " + status + ": " + abbreviate(response.body()) + ")" : "429 (rate limited)",
          call.what(), policy.describe(), pause, retryAfter.isPresent() ? "Retry-After" : "penalty box", inARow);
    }
    // Waiting out a refusal is not a failure of the call: it does not count against maxFailures.
    retryLater(call, failures, pause);
  }

  private <T> void failed(Call<T> call, int failures, int status, String what) {
    errors.incrementAndGet();
    if (failures + 1 >= call.maxFailures()) {
      log.warn("{} REST {} failed {} times in a row: {}; giving up", name, call.what(), failures + 1, what);
      call.result().completeExceptionally(new RestRefusedException(status, call.what() + ": " + what));
      return;
    }
    long delay = Math.min(ERROR_BACKOFF_MAX.toMillis(), 250L << Math.min(failures, 10));
    if (failures == 0 || failures % 20 == 0) {
      log.warn("{} REST {} failed ({} failures in a row): {}; retrying in {} ms", name, call.what(), failures + 1, what, delay);
    }
    retryLater(call, failures + 1, delay);
  }

  private <T> void retryLater(Call<T> call, int failures, long delayMillis) {
    if (closed) {
      call.result().completeExceptionally(new IllegalStateException(name + " REST client closed"));
      return;
    }
    waiting.add(call);
    try {
      scheduler.schedule(() -> {
        waiting.remove(call);
        attempt(call, failures);
      }, delayMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      waiting.remove(call);
      call.result().completeExceptionally(new IllegalStateException(name + " REST client closed"));
    }
  }

  private static OptionalLong retryAfter(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(v -> {
      try {
        return OptionalLong.of(Math.max(0, Long.parseLong(v.trim())) * 1000);
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }).orElse(OptionalLong.empty());
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  /** The REST base URL. */
  public URI base() {
    return base;
  }

  public long calls() {
    return calls.get();
  }

  /** 429 answers, and answers the policy recognized as throttles. */
  public long rateLimited() {
    return rateLimited.get();
  }

  /** 418 answers received. */
  public long banned() {
    return banned.get();
  }

  /** Times a call was held back by the policy. */
  public long budgetWaits() {
    return budgetWaits.get();
  }

  public long errors() {
    return errors.get();
  }

  /** Counters and the policy's state, for {@code /status}. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("calls", calls.get());
    m.put("rateLimited", rateLimited.get());
    m.put("banned", banned.get());
    m.put("budgetWaits", budgetWaits.get());
    m.put("errors", errors.get());
    synchronized (lock) {
      m.put("policy", policy.describe());
      m.put("blockedForMs", Math.max(0, blockedUntilMillis - clock.millis()));
    }
    return m;
  }

  /** Stops: no call is made any more, and every call still waiting to try again fails. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    for (Call<?> c : waiting) {
      c.result().completeExceptionally(new IllegalStateException(name + " REST client closed"));
    }
    waiting.clear();
  }
}
