package io.countersign.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** RFC 9457 problem details body, with an {@code errors} extension listing bad fields. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    /** Media type of every error response. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** Base of the {@code type} URIs; each is documented in docs/api.md#errors. */
    public static final String TYPE_BASE = "https://countersign.dev/problems/";

    /** One invalid field: a JSON pointer-like path and what is wrong with it. */
    public record FieldError(String field, String message) {
    }

    static String typeUri(String type) {
        return TYPE_BASE + type;
    }
}
