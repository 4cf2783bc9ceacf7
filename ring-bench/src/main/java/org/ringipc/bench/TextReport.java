package org.ringipc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The table on stdout: the environment, then round trips, cross-process bulk, in-process bulk and
 * small messages, each figure as "median [min-max]" of the rounds, with every row's ratio to the
 * OS pipe and to the raw limit (and to {@code c-ring}, the format's native limit, when it ran); a
 * line names each transport that could not run here, and why.
 */
public final class TextReport {

    /** The cross-process round-trip rows, in table order (the charts use the same). */
    static final List<Transport> CROSS = List.of(Transport.RING_SPIN, Transport.RING_SPIN_MEMCPY, Transport.RING_BLOCK,
            Transport.MESSAGE_RING_SPIN, Transport.MESSAGE_RING_BLOCK, Transport.C_TO_JAVA, Transport.JAVA_TO_C,
            Transport.RAW_RING, Transport.C_RING, Transport.PIPE, Transport.UNIX_SOCKET, Transport.TCP_LOOPBACK, Transport.BRIDGE_UDP,
            Transport.SHM_LIMIT);
    /** The cross-process bulk rows, in table order. */
    static final List<Transport> CROSS_BULK = List.of(Transport.RING_SPIN, Transport.RING_SPIN_MEMCPY, Transport.RING_BLOCK,
            Transport.MESSAGE_RING_SPIN, Transport.MESSAGE_RING_BLOCK, Transport.C_TO_JAVA, Transport.JAVA_TO_C,
            Transport.RAW_RING, Transport.C_RING, Transport.PIPE, Transport.UNIX_SOCKET, Transport.TCP_LOOPBACK, Transport.BRIDGE_UDP,
            Transport.COPY_LIMIT);
    private static final List<Transport> LOCAL = List.of(Transport.RING, Transport.MESSAGE_RING,
            Transport.LOCKED_RING, Transport.AGRONA, Transport.JCTOOLS, Transport.NIO_PIPE);

    /** Column headings of the round-trip figures. */
    private static final Map<Metric, String> LABELS = Map.of(Metric.RTT_P50, "p50",
            Metric.RTT_P99, "p99", Metric.RTT_P999, "p99.9", Metric.RTT_MAX, "max",
            Metric.RTT_IDLE_P50, "p50", Metric.RTT_IDLE_P99, "p99");

    private TextReport() {
    }

    /** The placement probes' line, when there were any: how far apart the host had the two CPUs. */
    static void placement(StringBuilder out, Results results) {
        List<Long> probes = results.probes();
        if (probes.isEmpty()) {
            return;
        }
        Summary s = Summary.of(probes.stream().mapToDouble(Long::doubleValue).toArray());
        long atypical = probes.stream().filter(p -> !Headline.typical(p, s.median())).count();
        out.append(String.format(Locale.ROOT, "Placement: cache-line round trip between the two CPUs %,.0f ns [%,.0f-%,.0f] over %d probes,"
                + " %d outside half to twice the median%n", s.median(), s.min(), s.max(), probes.size(), atypical));
    }

    /** The whole report. */
    public static String render(Env env, BenchConfig config, Results results) {
        StringBuilder out = new StringBuilder(4096);
        out.append(String.format(Locale.ROOT, "ringipc bench (%s): every figure is the median [min-max] of %d interleaved rounds%n",
                env.mode(), env.rounds()));
        out.append("JDK ").append(env.jdk()).append('\n');
        out.append("CPU ").append(env.cpuModel()).append(" x").append(env.cpus())
                .append(", kernel ").append(env.kernel()).append(", load average ").append(env.load())
                .append(" at the start").append('\n');
        out.append("JVM flags ").append(String.join(" ", env.jvmFlags())).append('\n');
        out.append("Pinning: ").append(env.pinning()).append('\n');
        placement(out, results);
        if (busy(env)) {
            out.append("WARNING: the load average was above the core count when the run began: something else\n")
               .append("competes for the cores, and the spinning transports (ring-spin, shm-limit, ring, agrona,\n")
               .append("jctools) lose the most from it. Trust the ratios less; rerun on a quiet machine.\n");
        }
        skipped(out, results);
        Headline.render(out, results);
        latency(out, results);
        // the native limit of the format gets a column when it ran
        List<Transport> rivals = config.chunkSizes().stream()
                .anyMatch(c -> results.median(Transport.C_RING, Metric.THROUGHPUT, c).isPresent())
                ? List.of(Transport.RAW_RING, Transport.C_RING) : List.of(Transport.RAW_RING);
        bulk(out, results, config, "Bulk between two processes, MB/s (higher is better)", CROSS_BULK,
                Transport.PIPE, rivals, Transport.COPY_LIMIT);
        bulk(out, results, config, "Bulk between two threads, MB/s (higher is better)", LOCAL,
                Transport.NIO_PIPE, List.of(), Transport.COPY_LIMIT);
        messages(out, results, config.messageBytes());
        return out.toString();
    }

    /** One line per reason for the transports that could not run here (the C lanes without a C compiler). */
    static void skipped(StringBuilder out, Results results) {
        Map<String, List<String>> byReason = new java.util.LinkedHashMap<>();
        results.skipped().forEach((t, why) -> byReason.computeIfAbsent(why, k -> new ArrayList<>()).add(t.id()));
        byReason.forEach((why, ids) -> out.append("Skipped ").append(String.join(", ", ids)).append(": ")
                .append(why).append('\n'));
    }

    /** True when the 1-minute load average at the start was above the number of cores. */
    static boolean busy(Env env) {
        try {
            return Double.parseDouble(env.load().split(" ")[0]) > env.cpus();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void latency(StringBuilder out, Results results) {
        roundTrips(out, results, "Round trip of 1 byte between two processes, ns (lower is better)",
                List.of(Metric.RTT_P50, Metric.RTT_P99, Metric.RTT_P999, Metric.RTT_MAX), Metric.SLEEPS_PER_RTT, true);
        // the round trip that finds the peer asleep: the wake-up path a pipe always takes
        roundTrips(out, results, String.format(Locale.ROOT,
                        "Round trip of 1 byte after the peer idled %d µs (a BLOCK end is asleep by then), ns",
                        Protocol.IDLE_PAUSE_NANOS / 1000),
                List.of(Metric.RTT_IDLE_P50, Metric.RTT_IDLE_P99), Metric.SLEEPS_PER_IDLE_RTT, false);
    }

    /**
     * One round-trip table: a column per percentile (the first is the median the ratios use), the
     * ratio to the pipe, to the raw ring and the shared-memory limit when {@code withLimit}, and sleeps
     * per round trip.
     */
    private static void roundTrips(StringBuilder out, Results results, String title, List<Metric> percentiles,
                                   Metric sleeps, boolean withLimit) {
        Metric first = percentiles.getFirst();
        Optional<Double> pipe = results.median(Transport.PIPE, first, 1);
        Optional<Double> limit = results.median(Transport.SHM_LIMIT, first, 1);
        Optional<Double> raw = results.median(Transport.RAW_RING, first, 1);
        // the native limit of the format, when it ran
        Optional<Double> cRing = withLimit ? results.median(Transport.C_RING, first, 1) : Optional.empty();
        List<String[]> rows = new ArrayList<>();
        for (Transport t : CROSS) {
            Optional<Double> median = results.median(t, first, 1);
            if (median.isEmpty()) {
                continue;
            }
            double v = median.get();
            List<String> row = new ArrayList<>(List.of(t.id()));
            percentiles.forEach(m -> row.add(cell(results, t, m, 1)));
            row.add(pipe.map(p -> ratio(p / v)).orElse("-"));
            if (withLimit) {
                row.add(raw.map(r -> ratio(v / r)).orElse("-"));
                cRing.ifPresent(c -> row.add(ratio(v / c)));
                row.add(limit.map(l -> ratio(v / l)).orElse("-"));
            }
            row.add(results.median(t, sleeps, 1).map(n -> number(n, 2)).orElse("-"));
            rows.add(row.toArray(String[]::new));
        }
        List<String> header = new ArrayList<>(List.of("transport"));
        percentiles.forEach(m -> header.add(LABELS.get(m)));
        header.add("pipe/this");
        if (withLimit) {
            header.add("this/raw-ring");
            cRing.ifPresent(c -> header.add("this/c-ring"));
            header.add("this/shm-limit");
        }
        header.add("sleeps/rt");
        table(out, title, header.toArray(String[]::new), rows);
    }

    /**
     * One bulk table: a row per transport and chunk size, with its ratio to {@code base} (the pipe),
     * to each of {@code rivals} (the raw ring, across processes) and its share of {@code limit}.
     */
    private static void bulk(StringBuilder out, Results results, BenchConfig config, String title,
                             List<Transport> transports, Transport base, List<Transport> rivals, Transport limit) {
        List<String[]> rows = new ArrayList<>();
        for (Transport t : transports) {
            for (int chunk : config.chunkSizes()) {
                Optional<Summary> s = results.summary(t, Metric.THROUGHPUT, chunk);
                if (s.isEmpty()) {
                    continue;
                }
                double v = s.get().median();
                List<String> row = new ArrayList<>(List.of(t.id(), bytes(chunk), spread(s.get(), 0),
                        results.median(base, Metric.THROUGHPUT, chunk).map(b -> ratio(v / b)).orElse("-")));
                rivals.forEach(r -> row.add(results.median(r, Metric.THROUGHPUT, chunk).map(b -> ratio(v / b)).orElse("-")));
                row.add(results.median(limit, Metric.THROUGHPUT, chunk).map(l -> percent(v / l)).orElse("-"));
                rows.add(row.toArray(String[]::new));
            }
        }
        List<String> header = new ArrayList<>(List.of("transport", "chunk", "MB/s", "this/" + base.id()));
        rivals.forEach(r -> header.add("this/" + r.id()));
        header.add("of " + limit.id());
        table(out, title, header.toArray(String[]::new), rows);
    }

    private static void messages(StringBuilder out, Results results, int size) {
        List<String[]> rows = new ArrayList<>();
        Optional<Double> agrona = results.median(Transport.AGRONA, Metric.MESSAGES, size);
        Optional<Double> pipe = results.median(Transport.NIO_PIPE, Metric.MESSAGES, size);
        for (Transport t : LOCAL) {
            Optional<Summary> s = results.summary(t, Metric.MESSAGES, size);
            if (s.isEmpty()) {
                continue;
            }
            double v = s.get().median();
            rows.add(new String[] {t.id(), spread(s.get(), 0), pipe.map(p -> ratio(v / p)).orElse("-"),
                    agrona.map(a -> ratio(v / a)).orElse("-")});
        }
        table(out, size + "-byte messages between two threads, messages/s (higher is better)",
                new String[] {"transport", "messages/s", "this/nio-pipe", "this/agrona"}, rows);
    }

    private static String cell(Results results, Transport t, Metric m, int chunk) {
        return results.summary(t, m, chunk).map(s -> spread(s, 0)).orElse("-");
    }

    static String spread(Summary s, int decimals) {
        if (s.runs() == 1) {
            return number(s.median(), decimals);
        }
        return number(s.median(), decimals) + " [" + number(s.min(), decimals) + "-" + number(s.max(), decimals) + "]";
    }

    static String number(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.0fx" : "%.2fx", r);
    }

    static String percent(double r) {
        return String.format(Locale.ROOT, "%.0f%%", r * 100);
    }

    static String bytes(int n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " B";
    }

    static void table(StringBuilder out, String title, String[] header, List<String[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        out.append('\n').append(title).append('\n');
        line(out, header, width);
        StringBuilder rule = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        }
        out.append(rule).append('\n');
        for (String[] row : rows) {
            line(out, row, width);
        }
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        for (int c = 0; c < cells.length; c++) {
            // the first column reads left to right, the figures line up on the right
            String f = c == 0 ? "%-" + width[c] + "s" : "  %" + width[c] + "s";
            out.append(String.format(Locale.ROOT, f, cells[c]));
        }
        out.append('\n');
    }
}
