package org.tickeruniverse.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;

/**
 * Enforces one operation's {@link AccessPolicy}: 401 (with {@code WWW-Authenticate: Bearer}) for a
 * missing or unknown token, 403 for a caller or proxy token on an admin operation; and notes for
 * the handler whether the token is a proxy token. Runs first on the route, before the body is read
 * or validated. The token is never stored, logged or echoed.
 *
 * <p>A {@link SecurityPolicyHandler} rather than an {@code AuthenticationHandler} on purpose:
 * vertx-web orders a route's handlers by kind and puts authentication <em>after</em> the body
 * handler (form and JSON logins need the body). A bearer token is a header, so checking it first
 * means nobody unauthenticated gets a body buffered at all.
 */
final class AuthHandler implements SecurityPolicyHandler {

  /**
   * Routing-context key: whether the authenticated token is a proxy token, which alone may name a
   * {@code contributor} (docs/DESIGN.md#contributors). Absent when authentication is off.
   */
  static final String MAY_NAME_CONTRIBUTOR = "tu.mayNameContributor";

  /**
   * Routing-context key: the SHA-256 of the authenticated token (never the token), hashed once here
   * and reused by the per-token rate limit. Absent when authentication is off.
   */
  static final String TOKEN_DIGEST = "tu.tokenDigest";

  private final BearerTokens tokens;
  private final AccessPolicy policy;

  AuthHandler(BearerTokens tokens, AccessPolicy policy) {
    this.tokens = tokens;
    this.policy = policy;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (policy == AccessPolicy.OPEN) {
      ctx.next();
      return;
    }
    String token = BearerTokens.bearer(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    byte[] digest = token == null ? null : BearerTokens.digest(token);
    BearerTokens.Grants grants =
        digest == null ? BearerTokens.Grants.NONE : tokens.grantsOfDigest(digest);
    if (!grants.valid()) {
      ctx.fail(
          ApiError.unauthorized(
              token == null
                  ? "a bearer token is required (Authorization: Bearer <token>)"
                  : "the bearer token is not valid"));
    } else if (policy == AccessPolicy.ADMIN && !grants.admin()) {
      ctx.fail(ApiError.forbidden("this operation needs an admin token"));
    } else {
      ctx.put(MAY_NAME_CONTRIBUTOR, grants.proxy());
      ctx.put(TOKEN_DIGEST, digest);
      ctx.next();
    }
  }
}
