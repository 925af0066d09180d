package io.countersign.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExpiringMapTest {

    @Test
    void anEntryLivesUntilItsExpiry() {
        ExpiringMap<String, String> m = new ExpiringMap<>(10);
        m.put("a", "1", 100);
        assertThat(m.get("a", 99)).isEqualTo("1");
        assertThat(m.get("a", 100)).isNull();
        assertThat(m.get("a", 50)).as("an expired entry is dropped, not revived").isNull();
    }

    @Test
    void comparesTimesAcrossOverflow() {
        ExpiringMap<String, String> m = new ExpiringMap<>(10);
        m.put("a", "1", Long.MIN_VALUE + 5); // Long.MAX_VALUE + 6 wrapped around
        assertThat(m.get("a", Long.MAX_VALUE)).isEqualTo("1");
    }

    @Test
    void startsOverWhenFullAndRemovesOnRequest() {
        ExpiringMap<String, String> m = new ExpiringMap<>(2);
        m.put("a", "1", 100);
        m.put("b", "2", 100);
        m.put("c", "3", 100);
        assertThat(m.get("a", 0)).isNull();
        assertThat(m.get("c", 0)).isEqualTo("3");
        m.remove("c");
        assertThat(m.get("c", 0)).isNull();
    }
}
