package io.countersign.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Amounts grouped for the reader's language, never rounded, with the exact string left to the page. */
class AmountsTest {

    @Test
    void groupsForEnglishByDefault() {
        assertEquals("12,500.00 EUR", Amounts.grouped("12500.00", "EUR", Amounts.readerLocale(List.of())));
        assertEquals("12,500.00 EUR", Amounts.grouped("12500.00", "EUR", Amounts.readerLocale(null)));
    }

    @Test
    void groupsForTheFirstLanguageTheReaderAccepts() {
        Locale german = Amounts.readerLocale(List.of(new Locale("*"), Locale.GERMANY, Locale.ENGLISH));
        assertEquals(Locale.GERMANY, german);
        assertEquals("12.500,00 EUR", Amounts.grouped("12500", "EUR", german));
    }

    @Test
    void addsTheCurrencysMinorDigitsButNeverDropsDigitsTheAmountHas() {
        assertEquals("1,000,000.00 USD", Amounts.grouped("1000000", "USD", Locale.ENGLISH));
        assertEquals("12,500 JPY", Amounts.grouped("12500", "JPY", Locale.ENGLISH));
        assertEquals("0.125 EUR", Amounts.grouped("0.125", "EUR", Locale.ENGLISH));
        assertEquals("12,345,678,901,234,567.89 EUR", Amounts.grouped("12345678901234567.89", "EUR", Locale.ENGLISH));
    }

    @Test
    void usesLatinDigitsWhateverTheLanguage() {
        String arabic = Amounts.grouped("12500.00", "EUR", Locale.forLanguageTag("ar-EG"));
        assertEquals("1250000", arabic.codePoints().filter(Character::isDigit).collect(StringBuilder::new,
                StringBuilder::appendCodePoint, StringBuilder::append).toString(), arabic);
    }

    @Test
    void leavesAnythingButAPlainDecimalToTheExactString() {
        assertNull(Amounts.grouped("12\u200B500.00", "EUR", Locale.ENGLISH));
        assertNull(Amounts.grouped("1e5", "EUR", Locale.ENGLISH));
        assertNull(Amounts.grouped("１２５００", "EUR", Locale.ENGLISH));
        assertNull(Amounts.grouped("12500.00", "eur", Locale.ENGLISH));
        assertNull(Amounts.grouped("", "EUR", Locale.ENGLISH));
    }
}
