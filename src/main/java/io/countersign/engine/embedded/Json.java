package io.countersign.engine.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;

/** JSON for stored variables and headers; floats stay BigDecimal so money keeps its precision. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("variable value is not JSON-serialisable: " + e.getOriginalMessage(), e);
        }
    }

    static Object read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt stored JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> readStringMap(String json) {
        return json == null ? Map.of() : (Map<String, String>) read(json);
    }

    @SuppressWarnings("unchecked")
    static List<String> readStringList(String json) {
        return json == null ? List.of() : (List<String>) read(json);
    }
}
