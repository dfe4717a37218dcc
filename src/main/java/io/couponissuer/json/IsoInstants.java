package io.couponissuer.json;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Parses ISO-8601 instants. The form the system itself writes, {@code 2026-11-25T10:00:00.123Z},
 * takes a fast path: every application carries one, and {@link Instant#parse} (a general
 * formatter) is a large share of the issuer's CPU in a profile. Anything else (offsets, lower-case
 * letters, ...) goes to {@link Instant#parse}, so both paths accept exactly the same texts.
 * Writing is the mirror image: {@link #format} gives {@link Instant#toString}'s text for years
 * 0000-9999 without the general formatter, which took 7 % of the issuer's stream thread.
 */
final class IsoInstants {
    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: four-digit years, no sign. */
    private static final long MIN_FAST_SECOND = -62_167_219_200L;
    private static final long MAX_FAST_SECOND = 253_402_300_799L;

    private IsoInstants() {
    }

    static Instant parse(String text) {
        Instant fast = parseUtc(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z} with 1-9 fraction digits, or null for any other form. */
    static Instant parseUtc(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null; // leap seconds and the like: the general parser decides
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Exactly {@link Instant#toString}: fraction digits in groups of three, none for whole seconds. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_FAST_SECOND || seconds > MAX_FAST_SECOND) {
            return instant.toString();
        }
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        LocalDate date = LocalDate.ofEpochDay(days);
        int nanos = instant.getNano();
        char[] out = new char[30];
        pad(out, 0, date.getYear(), 4);
        out[4] = '-';
        pad(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        pad(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        pad(out, 11, secondOfDay / 3_600, 2);
        out[13] = ':';
        pad(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        pad(out, 17, secondOfDay % 60, 2);
        int n = 19;
        if (nanos != 0) {
            out[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                pad(out, n, nanos / 1_000_000, 3);
                n += 3;
            } else if (nanos % 1_000 == 0) {
                pad(out, n, nanos / 1_000, 6);
                n += 6;
            } else {
                pad(out, n, nanos, 9);
                n += 9;
            }
        }
        out[n++] = 'Z';
        return new String(out, 0, n);
    }

    private static void pad(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /** The decimal value of s[from, to), or -1 if any character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
