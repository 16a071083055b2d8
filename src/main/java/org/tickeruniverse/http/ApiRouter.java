package org.tickeruniverse.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.tickeruniverse.metrics.ServiceMetrics;

/**
 * Builds the router from the OpenAPI document: every operation of the document becomes a route, and
 * no other route exists. The build fails when an operation has no handler or a handler names an
 * operation the document lacks, so code and contract cannot drift apart silently.
 *
 * <p>Each route's chain, in this order (the builder's own security and validation are switched off
 * so the order is ours):
 *
 * <ol>
 *   <li>tag the route for the access log;
 *   <li>{@link AuthHandler} per the operation's {@code security} (skipped for open operations and
 *       when authentication is disabled) — before the body is read, so nobody unauthenticated gets
 *       a body buffered;
 *   <li>the operation's before-body handler, if any (the per-token buffer rate, 429);
 *   <li>for operations with a request body: the {@link BodyHandler} with the configured limit
 *       (413), then {@link JsonBodyGuard} (415, or 400 for bytes that are not UTF-8 or not strict
 *       JSON; for the ticker operations also the one pass of {@link TickersBody} that checks the
 *       body against the document's schema and reads its tickers);
 *   <li>{@link ContractValidation} against the document (400; a ticker body the one pass found
 *       conforming skips the schema engine);
 *   <li>the operation's handler.
 * </ol>
 *
 * Before all routes: the access log. After: {@link ErrorResponder} as failure handler and as the
 * error handler for 400/404/405/413/415/500/503.
 */
final class ApiRouter {

  private ApiRouter() {}

  /**
   * @param tokens null when authentication is disabled (every operation is then open)
   */
  static Router build(
      Vertx vertx,
      OpenAPIContract contract,
      Map<String, Handler<RoutingContext>> handlers,
      BearerTokens tokens,
      ServiceMetrics metrics,
      int bodyLimitBytes) {
    return build(vertx, contract, handlers, Map.of(), tokens, metrics, bodyLimitBytes);
  }

  /**
   * @param beforeBody by operationId: a handler run right after authentication and before the body
   *     is read (the per-token buffer rate: a refused request costs no body buffering); a {@link
   *     SecurityPolicyHandler} for the reason {@link AuthHandler} is one: vertx-web puts plain
   *     handlers after the body handler
   */
  static Router build(
      Vertx vertx,
      OpenAPIContract contract,
      Map<String, Handler<RoutingContext>> handlers,
      Map<String, SecurityPolicyHandler> beforeBody,
      BearerTokens tokens,
      ServiceMetrics metrics,
      int bodyLimitBytes) {
    Map<String, Handler<RoutingContext>> unbound = new HashMap<>(handlers);
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RequestValidator validator = RequestValidator.create(vertx, contract);
    AccessLog accessLog = new AccessLog(metrics);
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor).rootHandler(accessLog);

    Map<String, Set<HttpMethod>> methodsByPath = new HashMap<>();
    for (Operation operation : contract.operations()) {
      String id = operation.getOperationId();
      Handler<RoutingContext> handler = unbound.remove(id);
      if (handler == null) {
        throw new IllegalStateException("the OpenAPI operation '" + id + "' has no handler");
      }
      methodsByPath
          .computeIfAbsent(
              operation.getOpenAPIPath(),
              p -> new TreeSet<>((a, b) -> a.name().compareTo(b.name())))
          .add(operation.getHttpMethod());

      OpenAPIRoute route = builder.getRoute(id).setDoSecurity(false).setDoValidation(false);
      route.addHandler(accessLog.tag(operation.getHttpMethod(), operation.getOpenAPIPath()));
      AccessPolicy policy = AccessPolicy.of(operation, contract.getRawContract());
      if (policy != AccessPolicy.OPEN && tokens != null) {
        route.addHandler(new AuthHandler(tokens, policy));
      }
      SecurityPolicyHandler early = beforeBody.get(id);
      if (early != null) {
        route.addHandler(early);
      }
      boolean hasBody = operation.getRequestBody() != null;
      // A ticker body's schema, compiled for the one-pass reader; fails the build on a keyword
      // the reader does not implement.
      TickersBody.Schema bodySchema = TickersBody.Schema.of(operation);
      if (hasBody) {
        route.addHandler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes));
        route.addHandler(
            new JsonBodyGuard(operation.getRequestBody().getContent().keySet(), bodySchema));
      }
      if (hasBody || !onlyUnconstrainedHeaders(operation)) {
        route.addHandler(new ContractValidation(validator, extractor, operation, bodySchema));
      }
      route.addHandler(handler);
    }
    if (!unbound.isEmpty()) {
      throw new IllegalStateException(
          "handlers for operations the OpenAPI document lacks: " + unbound.keySet());
    }

    Router router = builder.createRouter();
    ErrorResponder errors = new ErrorResponder(methodsByPath);
    router.route().failureHandler(errors);
    for (int status : List.of(400, 401, 403, 404, 405, 413, 415, 429, 500, 503)) {
      router.errorHandler(status, errors);
    }
    return router;
  }

  /**
   * Whether every parameter of a body-less operation is an optional header whose schema is a plain
   * string (the universe's {@code If-None-Match}, which its handler reads): the validator could
   * refuse no request then, so the route skips it rather than run the schema engine on every GET.
   */
  static boolean onlyUnconstrainedHeaders(Operation operation) {
    for (Parameter parameter : operation.getParameters()) {
      if (parameter.getIn() != Location.HEADER
          || parameter.isRequired()
          || parameter.getSchema() == null
          || !PLAIN_STRING.equals(
              parameter.getSchema().fieldNames().stream()
                  .filter(JsonSchema.EXCLUDE_ANNOTATIONS)
                  .collect(Collectors.toSet()))
          || !"string".equals(parameter.getSchema().get("type"))) {
        return false;
      }
    }
    return true;
  }

  private static final Set<String> PLAIN_STRING = Set.of("type");
}
