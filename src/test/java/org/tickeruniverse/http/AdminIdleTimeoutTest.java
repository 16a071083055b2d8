package org.tickeruniverse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tickeruniverse.config.ConfigLoader;
import org.tickeruniverse.testsupport.TestHttp;

/**
 * An admin job that runs longer than the server's idle time-out still gets its answer: the idle
 * time-out (30 s in service, 200 ms here) would otherwise close the connection under the job
 * (docs/OPERATIONS.md#admin-operations). The control route waits the same without lifting it and
 * loses its connection, which shows the idle time-out is really shorter than the job.
 */
class AdminIdleTimeoutTest {

  static final long IDLE_MILLIS = 200;
  static final long JOB_MILLIS = 3 * IDLE_MILLIS;

  static Vertx vertx;
  static HttpServer server;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            "test.slowJob",
            msg -> vertx.setTimer(JOB_MILLIS, t -> msg.reply(new JsonObject().put("flushed", 1))));
    BusEndpoints bus = new BusEndpoints(vertx.eventBus(), 5000, 10_000, 1000, true);
    Router router = Router.router(vertx);
    router.post("/admin").handler(bus.command("test.slowJob"));
    router
        .post("/control")
        .handler(
            ctx ->
                vertx
                    .eventBus()
                    .<JsonObject>request("test.slowJob", new JsonObject())
                    .onSuccess(reply -> BusEndpoints.json(ctx, 200, reply.body())));
    var http =
        ConfigLoader.load(java.util.List.of(), java.util.Map.of("TU_AUTH_DISABLED", "true")).http();
    server =
        vertx
            .createHttpServer(
                HttpVerticle.serverOptions(http)
                    .setPort(0)
                    .setIdleTimeout((int) IDLE_MILLIS)
                    .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
            .requestHandler(router)
            .listen()
            .await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static HttpResponse<String> post(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return TestHttp.client().send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anAdminJobLongerThanTheIdleTimeOutIsAnsweredAndItsConnectionThenCloses() throws Exception {
    HttpResponse<String> response = post("/admin");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getInteger("flushed")).isEqualTo(1);
    assertThat(response.headers().firstValue("connection")).hasValue("close");
  }

  @Test
  void withoutLiftingItTheIdleTimeOutClosesTheConnectionUnderTheJob() {
    assertThatThrownBy(() -> post("/control")).isInstanceOf(IOException.class);
  }
}
