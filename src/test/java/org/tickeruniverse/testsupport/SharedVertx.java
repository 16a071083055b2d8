package org.tickeruniverse.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Vert.x for a test class, closed after its last test and its {@code @AfterAll} methods:
 * {@code @RegisterExtension static final SharedVertx VERTX = new SharedVertx();}. {@link #on} runs
 * a call on one event-loop context, as the jobs run in the service, and waits (bounded) for it.
 */
public final class SharedVertx implements AfterAllCallback {

  private final Vertx vertx = Vertx.vertx();
  private final Context loop = vertx.getOrCreateContext();

  public Vertx vertx() {
    return vertx;
  }

  /** The one event-loop context {@link #on} runs on (fakes that answer on it take it too). */
  public Context loop() {
    return loop;
  }

  /** {@code call} started on the loop; returns its outcome, succeeded or failed, once complete. */
  public <T> Future<T> on(Supplier<Future<T>> call) throws Exception {
    Future<T> outcome =
        Future.future(p -> loop.runOnContext(x -> call.get().onComplete(p::handle)));
    outcome.transform(ar -> Future.succeededFuture()).await(20, TimeUnit.SECONDS);
    return outcome;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
