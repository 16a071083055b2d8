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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tickeruniverse.bus.ErrorCode;

/**
 * Validates a request against its operation in the OpenAPI document — the same extractor and
 * validator the router builder would install. It is added by hand (the builder's own validation is
 * switched off per route) so that it runs <em>after</em> authentication: an unauthenticated caller
 * learns nothing about what a valid body looks like, and no body is buffered for them.
 *
 * <p>For the ticker operations the body was already checked against the document's schema by the
 * one pass of {@link TickersBody}: a conforming body goes straight on, and only a refused one meets
 * the validator, which words the 400.
 *
 * <p>A failure goes to the failure handler as a {@link ValidatorException}; {@link #describe} turns
 * it into a 400 whose message says where the body is wrong.
 */
final class ContractValidation implements InputTrustHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ContractValidation.class);

  private final RequestValidator validator;
  private final RequestExtractor extractor;
  private final Operation operation;

  /** The compiled schema of a ticker body, read in one pass by {@link JsonBodyGuard}; or null. */
  private final TickersBody.Schema bodySchema;

  ContractValidation(
      RequestValidator validator,
      RequestExtractor extractor,
      Operation operation,
      TickersBody.Schema bodySchema) {
    this.validator = validator;
    this.extractor = extractor;
    this.operation = operation;
    this.bodySchema = bodySchema;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (bodySchema == null) {
      validate(ctx, ctx::next);
      return;
    }
    TickersBody.Reading reading = TickersBody.reading(ctx);
    if (reading != null && reading.conforms()) {
      // The hot path (every upload): JsonBodyGuard's one pass already checked the body against
      // the document's schema and read its tickers; the schema engine, which would decode the
      // body again and build a validator per request, is skipped
      // (docs/PERFORMANCE.md#one-pass-over-a-ticker-body). TickersBodyTest proves the pass and
      // the engine agree.
      ctx.next();
      return;
    }
    // Refused by the one pass: the engine words the 400, as it always has. Should it accept, the
    // reader and the document disagree (a keyword evaluated differently): still refused, the
    // reader being the check the handler's tickers come from.
    validate(
        ctx,
        () -> {
          LOG.error(
              "{}: the one-pass body reader refused a body the OpenAPI schema accepts;"
                  + " TickersBody and the document disagree",
              operation.getOperationId());
          ctx.fail(
              ApiError.invalidInput("the request body does not match the API contract", List.of()));
        });
  }

  /** The document's own check: {@code onValid} when it passes, the failure handler otherwise. */
  private void validate(RoutingContext ctx, Runnable onValid) {
    try {
      extractor
          .extractValidatableRequest(ctx, operation)
          .compose(request -> validator.validate(request, operation.getOperationId()))
          .onSuccess(
              validated -> {
                ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
                onValid.run();
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
