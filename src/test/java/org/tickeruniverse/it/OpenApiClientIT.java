package org.tickeruniverse.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.client.ApiClient;
import org.tickeruniverse.client.ApiException;
import org.tickeruniverse.client.ApiResponse;
import org.tickeruniverse.client.JSON;
import org.tickeruniverse.client.api.AdminApi;
import org.tickeruniverse.client.api.TickersApi;
import org.tickeruniverse.client.api.UniverseApi;
import org.tickeruniverse.client.model.BufferRequest;
import org.tickeruniverse.client.model.BufferResponse;
import org.tickeruniverse.client.model.ErrorResponse;
import org.tickeruniverse.client.model.FlushResult;
import org.tickeruniverse.client.model.Universe;
import org.tickeruniverse.testsupport.MariaDbServer;
import org.tickeruniverse.testsupport.MutableClock;
import org.tickeruniverse.testsupport.RealServers;
import org.tickeruniverse.testsupport.RedisServer;
import org.tickeruniverse.testsupport.ServiceHarness;
import org.tickeruniverse.testsupport.TestConfigs;

/**
 * The OpenAPI document is usable by a standard tool as it is: the Java client that
 * openapi-generator makes from it at build time (pom.xml, {@code native} library, package {@code
 * org.tickeruniverse.client}) talks to the real service on real stores — upload, flush, the
 * universe with its ETag and a 304 through {@code If-None-Match}, a 400 that names the offenders, a
 * 401 — and reads every answer into the document's named types (counts as {@code Long}, the error
 * code as an open {@code String}).
 */
@RealServers
class OpenApiClientIT {

  static ServiceHarness service;

  @BeforeAll
  static void start(RedisServer redis, MariaDbServer mysql) {
    service =
        ServiceHarness.start(
            TestConfigs.forServers(redis, mysql), MutableClock.at("2026-11-24T10:01:00Z"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  /** A generated client for the running service; {@code token} null sends no Authorization. */
  static ApiClient client(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(service.baseUrl());
    client.setReadTimeout(Duration.ofSeconds(30));
    if (token != null) {
      // The native library has no bearer-token support of its own; a request interceptor is its
      // documented way to add a header to every call.
      client.setRequestInterceptor(b -> b.header("Authorization", "Bearer " + token));
    }
    return client;
  }

  static ErrorResponse error(ApiException e) throws Exception {
    return JSON.getDefault().getMapper().readValue(e.getResponseBody(), ErrorResponse.class);
  }

  @Test
  void theGeneratedClientUploadsFlushesAndRevalidatesTheUniverse() throws Exception {
    TickersApi tickers = new TickersApi(client(TestConfigs.CALLER_TOKEN));
    BufferResponse buffered =
        tickers.bufferTickers(new BufferRequest().tickers(List.of(" aapl ", "VOD.L", "AAPL")));
    Long distinct = buffered.getBuffered(); // int64 in the document: Long, like the bus client
    assertThat(distinct).isEqualTo(2L);

    service.advance(Duration.ofMinutes(5));
    FlushResult flushed = new AdminApi(client(TestConfigs.ADMIN_TOKEN)).adminFlush();
    assertThat(flushed.getInserted()).isEqualTo(2L);
    assertThat(flushed.getBuckets()).isEqualTo(1L);

    UniverseApi universe = new UniverseApi(client(TestConfigs.CALLER_TOKEN));
    AtomicReference<ApiResponse<Universe>> current = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              current.set(universe.getUniverseWithHttpInfo(null));
              assertThat(current.get().getData().getCount()).isEqualTo(2L);
            });
    ApiResponse<Universe> ok = current.get();
    assertThat(ok.getStatusCode()).isEqualTo(200);
    assertThat(ok.getData().getTickers()).containsExactly("AAPL", "VOD.L");
    List<String> etags = ok.getHeaders().get("etag");
    assertThat(etags).hasSize(1);
    String etag = etags.get(0);
    assertThat(etag).startsWith("\"").endsWith("\"");

    // The generated client treats every non-2xx answer as an ApiException, 304 included.
    ApiException notModified =
        catchThrowableOfType(ApiException.class, () -> universe.getUniverseWithHttpInfo(etag));
    assertThat(notModified.getCode()).isEqualTo(304);
    assertThat(notModified.getResponseBody()).isNullOrEmpty();
    assertThat(notModified.getResponseHeaders().firstValue("ETag")).hasValue(etag);

    // Another ETag is not a match: the full answer again.
    assertThat(universe.getUniverseWithHttpInfo("\"some-other-tag\"").getStatusCode())
        .isEqualTo(200);
  }

  @Test
  void anInvalidTickerIsA400NamingTheOffendersAndNothingIsBuffered() throws Exception {
    TickersApi tickers = new TickersApi(client(TestConfigs.CALLER_TOKEN));
    ApiException refused =
        catchThrowableOfType(
            ApiException.class,
            () ->
                tickers.bufferTickers(
                    new BufferRequest().tickers(List.of("MSFT", "AA PL", "$$$"))));
    assertThat(refused.getCode()).isEqualTo(400);
    ErrorResponse body = error(refused);
    String code = body.getError().getCode(); // an open set: a plain String, not an enum
    assertThat(code).isEqualTo("invalid_input");
    assertThat(body.getError().getOffenders()).containsExactlyInAnyOrder("AA PL", "$$$");
    assertThat(service.members(service.bucketKey(service.clock().instant())))
        .doesNotContain("MSFT");
  }

  @Test
  void withoutATokenTheAnswerIs401WithAChallenge() throws Exception {
    TickersApi anonymous = new TickersApi(client(null));
    ApiException refused =
        catchThrowableOfType(
            ApiException.class,
            () -> anonymous.bufferTickers(new BufferRequest().tickers(List.of("AAPL"))));
    assertThat(refused.getCode()).isEqualTo(401);
    assertThat(refused.getResponseHeaders().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(error(refused).getError().getCode()).isEqualTo("unauthorized");
  }

  @Test
  void anErrorCodeTheClientDoesNotKnowStillReads() throws Exception {
    // The document lists the known codes but keeps the set open, so a code added by a later
    // server reads as a string instead of failing the client's deserialisation.
    ObjectMapper mapper = JSON.getDefault().getMapper();
    ErrorResponse later =
        mapper.readValue(
            "{\"error\":{\"code\":\"a_code_added_later\",\"message\":\"m\"}}", ErrorResponse.class);
    assertThat(later.getError().getCode()).isEqualTo("a_code_added_later");
  }
}
