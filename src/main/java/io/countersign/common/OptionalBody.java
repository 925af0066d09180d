package io.countersign.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint whose JSON body may be left out (cancel's reason): then it needs no
 * {@code Content-Type} either ({@link RequireContentType}). Mark its OpenAPI
 * {@code @RequestBody(required = false)} too; ContentTypeRuleTest holds the two together.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OptionalBody {
}
