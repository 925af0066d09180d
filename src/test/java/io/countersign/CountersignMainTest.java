package io.countersign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CountersignMainTest {

    @Test
    void dispatchesOfflineCommandsAndLeavesEverythingElseToTheServer() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(2, CountersignMain.command(new String[] { "verify-release" }, o, e), "usage error");
        assertEquals(2, CountersignMain.command(new String[] { "verify-audit" }, o, e), "usage error");
        assertEquals(2, CountersignMain.command(new String[] { "witness" }, o, e), "usage error, and no server started");
        assertEquals(2, CountersignMain.command(new String[] { "witness", "keygen" }, o, e), "usage error");
        assertTrue(err.toString(StandardCharsets.UTF_8).toLowerCase().contains("usage"));
        assertEquals(-1, CountersignMain.command(new String[] {}, o, e));
        assertEquals(-1, CountersignMain.command(new String[] { "--some-server-flag" }, o, e));
    }
}
