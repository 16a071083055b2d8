package org.tickeruniverse.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real {@link RedisServer} and {@link MariaDbServer}, started in parallel
 * before its first test and closed after its last; constructors, lifecycle methods and tests
 * receive them as parameters. {@code @Nested} classes share their enclosing class's servers.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RealServersExtension.class)
public @interface RealServers {}
