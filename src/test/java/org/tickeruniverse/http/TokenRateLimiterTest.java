package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.testsupport.MutableClock;

/** The per-token buffer rate, on an injected clock: nothing here waits for real time. */
class TokenRateLimiterTest {

  static final String A = "caller-token-aaaaaaaaaaaaaaaa";
  static final String B = "caller-token-bbbbbbbbbbbbbbbb";

  final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");

  static int allowedOf(TokenRateLimiter limiter, String token, int requests) {
    int allowed = 0;
    for (int i = 0; i < requests; i++) {
      if (limiter.tryAcquire(BearerTokens.digest(token)).allowed()) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void aBurstIsAllowedAtOnceAndTheNextRequestIsRefusedWithTheSecondsUntilATokenIsBack() {
    TokenRateLimiter limiter = new TokenRateLimiter(2, 5, clock);
    assertThat(allowedOf(limiter, A, 5)).isEqualTo(5);
    TokenRateLimiter.Decision refused = limiter.tryAcquire(BearerTokens.digest(A));
    assertThat(refused.allowed()).isFalse();
    // 2 per second: the next token is back in 0.5 s, announced as the whole second that covers it.
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
  }

  @Test
  void aSlowRateAnnouncesALongerRetryAfter() {
    TokenRateLimiter limiter = new TokenRateLimiter(1, 1, clock);
    assertThat(limiter.tryAcquire(BearerTokens.digest(A)).allowed()).isTrue();
    clock.advance(Duration.ofMillis(100));
    TokenRateLimiter.Decision refused = limiter.tryAcquire(BearerTokens.digest(A));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    clock.advance(Duration.ofMillis(900));
    assertThat(limiter.tryAcquire(BearerTokens.digest(A)).allowed())
        .as("a second later the token is back")
        .isTrue();
  }

  @Test
  void overTimeTheAllowedRateIsTheConfiguredOneWhateverTheCallerSends() {
    TokenRateLimiter limiter = new TokenRateLimiter(20, 40, clock);
    int allowed = 0;
    // 10 s of a caller sending 1,000 requests per second (one every millisecond).
    for (int ms = 0; ms < 10_000; ms++) {
      if (limiter.tryAcquire(BearerTokens.digest(A)).allowed()) {
        allowed++;
      }
      clock.advance(Duration.ofMillis(1));
    }
    // The burst, then 20 per second: 40 + 10 * 20 (refill is continuous: ±1).
    assertThat(allowed).isBetween(239, 241);
  }

  @Test
  void tokensAreLimitedEachOnTheirOwn() {
    TokenRateLimiter limiter = new TokenRateLimiter(1, 3, clock);
    assertThat(allowedOf(limiter, A, 10)).isEqualTo(3);
    assertThat(allowedOf(limiter, B, 10)).as("another caller is not slowed by A").isEqualTo(3);
  }

  @Test
  void idleBucketsAreDroppedOnceTheyWouldBeFullAgain() {
    TokenRateLimiter limiter = new TokenRateLimiter(10, 20, clock); // full refill: 2 s
    limiter.tryAcquire(BearerTokens.digest(A));
    clock.advance(Duration.ofMillis(1500));
    limiter.tryAcquire(BearerTokens.digest(B));
    assertThat(limiter.size()).isEqualTo(2);
    clock.advance(Duration.ofMillis(600)); // A idle 2.1 s, B 0.6 s
    limiter.tryAcquire(BearerTokens.digest(B));
    assertThat(limiter.size()).as("A dropped, B kept").isEqualTo(1);
    // A dropped loses nothing: its new bucket is as full as the old one would have been.
    assertThat(allowedOf(limiter, A, 25)).isEqualTo(20);
  }

  @Test
  void theMapNeverHoldsMoreThanItsBoundHoweverManyTokensArrive() {
    TokenRateLimiter limiter = new TokenRateLimiter(1, 1, clock, 100);
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      tokens.add("caller-token-" + i + "-xxxxxxxxxxxx");
    }
    tokens.forEach(t -> limiter.tryAcquire(BearerTokens.digest(t)));
    assertThat(limiter.size()).isEqualTo(100);
  }

  @Test
  void nonsenseSettingsAreRefused() {
    assertThatThrownBy(() -> new TokenRateLimiter(0, 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenRateLimiter(1, 0, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
