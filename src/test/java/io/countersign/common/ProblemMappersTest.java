package io.countersign.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a 400 says a JSON value must be when it did not map to the field's type. */
class ProblemMappersTest {

    enum Plain { EXECUTED, EXECUTION_FAILED }

    enum Renamed {
        @JsonProperty("auto-approve")
        AUTO_APPROVE,
        DENY
    }

    record Quotas(Integer requestsPerMinute) {
    }

    @Test
    void anEnumListsItsValuesAsJsonSpellsThem() {
        assertEquals("must be one of EXECUTED, EXECUTION_FAILED", ProblemMappers.expected(Plain.class));
        assertEquals("must be one of auto-approve, DENY", ProblemMappers.expected(Renamed.class));
    }

    @Test
    void otherTypesSayWhatKindOfValueIsExpected() {
        assertEquals("must be a string", ProblemMappers.expected(String.class));
        assertEquals("must be a whole number", ProblemMappers.expected(Integer.class));
        assertEquals("must be a whole number", ProblemMappers.expected(long.class));
        assertEquals("must be a number", ProblemMappers.expected(BigDecimal.class));
        assertEquals("must be a number", ProblemMappers.expected(double.class));
        assertEquals("must be true or false", ProblemMappers.expected(Boolean.class));
        assertEquals("must be an array", ProblemMappers.expected(List.class));
        assertEquals("must be an object", ProblemMappers.expected(Quotas.class));
        assertEquals("must be an object", ProblemMappers.expected(Map.class));
        assertEquals("has the wrong type or format", ProblemMappers.expected(null));
    }
}
