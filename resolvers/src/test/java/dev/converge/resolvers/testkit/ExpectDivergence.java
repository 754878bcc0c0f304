package dev.converge.resolvers.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * On a jqwik property that calls {@link Report#assertConverges}: the property passes when jqwik finds a history on
 * which the peers diverge (and shrinks it: the shrunk history is published in the test report), and fails when every
 * try converged — for a resolver documented not to converge in a mesh, so that the documentation is checked. Any other
 * failure stays a failure.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@AddLifecycleHook(ExpectDivergence.Hook.class)
public @interface ExpectDivergence {
    /** Turns the property's result around. Stateless. */
    final class Hook implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            PropertyExecutionResult result = property.execute();
            if (result.status() == PropertyExecutionResult.Status.SUCCESSFUL) {
                return result.mapToFailed("expected a history on which the peers diverge; all " + result.countTries() + " tries converged");
            }
            if (result.throwable().filter(Report.Divergence.class::isInstance).isPresent()) {
                result.falsifiedParameters().ifPresent(p -> context.reporter().publishValue("diverges on", String.valueOf(p)));
                return result.mapToSuccessful();
            }
            return result;
        }
    }
}
