package io.countersign.engine.embedded;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ISO 8601 timer arithmetic for timeDuration, timeDate and timeCycle {@code R[n]/[start/]duration}. */
final class Timers {

    private static final Pattern CYCLE = Pattern.compile("R(\\d*)/(?:([^/]+)/)?(P[^/]+)");

    /** When a timer fires first, how often it repeats (-1: forever) and its interval. */
    record Schedule(OffsetDateTime dueAt, int repetitions, String interval) {
    }

    private Timers() {
    }

    static void validateStatic(String kind, String text) {
        schedule(kind, text, OffsetDateTime.now());
    }

    /** Computes the first firing of a timer from a static text or a FEEL result. */
    static Schedule schedule(String kind, Object value, OffsetDateTime now) {
        if (value instanceof Duration d) {
            value = d.toString();
        } else if (value instanceof Period p) {
            value = p.toString();
        } else if (value instanceof ZonedDateTime z && "DATE".equals(kind)) {
            return new Schedule(z.toOffsetDateTime(), 1, null);
        } else if (value instanceof OffsetDateTime o && "DATE".equals(kind)) {
            return new Schedule(o, 1, null);
        }
        if (!(value instanceof String text) || text.isBlank()) {
            throw new IllegalArgumentException("timer " + kind.toLowerCase() + " must be an ISO 8601 value, got "
                    + Feel.describe(value));
        }
        text = text.trim();
        switch (kind) {
            case "DURATION":
                return new Schedule(plus(now, text), 1, null);
            case "DATE":
                try {
                    return new Schedule(ZonedDateTime.parse(text).toOffsetDateTime(), 1, null);
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("timeDate '" + text + "' is not an ISO 8601 date-time with zone");
                }
            case "CYCLE":
                Matcher m = CYCLE.matcher(text);
                if (!m.matches()) {
                    throw new IllegalArgumentException("timeCycle '" + text
                            + "' is not supported: use ISO 8601 repeating intervals R[n]/[start/]duration (cron is not supported)");
                }
                int reps = m.group(1).isEmpty() ? -1 : Integer.parseInt(m.group(1));
                if (reps == 0) {
                    throw new IllegalArgumentException("timeCycle '" + text + "' repeats zero times");
                }
                String interval = m.group(3);
                OffsetDateTime first;
                if (m.group(2) != null) {
                    try {
                        first = ZonedDateTime.parse(m.group(2)).toOffsetDateTime();
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("timeCycle start '" + m.group(2) + "' is not an ISO 8601 date-time");
                    }
                } else {
                    first = plus(now, interval);
                }
                plus(now, interval);
                return new Schedule(first, reps, interval);
            default:
                throw new IllegalArgumentException("unknown timer kind " + kind);
        }
    }

    /** Adds an ISO 8601 duration (days/hours via Duration, months/years via Period). */
    static OffsetDateTime plus(OffsetDateTime t, String iso) {
        try {
            if (iso.startsWith("-")) {
                throw new IllegalArgumentException("negative duration '" + iso + "'");
            }
            int tIndex = iso.indexOf('T');
            String datePart = tIndex < 0 ? iso : iso.substring(0, tIndex);
            String timePart = tIndex < 0 ? null : "PT" + iso.substring(tIndex + 1);
            OffsetDateTime r = t;
            if (!"P".equals(datePart)) {
                r = r.plus(Period.parse(datePart));
            }
            if (timePart != null) {
                r = r.plus(Duration.parse(timePart));
            }
            return r;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + iso + "' is not an ISO 8601 duration");
        }
    }
}
