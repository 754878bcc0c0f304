package dev.converge.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs a test once per {@link dev.converge.dialect.Dialect}, named after it; the method takes the dialect as its
 * first parameter. Same as {@code @ParameterizedTest @EnumSource(Dialect.class)}, with readable names:
 *
 * <pre>{@code
 * @AllDialects
 * void appliesAnInsert(Dialect dialect) {
 *     DataSource db = TestDatabases.fresh(dialect, "apply");
 *     ...
 * }
 * }</pre>
 *
 * PostgreSQL runs are never skipped: without a server the test fails and says how to provide one.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ParameterizedTest(name = "{0}")
@EnumSource(dev.converge.dialect.Dialect.class)
public @interface AllDialects {}
