package org.tickeruniverse.http;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.Addresses;
import org.tickeruniverse.bus.ErrorCode;
import org.tickeruniverse.bus.Messages;
import org.tickeruniverse.privacy.ContributorKey;
import org.tickeruniverse.ticker.TickerBatch;

/**
 * The operations that are thin adapters onto the event-bus API (docs/DESIGN.md#interfaces → bus
 * addresses). Ticker operations validate with {@link TickerBatch} — the one grammar, also applied
 * by the consumers — and forward only the normalised list, so an invalid request never reaches the
 * bus. Failures of the request (time-out, no handler, a consumer's 4xx/503) go to the failure
 * handler as they are.
 */
final class BusEndpoints {

  private static final Logger LOG = LoggerFactory.getLogger(BusEndpoints.class);

  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final DeliveryOptions adminDelivery;
  private final int maxTickers;
  private final boolean authDisabled;

  /**
   * @param adminTimeoutMillis for flush and evict, which may run for minutes (catching up many
   *     buckets, evicting half a table): a 503 while the job still runs would be a false alarm
   * @param authDisabled no tokens at all (loopback only): whoever can connect is trusted like a
   *     proxy and may name contributors
   */
  BusEndpoints(
      EventBus bus,
      long timeoutMillis,
      long adminTimeoutMillis,
      int maxTickers,
      boolean authDisabled) {
    this.authDisabled = authDisabled;
    this.bus = bus;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMillis);
    this.adminDelivery = new DeliveryOptions().setSendTimeout(adminTimeoutMillis);
    this.maxTickers = maxTickers;
  }

  /**
   * POST {"tickers":[…]} → {@code address} → {@code status} with {@code {field: n}}. Only the count
   * field of the reply is passed on, so the answer has exactly the documented shape.
   */
  Handler<RoutingContext> tickers(String address, int status, String field) {
    return ctx -> {
      TickerBatch batch = batch(ctx);
      forward(ctx, address, status, field, Messages.tickersRequest(batch.tickers()));
    };
  }

  /**
   * The tickers of a body JsonBodyGuard read in one pass and ContractValidation let through (so
   * read, and conforming): too many or an invalid one throw {@link
   * org.tickeruniverse.ticker.InvalidTickersException}, a 400 naming them.
   */
  private TickerBatch batch(RoutingContext ctx) {
    TickersBody.Reading reading = TickersBody.reading(ctx);
    if (reading == null || !reading.conforms()) {
      throw new IllegalStateException("a ticker body reached its handler unread"); // a wiring bug
    }
    return reading.tickers().finish(maxTickers);
  }

  /**
   * POST buffer: as {@link #tickers}, on behalf of a contributor — the caller's token, or, for a
   * proxy token only, the user it names in {@code contributor} — sent as an unkeyed digest only
   * (the bus never carries a token; the BufferVerticle applies the daily keyed hash):
   * docs/DESIGN.md#contributors. A token that is not a proxy token naming a contributor is refused
   * with 403 {@code contributor_not_allowed}: otherwise one caller could count as many.
   */
  Handler<RoutingContext> buffer() {
    return ctx -> {
      TickerBatch batch = batch(ctx);
      String proxied = TickersBody.reading(ctx).contributor();
      // The contract checked the field's shape; checked again with the one definition, which a
      // schema pattern cannot quite say ('$' also matches before a final line break).
      if (proxied != null && !ContributorKey.isValidContributor(proxied)) {
        ctx.fail(
            ApiError.invalidInput(
                "'"
                    + Messages.CONTRIBUTOR
                    + "' must be 1-"
                    + ContributorKey.MAX_LENGTH
                    + " printable ASCII characters",
                List.of()));
        return;
      }
      if (proxied != null
          && !authDisabled
          && !Boolean.TRUE.equals(ctx.get(AuthHandler.MAY_NAME_CONTRIBUTOR))) {
        ctx.fail(
            ApiError.of(
                ErrorCode.CONTRIBUTOR_NOT_ALLOWED,
                "only a proxy token may name a '" + Messages.CONTRIBUTOR + "'"));
        return;
      }
      String token = BearerTokens.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
      String contributor =
          token == null && proxied == null ? null : ContributorKey.callerDigest(token, proxied);
      forward(
          ctx,
          Addresses.BUFFER,
          202,
          Messages.BUFFERED,
          Messages.bufferRequest(batch.tickers(), contributor));
    };
  }

  private void forward(
      RoutingContext ctx, String address, int status, String field, JsonObject request) {
    bus.<JsonObject>request(address, request, delivery)
        .onSuccess(
            reply -> {
              Object count = reply.body() == null ? null : reply.body().getValue(field);
              if (!(count instanceof Number n)) {
                LOG.warn("reply from {} lacks the number '{}'", address, field);
                ctx.fail(ApiError.internal());
                return;
              }
              json(ctx, status, Messages.count(field, n.longValue()));
            })
        .onFailure(ctx::fail);
  }

  /**
   * Admin POST (no body) → {@code address} with {@code {}} → 200 with the reply as it is. The job
   * may run for minutes without a byte on the connection, so the connection's idle time-out is
   * lifted first ({@link #outliveIdleTimeout}); {@code http.adminTimeoutMillis} bounds the wait.
   */
  Handler<RoutingContext> command(String address) {
    return ctx -> {
      outliveIdleTimeout(ctx);
      bus.<JsonObject>request(address, new JsonObject(), adminDelivery)
          .onSuccess(
              reply -> json(ctx, 200, reply.body() == null ? new JsonObject() : reply.body()))
          .onFailure(ctx::fail);
    };
  }

  /**
   * The server's idle time-out (for idle keep-alive connections and stalled uploads) counts a
   * request in progress as idle too, and would close the connection under a job that runs longer,
   * so the caller would get no answer for work that ran (docs/OPERATIONS.md#admin-operations).
   * Vert.x 5.0.7 has no per-request idle time-out: this connection's Netty idle handler is removed
   * (internal API, {@code ConnectionBase.channel()}), and the connection closes after the answer,
   * so it never idles unbounded afterwards.
   */
  static void outliveIdleTimeout(RoutingContext ctx) {
    if (ctx.request().connection() instanceof ConnectionBase connection) {
      ChannelPipeline pipeline = connection.channel().pipeline();
      IdleStateHandler idle = pipeline.get(IdleStateHandler.class);
      if (idle != null) {
        pipeline.remove(idle);
      }
    }
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return; // the caller went away while the bus was busy
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.toBuffer());
  }
}
