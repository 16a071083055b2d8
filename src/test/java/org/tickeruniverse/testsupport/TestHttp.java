package org.tickeruniverse.testsupport;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The JDK HTTP client as the service's callers speak to it: HTTP/1.1, like Prometheus, curl and the
 * Python client (httpx). The JDK default asks for an h2c upgrade on each new connection; that path
 * has its own regression test, and the other tests should not depend on it.
 */
public final class TestHttp {

  private TestHttp() {}

  /** A new HTTP/1.1 client with a bounded connect time. */
  public static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }
}
