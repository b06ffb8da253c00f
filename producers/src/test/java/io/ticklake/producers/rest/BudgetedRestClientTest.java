package io.ticklake.producers.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a local HTTP server whose answers the test queues; the server records when
 * each request came in, so waits are checked from the server's side (lower bounds only).
 */
class BudgetedRestClientTest {
  /** An answer to give; when the queue is empty the server answers 200 {@code ok <path>}. */
  private record Answer(int status, Map<String, String> headers, String body) {}

  /** A request as the server saw it: path and query, and when (System.nanoTime). */
  private record Hit(String path, long nanos) {}

  private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
  private final List<Hit> hits = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private URI base;
  private BudgetedRestClient client;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    hits.add(new Hit(exchange.getRequestURI().toString(), System.nanoTime()));
    Answer answer = answers.poll();
    if (answer == null) {
      answer = new Answer(200, Map.of(), "ok " + exchange.getRequestURI().getPath());
    }
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    exchange.close();
  }

  private BudgetedRestClient client(LimitPolicy policy) {
    client = new BudgetedRestClient("test", base, policy, Clock.systemUTC());
    return client;
  }

  private long millisBetween(int earlier, int later) {
    return TimeUnit.NANOSECONDS.toMillis(hits.get(later).nanos() - hits.get(earlier).nanos());
  }

  private static RestRefusedException refusal(CompletableFuture<?> call) throws Exception {
    try {
      Object ok = call.get(10, TimeUnit.SECONDS);
      throw new AssertionError("expected the call to be refused, it answered " + ok);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(RestRefusedException.class);
      return (RestRefusedException) e.getCause();
    }
  }

  @Test
  void retryAfterIsWaitedOutAndThenTheCallSucceeds() throws Exception {
    answers.add(new Answer(429, Map.of("Retry-After", "1"), "{\"code\":-1003,\"msg\":\"Too many requests\"}"));
    answers.add(new Answer(200, Map.of(), "{\"lastUpdateId\":1}"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    // maxFailures 1: waiting out a refusal must not count as a failure of the call.
    String body = rest.get("/fapi/v1/depth?symbol=BTCUSDT&limit=1000", 20, 1).get(10, TimeUnit.SECONDS);

    assertThat(body).isEqualTo("{\"lastUpdateId\":1}");
    assertThat(rest.rateLimited()).isEqualTo(1);
    assertThat(rest.banned()).isZero();
    assertThat(rest.errors()).isZero();
    assertThat(rest.calls()).isEqualTo(2);
    assertThat(hits).extracting(Hit::path)
        .containsExactly("/fapi/v1/depth?symbol=BTCUSDT&limit=1000", "/fapi/v1/depth?symbol=BTCUSDT&limit=1000");
    assertThat(millisBetween(0, 1)).as("retry waited for Retry-After: 1").isGreaterThanOrEqualTo(950);
  }

  @Test
  void banStopsEveryCallUntilRetryAfter() throws Exception {
    answers.add(new Answer(418, Map.of("Retry-After", "1"), "{\"code\":-1003,\"msg\":\"banned\"}"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    CompletableFuture<String> first = rest.get("/api/a", 1, 1);
    await().atMost(10, TimeUnit.SECONDS).until(() -> rest.banned() == 1);
    // A second call made during the ban: it waits too, though it was never refused itself.
    CompletableFuture<String> second = rest.get("/api/b", 1, 1);

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("ok /api/a");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("ok /api/b");
    assertThat(rest.banned()).isEqualTo(1);
    assertThat(rest.rateLimited()).isZero();
    assertThat(hits).hasSize(3);
    assertThat(hits.get(0).path()).isEqualTo("/api/a");
    assertThat(hits.subList(1, 3)).extracting(Hit::path).containsExactlyInAnyOrder("/api/a", "/api/b");
    assertThat(millisBetween(0, 1)).as("first call after the ban").isGreaterThanOrEqualTo(950);
    assertThat(millisBetween(0, 2)).as("second call after the ban").isGreaterThanOrEqualTo(950);
  }

  @Test
  void banWithoutRetryAfterBlocksForTwoMinutes() {
    answers.add(new Answer(418, Map.of(), "banned"));
    // A fixed clock: the ban's end is exact (the call then keeps waiting; close() ends it).
    client = new BudgetedRestClient("test", base, LimitPolicy.unlimited(),
        Clock.fixed(Instant.parse("2024-08-08T23:55:00Z"), ZoneOffset.UTC));
    client.get("/api/a", 1, 1);
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.banned() == 1);
    assertThat(client.status()).containsEntry("blockedForMs", BudgetedRestClient.BAN_DEFAULT_MILLIS);
    assertThat(client.status()).containsEntry("banned", 1L);
  }

  @Test
  void penaltyBoxDoublesThePauseOnRefusalsInARow() throws Exception {
    answers.add(new Answer(429, Map.of(), "slow down"));
    answers.add(new Answer(429, Map.of(), "slow down"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    assertThat(rest.get("/api/p", 1, 1).get(15, TimeUnit.SECONDS)).isEqualTo("ok /api/p");

    assertThat(rest.rateLimited()).isEqualTo(2);
    assertThat(hits).hasSize(3);
    // No Retry-After: 1 s after the first refusal, 2 s after the second in a row.
    assertThat(millisBetween(0, 1)).as("pause after the first refusal").isGreaterThanOrEqualTo(950);
    assertThat(millisBetween(1, 2)).as("pause after the second refusal in a row").isGreaterThanOrEqualTo(1_950);
  }

  @Test
  void policyRecognizedThrottleIsARefusalAndIsRetried() throws Exception {
    LimitPolicy kraken = new LimitPolicy() {
      @Override
      public long acquire(String path, int cost, long nowMillis) {
        return 0;
      }

      @Override
      public boolean isThrottle(int status, String body) {
        return body.contains("EGeneral:Too many requests");
      }

      @Override
      public String describe() {
        return "kraken-like";
      }
    };
    answers.add(new Answer(200, Map.of(), "{\"error\":[\"EGeneral:Too many requests\"]}"));
    answers.add(new Answer(200, Map.of(), "{\"error\":[],\"result\":{\"unixtime\":1}}"));
    BudgetedRestClient rest = client(kraken);

    String body = rest.get("/0/public/Time", 1, 1).get(10, TimeUnit.SECONDS);

    assertThat(body).isEqualTo("{\"error\":[],\"result\":{\"unixtime\":1}}");
    assertThat(rest.rateLimited()).isEqualTo(1);
    assertThat(rest.errors()).isZero();
    assertThat(hits).hasSize(2);
    assertThat(millisBetween(0, 1)).as("penalty box of 1 s").isGreaterThanOrEqualTo(950);
  }

  @Test
  void clientErrorFailsAtOnceWithItsStatus() throws Exception {
    answers.add(new Answer(404, Map.of(), "{\"msg\":\"no such symbol\"}"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    RestRefusedException refused = refusal(rest.get("/api/v3/depth?symbol=NOPE", 1, 3));

    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.getMessage()).contains("HTTP 404").contains("no such symbol");
    assertThat(hits).hasSize(1);
    assertThat(rest.errors()).isEqualTo(1);
    assertThat(rest.rateLimited()).isZero();
  }

  @Test
  void serverErrorsAreRetriedWithABackoff() throws Exception {
    answers.add(new Answer(500, Map.of(), "oops"));
    answers.add(new Answer(503, Map.of(), "oops"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    assertThat(rest.get("/api/flaky", 1, 5).get(10, TimeUnit.SECONDS)).isEqualTo("ok /api/flaky");

    assertThat(hits).hasSize(3);
    assertThat(rest.errors()).isEqualTo(2);
    assertThat(rest.calls()).isEqualTo(3);
    assertThat(rest.rateLimited()).isZero();
    // Backoff 250 ms, then 500 ms.
    assertThat(millisBetween(0, 1)).isGreaterThanOrEqualTo(200);
    assertThat(millisBetween(1, 2)).isGreaterThanOrEqualTo(450);
  }

  @Test
  void serverErrorsGiveUpAfterMaxFailures() throws Exception {
    answers.add(new Answer(500, Map.of(), "oops"));
    answers.add(new Answer(500, Map.of(), "still oops"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    RestRefusedException refused = refusal(rest.get("/api/broken", 1, 2));

    assertThat(refused.status()).isEqualTo(500);
    assertThat(refused.getMessage()).contains("still oops");
    assertThat(hits).hasSize(2);
    assertThat(rest.errors()).isEqualTo(2);
  }

  @Test
  void unreadableAnswerIsAFailure() throws Exception {
    answers.add(new Answer(200, Map.of(), "not json"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());

    CompletableFuture<Integer> call = rest.get("/api/n", 1, 2, Integer::parseInt, "number");
    // "not json" cannot be parsed: a failure, retried; then "ok /api/n" cannot either: given up.
    RestRefusedException refused = refusal(call);

    assertThat(refused.status()).isEqualTo(200);
    assertThat(refused.getMessage()).contains("unreadable answer");
    assertThat(hits).hasSize(2);
  }

  @Test
  void policyWaitsHoldTheCallAndAreCounted() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    LimitPolicy holdOnce = new LimitPolicy() {
      @Override
      public long acquire(String path, int cost, long nowMillis) {
        return asked.getAndIncrement() == 0 ? 200 : 0;
      }

      @Override
      public String describe() {
        return "hold once";
      }
    };
    BudgetedRestClient rest = client(holdOnce);

    assertThat(rest.get("/api/held", 1, 1).get(10, TimeUnit.SECONDS)).isEqualTo("ok /api/held");

    assertThat(rest.budgetWaits()).isEqualTo(1);
    assertThat(asked.get()).isEqualTo(2);
    assertThat(rest.calls()).isEqualTo(1);
    assertThat(hits).hasSize(1);
  }

  /**
   * A call waiting out a refusal when the client is closed must still complete (exceptionally):
   * {@code BookRules.SnapshotFetcher#fetch} promises "exceptionally only when the client is
   * closed", and {@code attempt}/{@code retryLater} fail calls with "REST client closed".
   */
  @Test
  void closeFailsACallThatIsWaitingOutARefusal() {
    answers.add(new Answer(429, Map.of("Retry-After", "30"), "slow down"));
    BudgetedRestClient rest = client(LimitPolicy.unlimited());
    CompletableFuture<String> call = rest.get("/api/w", 1, BudgetedRestClient.RETRY_FOREVER);
    await().atMost(10, TimeUnit.SECONDS).until(() -> rest.rateLimited() == 1);

    rest.close();

    await().atMost(5, TimeUnit.SECONDS).until(call::isDone);
    assertThat(call).isCompletedExceptionally();
  }

  /** After close(), get() fails its future (as attempt() does when closed) instead of throwing. */
  @Test
  void getAfterCloseFailsTheFutureInsteadOfThrowing() {
    BudgetedRestClient rest = client(LimitPolicy.unlimited());
    rest.close();

    AtomicReference<CompletableFuture<String>> call = new AtomicReference<>();
    Throwable thrown = catchThrowable(() -> call.set(rest.get("/api/late", 1, 1)));

    assertThat(thrown).as("get() after close() threw instead of returning a failed future").isNull();
    await().atMost(5, TimeUnit.SECONDS).until(() -> call.get().isDone());
    assertThat(call.get()).isCompletedExceptionally();
    assertThat(hits).isEmpty();
  }
}
