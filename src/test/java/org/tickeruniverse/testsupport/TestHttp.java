package org.tickeruniverse.testsupport;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The JDK HTTP client as the service's callers speak: HTTP/1.1 (the JDK default asks for an h2c
 * upgrade on each new connection; that path has its own regression test).
 */
public final class TestHttp {

  private TestHttp() {}

  public static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }
}
