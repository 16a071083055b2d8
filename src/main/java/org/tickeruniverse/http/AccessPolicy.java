package org.tickeruniverse.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;

/**
 * Who may call an operation, read from its {@code security} requirement in the OpenAPI document (so
 * the document and the enforcement cannot disagree):
 *
 * <ul>
 *   <li>{@code security: []} → {@link #OPEN};
 *   <li>{@code - bearerAuth: []} → {@link #CALLER} (caller or admin token);
 *   <li>{@code - bearerAuth: [admin]} → {@link #ADMIN} (OpenAPI 3.1 allows role names here).
 * </ul>
 *
 * Fails closed: an operation without any requirement (its own or the document's) needs a caller
 * token, and an unknown scheme stops the build rather than being ignored.
 */
enum AccessPolicy {
  OPEN,
  CALLER,
  ADMIN;

  static final String SCHEME = "bearerAuth";
  static final String ADMIN_ROLE = "admin";

  static AccessPolicy of(Operation operation, JsonObject rawContract) {
    JsonArray requirements =
        operation.getOpenAPIModel().getJsonArray("security", rawContract.getJsonArray("security"));
    if (requirements == null) {
      return CALLER;
    }
    if (requirements.isEmpty()) {
      return OPEN;
    }
    // Requirements are alternatives: the weakest one decides.
    AccessPolicy weakest = ADMIN;
    for (Object entry : requirements) {
      JsonObject requirement = (JsonObject) entry;
      AccessPolicy policy = OPEN;
      for (String scheme : requirement.fieldNames()) {
        if (!SCHEME.equals(scheme)) {
          throw new IllegalStateException(
              "operation "
                  + operation.getOperationId()
                  + " names security scheme '"
                  + scheme
                  + "', only '"
                  + SCHEME
                  + "' is implemented");
        }
        JsonArray roles = requirement.getJsonArray(scheme, new JsonArray());
        policy = roles.contains(ADMIN_ROLE) ? ADMIN : CALLER;
      }
      if (policy.ordinal() < weakest.ordinal()) {
        weakest = policy;
      }
    }
    return weakest;
  }
}
