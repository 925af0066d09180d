package io.countersign.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one identity comparison separation of duties uses (docs/inbox.md, "Comparing identities"). */
class IdentitiesTest {

    @Test
    void caseDoesNotMakeAnotherPerson() {
        assertTrue(Identities.same("Olivia", "olivia"));
        assertTrue(Identities.same("OLIVIA", "olivia"));
        assertTrue(Identities.same("SEC-Agent-A", "sec-agent-a"));
    }

    @Test
    void compatibilityFormsAndCombiningSequencesAreTheSamePerson() {
        assertTrue(Identities.same("\uFF4F\uFF4C\uFF49\uFF56\uFF49\uFF41", "olivia")); // fullwidth ｏｌｉｖｉａ
        assertTrue(Identities.same("jos\u00E9", "jose\u0301")); // precomposed vs combining acute
        assertTrue(Identities.same("\u212Aelvin", "kelvin")); // KELVIN SIGN
        assertTrue(Identities.same("\uFB01ona", "fiona")); // the "fi" ligature
    }

    @Test
    void fullCaseFoldingCoversSharpSAndFinalSigma() {
        assertTrue(Identities.same("stra\u00DFe", "STRASSE"));
        assertTrue(Identities.same("\u039F\u0394\u039F\u03A3", "\u03BF\u03B4\u03BF\u03C3")); // ΟΔΟΣ vs οδοσ
    }

    @Test
    void invisibleFormatCharactersAndSurroundingSpaceAreIgnored() {
        assertTrue(Identities.same("oli\u200Bvia", "olivia")); // zero-width space
        assertTrue(Identities.same("oli\u00ADvia", "olivia")); // soft hyphen
        assertTrue(Identities.same("\u202Eolivia", "olivia")); // right-to-left override
        assertTrue(Identities.same(" olivia ", "olivia"));
    }

    @Test
    void differentNamesStayDifferent() {
        assertFalse(Identities.same("olivia", "olivia2"));
        assertFalse(Identities.same("olivia", null));
        assertFalse(Identities.same(null, null));
        assertFalse(Identities.same("", ""));
    }

    @Test
    void keyIsIdempotentAndLowerCase() {
        String k = Identities.key("\uFF2FLIVIA\u200B");
        assertEquals("olivia", k);
        assertEquals(k, Identities.key(k));
    }
}
