package org.ringipc.mmap.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Command-line values: byte sizes with binary suffixes and durations with units. */
final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** {@code 65536}, {@code 64k}, {@code 1m}, {@code 1MiB}, {@code 1g}: binary multiples. */
    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("size=" + text + " is not a byte count such as 65536, 64k, 1m or 1g");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long value = Long.parseLong(m.group(1));
        if (value > Long.MAX_VALUE >> shift) {
            throw new IllegalArgumentException("size=" + text + " is too large");
        }
        return value << shift;
    }

    /** {@code 50ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 500us}, or ISO-8601 {@code PT0.05S}. */
    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.regionMatches(true, 0, "PT", 0, 2)) {
            return Duration.parse(t);
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("duration=" + text + " is not a duration such as 50ms, 10s or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ns" -> Duration.ofNanos(n);
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /**
     * picocli converter for byte counts that must fit an int (capacities, bursts). A bad value is a
     * {@link TypeConversionException}, which picocli reports as
     * {@code Invalid value for option '--burst': size=...} and exit status 2.
     */
    static final class IntBytes implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = converted(() -> parseBytes(value));
            if (n > Integer.MAX_VALUE) {
                throw new TypeConversionException("size=" + value + " is larger than 2^31 - 1 bytes");
            }
            return (int) n;
        }
    }

    /** picocli converter for durations (zero allowed); a bad value is a {@link TypeConversionException}. */
    static final class Durations implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return converted(() -> parseDuration(value));
        }
    }

    /** picocli converter for durations that must be longer than zero (intervals, periods). */
    static final class PositiveDurations implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = converted(() -> parseDuration(value));
            if (d.isZero() || d.isNegative()) {
                throw new TypeConversionException("duration=" + value + " is not longer than zero");
            }
            return d;
        }
    }

    /** Runs a parse, turning its IllegalArgumentException into picocli's conversion error with the same message. */
    private static <T> T converted(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException | DateTimeParseException | ArithmeticException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
