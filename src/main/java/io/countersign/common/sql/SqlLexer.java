package io.countersign.common.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL into statements at top-level semicolons, the way PostgreSQL reads it: semicolons
 * inside string literals ({@code '…'}, {@code E'…'}), quoted identifiers, dollar-quoted bodies
 * ({@code $$…$$}, {@code $tag$…$tag$}) and comments ({@code --}, nested {@code /* *\/}) do not
 * split. Also collects each statement's first words (outside comments and quotes) for its kind.
 */
final class SqlLexer {

    /** One statement's text and its first few words. */
    record Piece(String text, List<String> words) {
    }

    private static final int KIND_WORDS = 6;

    private SqlLexer() {
    }

    static List<Piece> split(String sql) {
        List<Piece> out = new ArrayList<>();
        int start = 0;
        List<String> words = new ArrayList<>();
        boolean content = false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(sql, i);
            } else if (c == '\'') {
                boolean backslashes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isWordChar(sql.charAt(i - 2)));
                i = quoteEnd(sql, i, '\'', backslashes);
                content = true;
            } else if (c == '"') {
                i = quoteEnd(sql, i, '"', false);
                content = true;
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
                content = true;
            } else if (c == ';') {
                if (content) {
                    out.add(new Piece(sql.substring(start, i), List.copyOf(words)));
                }
                words.clear();
                content = false;
                start = ++i;
            } else if (isWordChar(c)) {
                int end = i;
                while (end < n && isWordChar(sql.charAt(end))) {
                    end++;
                }
                if (words.size() < KIND_WORDS) {
                    words.add(sql.substring(i, end));
                }
                content = true;
                i = end;
            } else {
                if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)) {
                    content = true;
                }
                i++;
            }
        }
        if (content) {
            out.add(new Piece(sql.substring(start), List.copyOf(words)));
        }
        return out;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** PostgreSQL block comments nest. */
    private static int blockCommentEnd(String sql, int i) {
        int depth = 0;
        int n = sql.length();
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** Index after the closing quote; a doubled quote is an escaped one, as is a backslash in E'…'. */
    private static int quoteEnd(String sql, int i, char quote, boolean backslashes) {
        int n = sql.length();
        i++;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** {@code $$} or {@code $tag$} starting at {@code i}, or null (e.g. a {@code $1} parameter). */
    private static String dollarTag(String sql, int i) {
        if (i > 0 && isWordChar(sql.charAt(i - 1))) {
            return null;
        }
        int j = i + 1;
        while (j < sql.length() && (Character.isLetter(sql.charAt(j)) || sql.charAt(j) == '_'
                || (j > i + 1 && Character.isDigit(sql.charAt(j))))) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' ? sql.substring(i, j + 1) : null;
    }
}
