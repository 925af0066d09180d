package io.countersign.common.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Makes the REST layer's ObjectMapper refuse duplicate keys, like {@link JsonSupport#MAPPER}
 * does for submissions. Without it a duplicate key inside a record (e.g. the admin API's
 * {@code quotas}) reached Jackson's creator binding, failed as an InvalidDefinitionException
 * and came back as an empty 500 (found by bench/fuzz.sh); now it is a 400 malformed-json. Enums
 * are read by name only.
 */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // an enum is spelled by name: 0 is not EXECUTED (Jackson would otherwise map a number to the n-th value)
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    }
}
