package org.tickeruniverse.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.ticker.InvalidTickersException;

/**
 * The one place where failures become HTTP answers: {@code {"error":{"code","message"}}} (plus
 * {@code offenders}) with the status of docs/DESIGN.md#interfaces. Registered as the router's
 * failure handler and as its error handler for the statuses the router produces on its own (404,
 * 405, …).
 *
 * <p>What reaches a caller is chosen here, never copied from an exception: no stack trace, class
 * name, SQL or store address. Unexpected failures are logged by class and first frames only — an
 * exception's message may quote the request (a JSON parser's does), and logs carry no tickers.
 */
final class ErrorResponder implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  /** Store down or owner missing: a few seconds is long enough for a restart to be noticed. */
  static final int STORE_RETRY_AFTER_SECONDS = 5;

  private static final int MAX_MESSAGE_LENGTH = 300;

  /**
   * How long a refused oversized body may still arrive (and be discarded) before the connection
   * ends.
   */
  static final long LINGER_MILLIS = 500;

  /** OpenAPI path → methods it has; for the {@code Allow} header of a 405. */
  private final Map<String, Set<HttpMethod>> methodsByPath;

  ErrorResponder(Map<String, Set<HttpMethod>> methodsByPath) {
    this.methodsByPath = Map.copyOf(methodsByPath);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      // Too late for an error body: the status is on the wire. Cutting the connection is the
      // only honest signal left.
      response.reset();
      return;
    }
    ApiError error = classify(ctx.failure(), ctx.statusCode());
    if (error.status() == 405) {
      Set<HttpMethod> allowed = methodsByPath.get(stripTrailingSlash(ctx.normalizedPath()));
      if (allowed != null) {
        response.putHeader(
            HttpHeaders.ALLOW,
            allowed.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", ")));
      }
    }
    send(ctx, error);
  }

  /** Writes an error answer; usable outside the failure path too. */
  static void send(RoutingContext ctx, ApiError error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    JsonObject body =
        new JsonObject().put("code", error.code()).put("message", clip(error.getMessage()));
    if (!error.offenders().isEmpty()) {
      body.put("offenders", new JsonArray(List.copyOf(error.offenders())));
    }
    if (error.status() == ErrorCode.BUSY.code()
        || error.status() == ErrorCode.RATE_LIMITED.code()) {
      // A refused admin job says in the body too how long the other holder's lease has left; a
      // rate-limited caller when its next token is back.
      body.put(ErrorCode.RETRY_AFTER_SECONDS, error.retryAfterSeconds());
    }
    response
        .setStatusCode(error.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff");
    if (error.status() == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"ticker-universe\"");
    }
    if (error.retryAfterSeconds() > 0) {
      response.putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(error.retryAfterSeconds()));
    }
    boolean endConnection = error.status() == 413 && ctx.request().version() != HttpVersion.HTTP_2;
    if (endConnection) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    Future<Void> sent = response.end(new JsonObject().put("error", body).toBuffer());
    if (endConnection) {
      sent.onComplete(ar -> endAfterLingering(ctx));
    }
  }

  /**
   * The connection of a refused oversized body ends at once, not at the idle time-out: the rest of
   * the body is never wanted, and one open socket per hostile client for 30 s is a resource. It
   * lingers up to {@link #LINGER_MILLIS} reading and discarding what is still in flight (as web
   * servers do), because closing a socket with unread bytes resets it, and a reset can reach the
   * client before it read the 413. HTTP/2 refuses the stream alone; the connection stays.
   */
  private static void endAfterLingering(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long timer = ctx.vertx().setTimer(LINGER_MILLIS, id -> connection.close());
    request.handler(discarded -> {});
    request.endHandler(
        v -> {
          ctx.vertx().cancelTimer(timer);
          connection.close();
        });
    request.resume();
  }

  static ApiError classify(Throwable failure, int statusCode) {
    if (failure instanceof ApiError known) {
      return known;
    }
    if (failure instanceof InvalidTickersException invalid) {
      return ApiError.invalidInput(invalid.getMessage(), invalid.offenders());
    }
    if (failure instanceof DecodeException
        || (failure != null && failure.getCause() instanceof DecodeException)) {
      return ApiError.malformedJson();
    }
    if (failure instanceof ValidatorException invalid) {
      return ContractValidation.describe(invalid);
    }
    if (failure instanceof ReplyException reply) {
      return fromBus(reply);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : statusCode;
    return switch (status) {
      case 400 -> ApiError.of(ErrorCode.INVALID_INPUT, "bad request");
      case 401 -> ApiError.unauthorized("a valid bearer token is required");
      case 403 -> ApiError.forbidden("not allowed");
      case 404 -> ApiError.notFound("no such route");
      case 405 -> ApiError.of(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this route");
      case 413 -> ApiError.of(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is too large");
      case 415 ->
          ApiError.of(
              ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json");
      case 503 ->
          ApiError.unavailable(
              ErrorCode.STORE_UNAVAILABLE,
              "the service is temporarily unavailable",
              STORE_RETRY_AFTER_SECONDS);
      default -> {
        logUnexpected(failure, status);
        yield ApiError.internal();
      }
    };
  }

  /**
   * Event-bus failures carry our JSON details ({@link ErrorCode}); time-outs and no-handler are
   * 503.
   */
  static ApiError fromBus(ReplyException reply) {
    int status = ErrorCode.status(reply);
    JsonObject details = ErrorCode.details(reply);
    String code = details.getString("code", ErrorCode.INTERNAL.errorCode());
    return switch (status) {
      case 400 -> {
        JsonArray offenders = details.getJsonArray("offenders", new JsonArray());
        yield new ApiError(
            400,
            code,
            details.getString("message", "invalid input"),
            offenders.stream().map(String::valueOf).toList(),
            0);
      }
      case 403 ->
          new ApiError(403, code, details.getString("message", "not allowed"), List.of(), 0);
      case 409 ->
          ApiError.busy(
              details.getString("message", "another node is running this job"),
              Math.max(1, details.getInteger(ErrorCode.RETRY_AFTER_SECONDS, 1)));
      case 503 ->
          new ApiError(
              503,
              code,
              details.getString("message", "temporarily unavailable"),
              List.of(),
              STORE_RETRY_AFTER_SECONDS);
      default -> {
        LOG.warn(
            "event-bus request failed with code {} ({})", reply.failureCode(), reply.failureType());
        yield ApiError.internal();
      }
    };
  }

  private static void logUnexpected(Throwable failure, int status) {
    if (failure == null) {
      LOG.warn("request failed with status {} and no cause", status);
      return;
    }
    StackTraceElement[] frames = failure.getStackTrace();
    StringBuilder where = new StringBuilder();
    for (int i = 0; i < Math.min(5, frames.length); i++) {
      where.append("\n\tat ").append(frames[i]);
    }
    // Class and frames, not the message: a message may quote the request.
    LOG.error("unexpected failure {} (status {}){}", failure.getClass().getName(), status, where);
  }

  private static String clip(String message) {
    String m = message == null ? "" : message;
    return m.length() <= MAX_MESSAGE_LENGTH ? m : m.substring(0, MAX_MESSAGE_LENGTH) + "…";
  }

  static String stripTrailingSlash(String path) {
    return path != null && path.length() > 1 && path.endsWith("/")
        ? path.substring(0, path.length() - 1)
        : path;
  }
}
