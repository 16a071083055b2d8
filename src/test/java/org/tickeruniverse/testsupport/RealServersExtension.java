package org.tickeruniverse.testsupport;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The extension behind {@link RealServers}: one pair of servers per top-level test class. */
public final class RealServersExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(RealServersExtension.class);

  /** The pair of one test class; closing it closes both. */
  record Servers(RedisServer redis, MariaDbServer mariadb) implements AutoCloseable {
    static Servers start() {
      CompletableFuture<RedisServer> redis = CompletableFuture.supplyAsync(RedisServer::create);
      CompletableFuture<MariaDbServer> mariadb =
          CompletableFuture.supplyAsync(MariaDbServer::create);
      try {
        return new Servers(redis.join(), mariadb.join());
      } catch (RuntimeException e) {
        redis.thenAccept(RedisServer::close);
        mariadb.thenAccept(MariaDbServer::close);
        throw e;
      }
    }

    @Override
    public void close() {
      try (redis;
          mariadb) {
        // both closed, also when one fails
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    servers(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // only this class's own store: a @Nested class must not close its enclosing class's servers
    if (context.getParent().flatMap(ExtensionContext::getTestClass).isEmpty()) {
      Servers s = context.getStore(NAMESPACE).remove(Servers.class, Servers.class);
      if (s != null) {
        s.close();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == RedisServer.class || type == MariaDbServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Servers s = servers(context);
    return parameter.getParameter().getType() == RedisServer.class ? s.redis() : s.mariadb();
  }

  /** The servers of the outermost test class of {@code context}, started on first use. */
  private static Servers servers(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getParent().flatMap(ExtensionContext::getTestClass).isPresent()) {
      c = c.getParent().get();
    }
    return c.getStore(NAMESPACE)
        .getOrComputeIfAbsent(Servers.class, k -> Servers.start(), Servers.class);
  }
}
