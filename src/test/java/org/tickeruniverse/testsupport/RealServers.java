package org.tickeruniverse.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class a real Redis and a real MariaDB, started (in parallel) before its
 * first test and stopped after its last, also when tests fail. Test methods, constructors and
 * {@code @BeforeAll}/{@code @BeforeEach}/{@code @AfterEach}/{@code @AfterAll} methods receive them
 * as parameters of type {@link RedisServer} and {@link MariaDbServer}. {@code @Nested} classes
 * share the servers of their enclosing class. See {@link RealServersExtension}.
 *
 * <pre>{@code
 * @RealServers
 * class FlushIT {
 *   @Test
 *   void flushes(RedisServer redis, MariaDbServer mariadb) { ... redis.url() ... mariadb.url() ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RealServersExtension.class)
public @interface RealServers {

  /**
   * The database name in {@link MariaDbServer#url()}. Not created by the test support: the
   * application creates it.
   */
  String database() default MariaDbServer.DEFAULT_DATABASE;
}
