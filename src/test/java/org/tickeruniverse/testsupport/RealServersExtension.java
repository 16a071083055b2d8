package org.tickeruniverse.testsupport;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension behind {@link RealServers @RealServers}: one {@link RedisServer} and one {@link
 * MariaDbServer} per test class (started in parallel, kept in the class-level {@link
 * ExtensionContext.Store}), resolved as parameters, closed after all tests of the class.
 *
 * <p>Servers are started in {@code beforeAll}, or earlier when a constructor of a
 * {@code @TestInstance(PER_CLASS)} class asks for them. A JVM shutdown hook stops whatever is still
 * running if the test JVM ends without {@code afterAll}.
 */
public final class RealServersExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(RealServersExtension.class);
  private static final String KEY = "servers";

  @Override
  public void beforeAll(ExtensionContext context) {
    servers(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Servers servers;
    try {
      // only this class's own store: a @Nested class must not stop its enclosing class's servers
      servers = context.getStore(NAMESPACE).remove(KEY, Servers.class);
    } catch (RuntimeException startFailure) {
      return; // starting failed; that failure has been reported already and nothing runs
    }
    if (servers != null) {
      servers.close();
    }
  }

  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Class<?> type = parameterContext.getParameter().getType();
    return type == RedisServer.class || type == MariaDbServer.class;
  }

  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    Servers servers = servers(extensionContext);
    Class<?> type = parameterContext.getParameter().getType();
    if (type == RedisServer.class) {
      return servers.redis;
    }
    if (type == MariaDbServer.class) {
      return servers.mariadb;
    }
    throw new ParameterResolutionException("unsupported parameter type " + type);
  }

  /** The servers of the test class of {@code context}, started on first use. */
  private static Servers servers(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    String database = database(classContext);
    return classContext
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            KEY, key -> Servers.start(database, classContext.getDisplayName()), Servers.class);
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  private static String database(ExtensionContext classContext) {
    for (Class<?> c = classContext.getTestClass().orElse(null);
        c != null;
        c = c.getEnclosingClass()) {
      Optional<RealServers> a = AnnotationSupport.findAnnotation(c, RealServers.class);
      if (a.isPresent()) {
        return a.get().database();
      }
    }
    return MariaDbServer.DEFAULT_DATABASE;
  }

  /** The pair of one test class. */
  static final class Servers implements AutoCloseable {
    final RedisServer redis;
    final MariaDbServer mariadb;

    private Servers(RedisServer redis, MariaDbServer mariadb) {
      this.redis = redis;
      this.mariadb = mariadb;
    }

    static Servers start(String database, String forWhom) {
      long t0 = System.nanoTime();
      CompletableFuture<RedisServer> redis =
          CompletableFuture.supplyAsync(RedisServer::create, Servers::daemon);
      CompletableFuture<MariaDbServer> mariadb =
          CompletableFuture.supplyAsync(() -> MariaDbServer.create(database), Servers::daemon);
      RedisServer r = null;
      MariaDbServer m = null;
      Throwable failure = null;
      try {
        r = redis.get();
      } catch (InterruptedException | ExecutionException e) {
        failure = unwrap(e);
      }
      try {
        m = mariadb.get();
      } catch (InterruptedException | ExecutionException e) {
        Throwable t = unwrap(e);
        if (failure == null) {
          failure = t;
        } else {
          failure.addSuppressed(t);
        }
      }
      if (failure != null) {
        if (failure instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        closeQuietly(r);
        closeQuietly(m);
        throw new ExtensionConfigurationException(
            "@RealServers: could not start Redis and MariaDB for "
                + forWhom
                + ": "
                + failure.getMessage(),
            failure);
      }
      System.err.printf(
          "[testsupport] %s and %s ready in %d ms for %s%n",
          r, m, (System.nanoTime() - t0) / 1_000_000, forWhom);
      return new Servers(r, m);
    }

    private static void daemon(Runnable task) {
      Thread t = new Thread(task, "testsupport-start");
      t.setDaemon(true);
      t.start();
    }

    private static Throwable unwrap(Throwable e) {
      Throwable t = e;
      while ((t instanceof ExecutionException || t instanceof CompletionException)
          && t.getCause() != null) {
        t = t.getCause();
      }
      return t;
    }

    private static void closeQuietly(AutoCloseable c) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("[testsupport] while cleaning up " + c + ": " + e);
        }
      }
    }

    /** Closes both, in parallel (a graceful MariaDB shutdown takes about a second). */
    @Override
    public void close() {
      CompletableFuture<Void> r = CompletableFuture.runAsync(redis::close, Servers::daemon);
      RuntimeException failure = null;
      try {
        mariadb.close();
      } catch (RuntimeException e) {
        failure = e;
      }
      try {
        r.join();
      } catch (CompletionException e) {
        RuntimeException t =
            e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        if (failure == null) {
          failure = t;
        } else {
          failure.addSuppressed(t);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
