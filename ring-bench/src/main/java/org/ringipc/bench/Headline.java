package org.ringipc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures the project is judged by: each a ratio of two figures of the same run (the product
 * against the in-run limit, the pipe, or a peer library), with its target. On a guest whose
 * cross-core figures swing several-fold within a minute, an absolute MB/s or ns says as much about
 * the host's minute as about the code; a ratio of two figures measured back to back in the same
 * round does not. So each ratio is taken round by round ({@link BenchConfig#RUN_ORDER} measures
 * the two sides of every ratio next to each other) and summarised as the median [min-max] of
 * those per-round ratios.
 */
public final class Headline {

    /** Which way a ratio must lie from its bound. */
    public enum Bound {
        AT_LEAST("≥"), AT_MOST("≤");

        private final String sign;

        Bound(String sign) {
            this.sign = sign;
        }

        String sign() {
            return sign;
        }
    }

    /**
     * One headline ratio, {@code a / b}.
     *
     * @param id     its name in the JSON report
     * @param label  what it compares, for the table
     * @param a      the numerator's transport
     * @param b      the denominator's transport
     * @param metric what both sides measured
     * @param chunk  the bytes per write both sides used (1 for round trips)
     * @param bound  which way the target lies
     * @param target the target ratio
     */
    public record Target(String id, String label, Transport a, Transport b, Metric metric, int chunk, Bound bound,
                         double target) {
        boolean met(double ratio) {
            return bound == Bound.AT_LEAST ? ratio >= target : ratio <= target;
        }

        String targetText() {
            return bound.sign() + " " + TextReport.ratio(target);
        }
    }

    /**
     * A measured ratio.
     *
     * @param target   what was measured
     * @param ratio    the median [min-max] of the per-round ratios of the rounds kept
     *                 ({@link Summary#runs()} of them)
     * @param met      whether the median meets the target
     * @param rounds   how many rounds measured both sides, kept or not
     */
    public record Measured(Target target, Summary ratio, boolean met, int rounds) {
    }

    private static final int BULK = 64 << 10;

    /** The targets of the performance issue, in report order. */
    public static final List<Target> TARGETS = List.of(
            new Target("bulk_ring_spin_vs_raw_ring", "bulk 64 KiB: ring-spin / raw-ring",
                    Transport.RING_SPIN, Transport.RAW_RING, Metric.THROUGHPUT, BULK, Bound.AT_LEAST, 0.9),
            new Target("bulk_ring_block_vs_raw_ring", "bulk 64 KiB: ring-block / raw-ring",
                    Transport.RING_BLOCK, Transport.RAW_RING, Metric.THROUGHPUT, BULK, Bound.AT_LEAST, 0.9),
            new Target("bulk_ring_spin_vs_pipe", "bulk 64 KiB: ring-spin / pipe",
                    Transport.RING_SPIN, Transport.PIPE, Metric.THROUGHPUT, BULK, Bound.AT_LEAST, 8),
            new Target("bulk_ring_block_vs_pipe", "bulk 64 KiB: ring-block / pipe",
                    Transport.RING_BLOCK, Transport.PIPE, Metric.THROUGHPUT, BULK, Bound.AT_LEAST, 8),
            new Target("bulk_ring_spin_memcpy_vs_pipe", "bulk 64 KiB: ring-spin-memcpy (opt-in) / pipe",
                    Transport.RING_SPIN_MEMCPY, Transport.PIPE, Metric.THROUGHPUT, BULK, Bound.AT_LEAST, 8),
            new Target("rtt_ring_block_vs_ring_spin", "busy round trip p50: ring-block / ring-spin",
                    Transport.RING_BLOCK, Transport.RING_SPIN, Metric.RTT_P50, 1, Bound.AT_MOST, 1.2),
            new Target("idle_rtt_ring_block_vs_pipe", "asleep-peer round trip p50: ring-block / pipe",
                    Transport.RING_BLOCK, Transport.PIPE, Metric.RTT_IDLE_P50, 1, Bound.AT_MOST, 0.8),
            new Target("rtt_ring_spin_vs_shm_limit", "round trip p50: ring-spin / shm-limit",
                    Transport.RING_SPIN, Transport.SHM_LIMIT, Metric.RTT_P50, 1, Bound.AT_MOST, 2),
            new Target("messages_message_ring_vs_agrona", "32-byte messages: message-ring / agrona",
                    Transport.MESSAGE_RING, Transport.AGRONA, Metric.MESSAGES, 32, Bound.AT_LEAST, 1.5),
            new Target("messages_message_ring_vs_jctools", "32-byte messages: message-ring / jctools",
                    Transport.MESSAGE_RING, Transport.JCTOOLS, Metric.MESSAGES, 32, Bound.AT_LEAST, 1));

    private Headline() {
    }

    /** Every target whose two sides were both measured in {@code results}, in report order. */
    public static List<Measured> measure(Results results) {
        List<Measured> out = new ArrayList<>();
        for (Target t : TARGETS) {
            ratio(results, t).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The per-round ratios of {@code t}, summarised: round i of one side against round i of the
     * other. Rounds where either side is not positive are left out, and so are rounds where either
     * side ran under an atypical placement (either probe, before or after it: {@link #typical}),
     * unless that would leave none; with how many rounds measured both sides. Empty when no round
     * is left.
     */
    static Optional<Measured> ratio(Results results, Target t) {
        List<Double> a = results.rounds(t.a(), t.metric(), t.chunk());
        List<Double> b = results.rounds(t.b(), t.metric(), t.chunk());
        List<long[]> pa = results.placements(t.a(), t.metric(), t.chunk());
        List<long[]> pb = results.placements(t.b(), t.metric(), t.chunk());
        double median = medianProbe(results);
        int n = Math.min(a.size(), b.size());
        double[] all = new double[n];
        double[] typical = new double[n];
        int kept = 0;
        int usable = 0;
        for (int i = 0; i < n; i++) {
            if (a.get(i) > 0 && b.get(i) > 0) {
                double r = a.get(i) / b.get(i);
                all[usable++] = r;
                if (typical(pa.get(i), median) && typical(pb.get(i), median)) {
                    typical[kept++] = r;
                }
            }
        }
        if (usable == 0) {
            return Optional.empty();
        }
        Summary s = kept > 0 ? Summary.of(java.util.Arrays.copyOf(typical, kept))
                : Summary.of(java.util.Arrays.copyOf(all, usable));
        return Optional.of(new Measured(t, s, t.met(s.median()), usable));
    }

    /** The median placement probe of the run, ns; NaN when there was none. */
    static double medianProbe(Results results) {
        List<Long> probes = results.probes();
        return probes.isEmpty() ? Double.NaN
                : Summary.of(probes.stream().mapToDouble(Long::doubleValue).toArray()).median();
    }

    /**
     * Whether a round that ran under placement probe {@code probe} (ns; negative: not probed) ran
     * under the run's typical placement: within half to twice the run's median probe. The host
     * at times moves the two vCPUs close for many seconds (a line round trip of ~100 ns instead of
     * ~440 ns here), and cross-core figures move several-fold with it, not always alike on both
     * sides of a ratio (JCTools gained 6x, message-ring 2x); such rounds are left out of the
     * headline ratios, which say how many rounds they kept.
     */
    static boolean typical(long probe, double median) {
        return probe < 0 || Double.isNaN(median) || (probe * 2.0 >= median && probe <= median * 2.0);
    }

    /** Whether both probes of a round, the one before it and the one after, were {@link #typical}. */
    static boolean typical(long[] probes, double median) {
        return typical(probes[0], median) && typical(probes[1], median);
    }

    /** The table of the headline ratios, or nothing when none of them was measured. */
    static void render(StringBuilder out, Results results) {
        List<Measured> measured = measure(results);
        if (measured.isEmpty()) {
            return;
        }
        List<String[]> rows = new ArrayList<>();
        for (Measured m : measured) {
            Summary s = m.ratio();
            rows.add(new String[] {m.target().label(),
                    String.format(Locale.ROOT, "%s [%s-%s]", TextReport.ratio(s.median()), TextReport.ratio(s.min()),
                            TextReport.ratio(s.max())),
                    s.runs() + "/" + m.rounds(), m.target().targetText(), m.met() ? "met" : "missed"});
        }
        String title = "Headline ratios, each the median [min-max] over rounds of its two figures measured back to\n"
                + "back in the same round (a shared guest moves absolute figures with the host's minute, not a ratio)";
        double probe = medianProbe(results);
        if (!Double.isNaN(probe)) {
            title += String.format(Locale.ROOT, ";%nrounds kept: those whose both sides ran with the two CPUs' cache-line round trip (probed%n"
                    + "before and after each) within half to twice this run's median, %,.0f ns", probe);
        }
        TextReport.table(out, title, new String[] {"figure", "ratio", "rounds", "target", "verdict"}, rows);
    }
}
