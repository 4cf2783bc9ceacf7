package org.ringipc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The table on stdout: the environment, then round trips, cross-process bulk, in-process bulk and
 * small messages, each figure as "median [min-max]" of the rounds, with every row's ratio to the
 * OS pipe and to the raw limit.
 */
public final class TextReport {

    private static final List<Transport> CROSS = List.of(Transport.RING_SPIN, Transport.RING_BLOCK,
            Transport.PIPE, Transport.UNIX_SOCKET, Transport.SHM_LIMIT);
    private static final List<Transport> CROSS_BULK = List.of(Transport.RING_SPIN, Transport.RING_BLOCK,
            Transport.PIPE, Transport.UNIX_SOCKET, Transport.COPY_LIMIT);
    private static final List<Transport> LOCAL = List.of(Transport.RING, Transport.MESSAGE_RING,
            Transport.LOCKED_RING, Transport.AGRONA, Transport.JCTOOLS, Transport.NIO_PIPE);

    private TextReport() {
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
        if (busy(env)) {
            out.append("WARNING: the load average was above the core count when the run began: something else\n")
               .append("competes for the cores, and the spinning transports (ring-spin, shm-limit, ring, agrona,\n")
               .append("jctools) lose the most from it. Trust the ratios less; rerun on a quiet machine.\n");
        }
        latency(out, results);
        bulk(out, results, config, "Bulk between two processes, MB/s (higher is better)", CROSS_BULK,
                Transport.PIPE, Transport.COPY_LIMIT);
        bulk(out, results, config, "Bulk between two threads, MB/s (higher is better)", LOCAL,
                Transport.NIO_PIPE, Transport.COPY_LIMIT);
        messages(out, results, config.messageBytes());
        return out.toString();
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
        List<String[]> rows = new ArrayList<>();
        Optional<Double> pipe = results.median(Transport.PIPE, Metric.RTT_P50, 1);
        Optional<Double> limit = results.median(Transport.SHM_LIMIT, Metric.RTT_P50, 1);
        for (Transport t : CROSS) {
            Optional<Summary> p50 = results.summary(t, Metric.RTT_P50, 1);
            if (p50.isEmpty()) {
                continue;
            }
            double v = p50.get().median();
            rows.add(new String[] {t.id(), spread(p50.get(), 0), cell(results, t, Metric.RTT_P99, 1),
                    cell(results, t, Metric.RTT_P999, 1), cell(results, t, Metric.RTT_MAX, 1),
                    pipe.map(p -> ratio(p / v)).orElse("-"), limit.map(l -> ratio(v / l)).orElse("-")});
        }
        table(out, "Round trip of 1 byte between two processes, ns (lower is better)",
                new String[] {"transport", "p50", "p99", "p99.9", "max", "pipe/this", "this/shm-limit"}, rows);
    }

    private static void bulk(StringBuilder out, Results results, BenchConfig config, String title,
                             List<Transport> transports, Transport base, Transport limit) {
        List<String[]> rows = new ArrayList<>();
        for (Transport t : transports) {
            for (int chunk : config.chunkSizes()) {
                Optional<Summary> s = results.summary(t, Metric.THROUGHPUT, chunk);
                if (s.isEmpty()) {
                    continue;
                }
                double v = s.get().median();
                rows.add(new String[] {t.id(), bytes(chunk), spread(s.get(), 0),
                        results.median(base, Metric.THROUGHPUT, chunk).map(b -> ratio(v / b)).orElse("-"),
                        results.median(limit, Metric.THROUGHPUT, chunk).map(l -> percent(v / l)).orElse("-")});
            }
        }
        table(out, title, new String[] {"transport", "chunk", "MB/s", "this/" + base.id(), "of " + limit.id()}, rows);
    }

    private static void messages(StringBuilder out, Results results, int size) {
        List<String[]> rows = new ArrayList<>();
        Optional<Double> agrona = results.median(Transport.AGRONA, Metric.MESSAGES, size);
        for (Transport t : LOCAL) {
            Optional<Summary> s = results.summary(t, Metric.MESSAGES, size);
            if (s.isEmpty()) {
                continue;
            }
            double v = s.get().median();
            rows.add(new String[] {t.id(), spread(s.get(), 0), agrona.map(a -> ratio(v / a)).orElse("-")});
        }
        table(out, size + "-byte messages between two threads, messages/s (higher is better)",
                new String[] {"transport", "messages/s", "this/agrona"}, rows);
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

    private static void table(StringBuilder out, String title, String[] header, List<String[]> rows) {
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
