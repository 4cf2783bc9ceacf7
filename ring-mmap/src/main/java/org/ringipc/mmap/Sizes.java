package org.ringipc.mmap;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;

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

    /** picocli converter for byte counts that must fit an int (capacities, bursts). */
    static final class IntBytes implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = parseBytes(value);
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("size=" + value + " is larger than 2^31 - 1 bytes");
            }
            return (int) n;
        }
    }

    /** picocli converter for durations. */
    static final class Durations implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }
}
