package io.countersign.common.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.common.json.JsonSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one rendering of untrusted text: what is marked, what is not, and how it is counted and escaped. */
class VisibleTextTest {

    @Test
    void aRightToLeftOverrideIsNamedInsteadOfReversingTheRest() {
        VisibleText.Rendering r = VisibleText.render("DELETE FROM accounts \u202E;-- 24 = di EREHW", TextKind.CODE);
        assertEquals("DELETE FROM accounts \u27E8U+202E\u27E9;-- 24 = di EREHW", r.plain());
        assertEquals(1, r.hidden());
        assertEquals(0, r.lookalike());
        assertEquals("U+202E RIGHT-TO-LEFT OVERRIDE", r.segments().get(1).description());
        assertEquals(VisibleText.Reason.DIRECTION, r.segments().get(1).reason());
    }

    @ParameterizedTest
    @ValueSource(ints = { 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F,
            0x061C, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xE0041, 0xE007F, 0x00AD, 0x3164, 0xFE00, 0xE0100,
            0x2028, 0x2029, 0x0007, 0x007F, 0x0085, 0xE000, 0x0378 })
    void marksEveryBidiControlInvisibleAndDefaultIgnorableCharacter(int cp) {
        String s = "a" + new String(Character.toChars(cp)) + "b";
        for (TextKind kind : TextKind.values()) {
            VisibleText.Rendering r = VisibleText.render(s, kind);
            assertEquals("a\u27E8" + String.format("U+%04X", cp) + "\u27E9b", r.plain(), kind.name());
            assertEquals(1, r.hidden() + r.lookalike(), kind.name());
        }
    }

    @Test
    void leavesOrdinaryTextEmojiAndOtherScriptsAlone() {
        for (String s : new String[] { "Müller GmbH", "Überweisung an Ζήνων", "東京の支店", "\u2714\uFE0F tests pass",
                "line one\nline two\tend", "Сбербанк", "" }) {
            VisibleText.Rendering r = VisibleText.render(s, TextKind.TEXT);
            assertEquals(s, r.plain());
            assertFalse(r.marked(), s);
        }
        assertEquals("Müller GmbH", VisibleText.plain("Müller GmbH", TextKind.NAME));
        assertEquals("Сбербанк", VisibleText.plain("Сбербанк", TextKind.NAME), "one script, not ASCII-like");
    }

    @Test
    void variationSelectorsAreMarkedWhereTheyChangeNothing() {
        assertEquals("a\u27E8U+FE0F\u27E9", VisibleText.plain("a\uFE0F"));
        assertEquals("\u2764\uFE0F", VisibleText.plain("\u2764\uFE0F"), "emoji presentation of a heart is visible");
    }

    @Test
    void mixedScriptLookAlikesInNamesAreMarked() {
        VisibleText.Rendering acme = VisibleText.render("ACM\u0415 Bank", TextKind.NAME);
        assertEquals("ACM\u27E8U+0415\u27E9 Bank", acme.plain());
        assertEquals(1, acme.lookalike());
        assertEquals("U+0415 CYRILLIC CAPITAL LETTER IE", acme.segments().get(1).description());
        assertEquals("db://prod\u27E8U+2215\u27E9orders", VisibleText.plain("db://prod\u2215orders", TextKind.NAME));
        assertEquals("\u27E8U+0440\u27E9\u27E8U+0430\u27E9\u27E8U+0443\u27E9",
                VisibleText.plain("\u0440\u0430\u0443", TextKind.NAME), "all-Cyrillic 'pay' imitates ASCII");
        assertEquals("ACME\u27E8U+00A0\u27E9Bank", VisibleText.plain("ACME\u00A0Bank", TextKind.NAME));
        // prose keeps other scripts: a Cyrillic word in a sentence is not a look-alike
        assertEquals("ACM\u0415 Bank", VisibleText.plain("ACM\u0415 Bank", TextKind.TEXT));
    }

    @Test
    void identifiersMarkEverythingButPrintableAscii() {
        assertEquals("DE89\u27E8U+0405\u27E9", VisibleText.plain("DE89\u0405", TextKind.IDENTIFIER));
        assertEquals("12\u27E8U+000A\u27E934", VisibleText.plain("12\n34", TextKind.IDENTIFIER));
        assertEquals("main", VisibleText.plain("main", TextKind.IDENTIFIER));
    }

    @Test
    void identifierProblemNamesTheFirstOffendingCharacterAndItsPosition() {
        assertNull(VisibleText.identifierProblem("DE89370400440532013000"));
        assertEquals("contains U+202E RIGHT-TO-LEFT OVERRIDE at character 1",
                VisibleText.identifierProblem("\u202E12345678"));
        assertEquals("contains U+E0041 TAG LATIN CAPITAL LETTER A at character 3",
                VisibleText.identifierProblem("ab\uDB40\uDC41c"));
        assertEquals("contains U+0009 <control-0009> at character 2", VisibleText.identifierProblem("a\tb"));
    }

    @Test
    void htmlEscapesEveryPartAndWrapsOnlyTheMarkers() {
        String html = VisibleHtml.html(VisibleText.render("<script>alert(1)</script>\u202E\"'&", TextKind.TEXT));
        assertEquals("&lt;script&gt;alert(1)&lt;/script&gt;<mark class=\"hidden-char\" title=\"U+202E RIGHT-TO-LEFT "
                + "OVERRIDE (changes the direction of the text)\">\u27E8U+202E\u27E9</mark>&quot;&#39;&amp;", html);
    }

    @Test
    void requestCountsCoverEveryPartOfTheRequestAndRawJsonMarksTheSame() throws Exception {
        var payload = JsonSupport.MAPPER.readTree("{\"amount\":\"10.00\",\"currency\":\"EUR\",\"beneficiary\":"
                + "{\"name\":\"ACM\u0415\",\"account\":\"\u202E12345678\"},\"reference\":\"INV-1\",\"n\u200Bote\":1}");
        RequestText.Counts c = RequestText.count("payment.transfer", "acct:x\u2066", "production", "pay\u200B",
                "because\u200F", payload);
        assertEquals(5, c.hidden(), "target, summary, justification, account, key");
        assertEquals(1, c.lookalike(), "Cyrillic IE in the beneficiary name");
        VisibleText.Rendering json = RequestText.json("payment.transfer", payload);
        assertEquals(2, json.hidden());
        assertEquals(1, json.lookalike());
        assertTrue(json.plain().contains("\"account\": \"\u27E8U+202E\u27E912345678\""), json.plain());
        assertTrue(json.plain().contains("\"name\": \"ACM\u27E8U+0415\u27E9\""), json.plain());
        assertEquals("{}", RequestText.json("x", JsonSupport.MAPPER.createObjectNode()).plain());
    }
}
