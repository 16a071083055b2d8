package org.tickeruniverse.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives the test class a real {@link RedisServer} and {@link MariaDbServer}, started in parallel
 * when first asked for and closed after its last test (JUnit closes an {@link AutoCloseable} in the
 * class's store); constructors, lifecycle methods and tests receive them as parameters.
 * {@code @Nested} classes share their enclosing class's servers.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RealServers.Extension.class)
public @interface RealServers {

  /** The pair of one top-level test class; closing it closes both. */
  record Servers(RedisServer redis, MariaDbServer mariadb) implements AutoCloseable {
    static Servers start() {
      var redis = CompletableFuture.supplyAsync(RedisServer::create);
      var mariadb = CompletableFuture.supplyAsync(MariaDbServer::create);
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

  /** The extension behind the annotation. */
  final class Extension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      Class<?> type = parameter.getParameter().getType();
      return type == RedisServer.class || type == MariaDbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      ExtensionContext outermost = context;
      while (outermost.getParent().flatMap(ExtensionContext::getTestClass).isPresent()) {
        outermost = outermost.getParent().get();
      }
      Servers s =
          outermost
              .getStore(ExtensionContext.Namespace.create(Extension.class))
              .getOrComputeIfAbsent(Servers.class, k -> Servers.start(), Servers.class);
      return parameter.getParameter().getType() == RedisServer.class ? s.redis() : s.mariadb();
    }
  }
}
