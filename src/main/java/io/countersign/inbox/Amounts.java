package io.countersign.inbox;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Amounts as a reviewer reads them: digits grouped for the reader's language (12,500.00 EUR for
 * English, 12.500,00 EUR for German), always in Latin digits and never rounded. The page shows
 * the exact payload string beside it, since that is what runs.
 */
final class Amounts {

    /** A plain decimal as payment payloads carry it: ASCII digits, at most one point, an optional minus. */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]{1,30}(\\.[0-9]{1,30})?");

    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

    private Amounts() {
    }

    /** The first language of the reader's Accept-Language list that names one; English otherwise. */
    static Locale readerLocale(List<Locale> acceptable) {
        if (acceptable != null) {
            for (Locale l : acceptable) {
                if (l != null && !l.getLanguage().isEmpty() && !"*".equals(l.getLanguage())) {
                    return l;
                }
            }
        }
        return Locale.ENGLISH;
    }

    /**
     * {@code amount} grouped for {@code locale} followed by the currency code, e.g. "12,500.00 EUR";
     * null when the amount is not a plain decimal or the currency not a three-letter code (the
     * page then shows the exact string alone). At least the currency's minor-unit digits, and
     * every digit the amount has.
     */
    static String grouped(String amount, String currency, Locale locale) {
        if (amount == null || currency == null || !PLAIN_DECIMAL.matcher(amount).matches()
                || !CURRENCY_CODE.matcher(currency).matches()) {
            return null;
        }
        BigDecimal value = new BigDecimal(amount);
        int minorDigits;
        try {
            minorDigits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknownCurrency) {
            minorDigits = 0;
        }
        int digits = Math.max(minorDigits, Math.max(0, value.scale()));
        NumberFormat f = NumberFormat.getNumberInstance(latinDigits(locale)); // formats a BigDecimal exactly
        f.setGroupingUsed(true);
        f.setMinimumFractionDigits(digits);
        f.setMaximumFractionDigits(digits);
        return f.format(value) + " " + currency;
    }

    private static Locale latinDigits(Locale locale) {
        try {
            return new Locale.Builder().setLocale(locale).setUnicodeLocaleKeyword("nu", "latn").build();
        } catch (IllegalArgumentException e) {
            return Locale.ENGLISH;
        }
    }
}
