package io.ticklake.producers.rest;

import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * A venue's REST limits, as one {@link BudgetedRestClient} applies them to every call it makes
 * (book snapshots, backfill, polled channels, reference data): each call asks for its cost before
 * it goes, and every answer is shown back so the policy can learn what the venue counted. What
 * every venue shares (429 with {@code Retry-After}, a 418 ban, the penalty box after
 * repeated refusals) is the client's; a policy says only what differs.
 *
 * <p>Implementations are called under the client's lock: no blocking, no I/O.
 */
public interface LimitPolicy {

  /**
   * Takes {@code cost} for a call to {@code path} now, or says how long to wait first.
   *
   * @return 0 when the call may go (the cost is taken), otherwise the milliseconds to wait before
   *     asking again (nothing is taken)
   */
  long acquire(String path, int cost, long nowMillis);

  /** Learns from an answer: e.g. the request weight the venue says was used. */
  default void observe(int status, HttpHeaders headers, long nowMillis) {}

  /**
   * Whether an answer is really a refusal for going too fast though its status says otherwise
   * (Kraken answers HTTP 200 with {@code "error":["EGeneral:Too many requests"]}).
   */
  default boolean isThrottle(int status, String body) {
    return false;
  }

  /** A line for logs and {@code /status}: what the policy allows and where it stands. */
  String describe();

  /**
   * {@code base} with the venue's refusal recognized in answers whose status does not say so
   * (Kraken's HTTP 200 {@code EGeneral:Too many requests}, OKX's code 50011): an answer of at most
   * 512 characters holding one of {@code markers}.
   */
  static LimitPolicy refusingWith(LimitPolicy base, String... markers) {
    List<String> all = List.of(markers);
    return new LimitPolicy() {
      @Override
      public long acquire(String path, int cost, long nowMillis) {
        return base.acquire(path, cost, nowMillis);
      }

      @Override
      public void observe(int status, HttpHeaders headers, long nowMillis) {
        base.observe(status, headers, nowMillis);
      }

      @Override
      public boolean isThrottle(int status, String body) {
        return body != null && body.length() <= 512 && all.stream().anyMatch(body::contains);
      }

      @Override
      public String describe() {
        return base.describe() + "; an answer holding " + String.join(" or ", all) + " is a refusal";
      }
    };
  }

  /** No limit at all (a simulator, a test). */
  static LimitPolicy unlimited() {
    return new LimitPolicy() {
      @Override
      public long acquire(String path, int cost, long nowMillis) {
        return 0;
      }

      @Override
      public String describe() {
        return "no limit";
      }
    };
  }

  /**
   * Per-endpoint limits on top of a shared one: a call takes from the first policy whose path
   * prefix matches (if any) and from {@code shared}; it waits for whichever says longer.
   */
  static LimitPolicy perEndpoint(LimitPolicy shared, Map<String, LimitPolicy> byPathPrefix) {
    List<Map.Entry<String, LimitPolicy>> rules = List.copyOf(byPathPrefix.entrySet());
    return new LimitPolicy() {
      @Override
      public long acquire(String path, int cost, long nowMillis) {
        for (Map.Entry<String, LimitPolicy> rule : rules) {
          if (path.startsWith(rule.getKey())) {
            long wait = rule.getValue().acquire(path, cost, nowMillis);
            if (wait > 0) {
              return wait;
            }
            break;
          }
        }
        // The endpoint's share is taken even if the shared budget then says wait: a venue that
        // counts per endpoint counted the attempt that we are about to make a moment later.
        return shared.acquire(path, cost, nowMillis);
      }

      @Override
      public void observe(int status, HttpHeaders headers, long nowMillis) {
        shared.observe(status, headers, nowMillis);
        rules.forEach(r -> r.getValue().observe(status, headers, nowMillis));
      }

      @Override
      public boolean isThrottle(int status, String body) {
        return shared.isThrottle(status, body);
      }

      @Override
      public String describe() {
        StringBuilder sb = new StringBuilder(shared.describe());
        rules.forEach(r -> sb.append("; ").append(r.getKey()).append(": ").append(r.getValue().describe()));
        return sb.toString();
      }
    };
  }
}
