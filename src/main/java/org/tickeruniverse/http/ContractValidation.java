package org.tickeruniverse.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.InputTrustHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import org.tickeruniverse.bus.ErrorCode;

/**
 * Validates a request against its operation in the OpenAPI document — the same extractor and
 * validator the router builder would install. It is added by hand (the builder's own validation is
 * switched off per route) so that it runs <em>after</em> authentication: an unauthenticated caller
 * learns nothing about what a valid body looks like, and no body is buffered for them.
 *
 * <p>A failure goes to the failure handler as a {@link ValidatorException}; {@link #describe} turns
 * it into a 400 whose message says where the body is wrong.
 */
final class ContractValidation implements InputTrustHandler {

  private final RequestValidator validator;
  private final RequestExtractor extractor;
  private final Operation operation;

  /** What the document lets the operation's body hold, decided once per route. */
  private final TickersBody.Shape shape;

  ContractValidation(RequestValidator validator, RequestExtractor extractor, Operation operation) {
    this.validator = validator;
    this.extractor = extractor;
    this.operation = operation;
    this.shape = TickersBody.Shape.of(operation);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (TickersBody.plainlyValid(ctx, shape)) {
      // The hot path (every upload): a body that plainly has the documented shape (as read by
      // JsonBodyGuard) skips the schema engine, which builds a validator per request
      // (docs/PERFORMANCE.md#plain-ticker-bodies-skip-the-schema-engine). Sound by test
      // (TickersBodyTest): whatever passes here passes the document's schema too; everything
      // else still goes through the document, which words the 400.
      ctx.next();
      return;
    }
    try {
      extractor
          .extractValidatableRequest(ctx, operation)
          .compose(request -> validator.validate(request, operation.getOperationId()))
          .onSuccess(
              validated -> {
                ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
                ctx.next();
              })
          .onFailure(ctx::fail);
    } catch (RuntimeException e) {
      // A body the extractor cannot even parse fails synchronously in some versions.
      ctx.fail(e);
    }
  }

  /**
   * A 400 naming the place in the body that is wrong. The validator's error list starts with
   * aggregate complaints ("property does not match schema"); the leaf error at the deepest location
   * ("Instance type string is invalid. Expected array" at /tickers) is the useful one. A body that
   * cannot be decoded at all is reported as malformed JSON.
   */
  static ApiError describe(ValidatorException e) {
    return switch (e.type()) {
      case ILLEGAL_VALUE -> ApiError.malformedJson(); // "The request body can't be decoded"
      case UNSUPPORTED_VALUE_FORMAT ->
          ApiError.of(
              ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the request body must be application/json");
      case MISSING_REQUIRED_PARAMETER ->
          ApiError.invalidInput("a JSON request body is required", List.of());
      default ->
          ApiError.invalidInput(
              "the request body does not match the API contract" + where(e), List.of());
    };
  }

  private static String where(ValidatorException e) {
    if (!(e instanceof SchemaValidationException schema) || schema.getOutputUnit() == null) {
      return "";
    }
    OutputUnit root = schema.getOutputUnit();
    List<OutputUnit> errors =
        root.getErrors() == null || root.getErrors().isEmpty() ? List.of(root) : root.getErrors();
    OutputUnit best = null;
    for (OutputUnit candidate : errors) {
      if (best == null || rank(candidate) > rank(best)) {
        best = candidate;
      }
    }
    String location =
        best.getInstanceLocation() == null ? "" : best.getInstanceLocation().replaceFirst("^#", "");
    String reason = best.getError() == null ? "" : " (" + best.getError() + ")";
    return ": " + (location.isEmpty() ? "the body" : location) + reason;
  }

  /** Leaf errors beat aggregates; deeper locations beat shallower ones. */
  private static int rank(OutputUnit unit) {
    String error = unit.getError() == null ? "" : unit.getError();
    boolean aggregate = error.contains("does not match") || error.contains("did not match");
    int depth = unit.getInstanceLocation() == null ? 0 : unit.getInstanceLocation().length();
    return (aggregate ? 0 : 100_000) + depth;
  }
}
