package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Assertions on HTTP answers shared by the tests. */
final class Answers {

  private Answers() {}

  static JsonObject json(HttpResponse<byte[]> response) {
    return new JsonObject(Buffer.buffer(response.body()));
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /**
   * The uniform error shape: {@code
   * {"error":{"code","message"[,"offenders"][,"retryAfterSeconds"]}}} and nothing else, JSON
   * content type, and no trace of the implementation in the text.
   */
  static JsonObject assertError(HttpResponse<byte[]> response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", text(response)).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonObject body = json(response);
    assertThat(body.fieldNames()).containsExactly("error");
    JsonObject error = body.getJsonObject("error");
    assertThat(error.fieldNames())
        .containsAnyOf("code")
        .isSubsetOf("code", "message", "offenders", "retryAfterSeconds");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    // Offenders echo the caller's own input back (which may well say "DROP TABLE"); the rest is
    // ours.
    JsonObject ours = error.copy();
    ours.remove("offenders");
    assertNoImplementationDetails(ours.encode() + response.headers().map());
    if (status == 503) {
      assertThat(response.headers().firstValue("retry-after")).isPresent();
    }
    if (status == 401) {
      assertThat(response.headers().firstValue("www-authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
    return error;
  }

  /** No stack trace, class name, package or SQL keyword of ours in an answer. */
  static void assertNoImplementationDetails(String text) {
    assertThat(text)
        .doesNotContain(
            "Exception",
            "\tat ",
            "org.tickeruniverse",
            "io.vertx",
            "java.",
            "ticker_universe",
            "INSERT",
            "ON DUPLICATE",
            "127.0.0.1");
  }
}
