package org.ringipc.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

/**
 * Where bulk between processes loses its time: the product's ring ({@code ring-spin}) and variants
 * of {@link RawRing} that change one thing each (copy routine, publish frequency, waiting for
 * whole room, the reader's chunking, ring capacity), all against one peer JVM that stays up for
 * the whole run, interleaved round by round, each cell a warm-up then a timed phase of
 * {@link Protocol#streamUntil}. Optionally a C ring program in the same rounds, for the hardware's
 * figure at the same minutes.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ring-bench/target/ring-bench.jar org.ringipc.bench.BulkExperiment \
 *     [--set causes|writer|capacity|chunk] [--rounds N] [--warmup-ms MS] [--measure-ms MS] [--c-ring PROGRAM]
 * </pre>
 *
 * {@code --c-ring PROGRAM} runs {@code PROGRAM CAPACITY CHUNK SECONDS memcpy} once per round and
 * per chunk size, and reads "N MB/s" from the end of its output.
 */
public final class BulkExperiment {

    private BulkExperiment() {
    }

    /** What one cell moves through. */
    record Variant(String name, boolean product, int capacity, RawRing.Tuning tuning) {
        Link create(Path dir, int bufferBytes) throws IOException {
            Files.createDirectories(dir);
            if (!product) {
                return RawRingLink.create(dir, bufferBytes, tuning, capacity);
            }
            RingOptions opts = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
            SharedRing forward = SharedRing.create(dir.resolve("forward.ring"), capacity, opts);
            SharedRing reverse = SharedRing.create(dir.resolve("reverse.ring"), CrossProcess.REVERSE_RING_BYTES, opts);
            return new RingLink(forward.sink(), reverse.source(), bufferBytes, () -> -1, () -> {
                forward.close();
                reverse.close();
            });
        }

        Link open(Path dir, int bufferBytes) throws IOException {
            if (!product) {
                return RawRingLink.open(dir, bufferBytes, tuning);
            }
            SharedRing forward = SharedRing.open(dir.resolve("forward.ring"));
            SharedRing reverse = SharedRing.open(dir.resolve("reverse.ring"));
            return new RingLink(reverse.sink(), forward.source(), bufferBytes, () -> -1, () -> {
                forward.close();
                reverse.close();
            });
        }
    }

    /** One row of the result: a variant at a chunk size. */
    record Cell(int variant, int chunk) {
    }

    private static final int MIB = 1 << 20;
    private static final RawRing.Tuning LANE = RawRing.Tuning.LANE;
    private static final int COPY_SAMPLES = 1 << 20;
    private static final String COPY_IN = " copy-in";
    private static final String COPY_OUT = " copy-out";
    private static final String COPY_OUT_FILE = "copy-out.txt";

    /** The named sets of variants and chunk sizes. */
    static List<Variant> variants(String set) {
        List<Variant> v = new ArrayList<>();
        switch (set) {
            case "causes" -> {
                v.add(new Variant("ring-spin", true, 4 * MIB, LANE));
                v.add(new Variant("raw", false, 4 * MIB, LANE));
                v.add(new Variant("raw-any-room", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.SEGMENT, 0, false, 0, false)));
                v.add(new Variant("raw-bytebuffer", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.BUFFER, 0, true, 0, false)));
                v.add(new Variant("raw-long-loop", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.LONGS, 0, true, 0, false)));
                v.add(new Variant("raw-publish-4k", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.SEGMENT, 4096, true, 0, false)));
                v.add(new Variant("raw-read-4k", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.SEGMENT, 0, true, 4096, false)));
                v.add(new Variant("raw-256k", false, 256 << 10, LANE));
                v.add(new Variant("raw-1m", false, MIB, LANE));
                v.add(new Variant("raw-64m", false, 64 * MIB, LANE));
                v.add(new Variant("raw-64m-prefaulted", false, 64 * MIB, LANE.prefaulted()));
            }
            case "capacity" -> {
                for (int cap = 64 << 10; cap <= 64 * MIB; cap <<= 2) {
                    v.add(new Variant("ring-spin-" + TextReport.bytes(cap).replace(" ", ""), true, cap, LANE));
                    v.add(new Variant("raw-" + TextReport.bytes(cap).replace(" ", ""), false, cap, LANE));
                }
                v.add(new Variant("raw-64MiB-prefaulted", false, 64 * MIB, LANE.prefaulted()));
            }
            case "writer" -> {
                v.add(new Variant("ring-spin", true, 4 * MIB, LANE));
                v.add(new Variant("raw", false, 4 * MIB, LANE));
                v.add(new Variant("raw-memcpy-in", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.MEMCPY_IN, 0, true, 0, false)));
                v.add(new Variant("raw-memcpy", false, 4 * MIB, new RawRing.Tuning(RawRing.Copy.MEMCPY, 0, true, 0, false)));
            }
            case "chunk" -> {
                v.add(new Variant("ring-spin", true, 4 * MIB, LANE));
                v.add(new Variant("raw", false, 4 * MIB, LANE));
            }
            default -> throw new IllegalArgumentException("set=" + set + " is not causes, writer, capacity or chunk");
        }
        return v;
    }

    static List<Integer> chunks(String set) {
        return set.equals("chunk")
                ? List.of(64, 256, 1024, 4096, 16 << 10, 64 << 10, 256 << 10, MIB)
                : List.of(64 << 10);
    }

    /** Entry point: the harness, or with "peer" first, the peer it starts. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            ChildJvm.haltWhenParentGoes();
            peer(args);
            System.exit(0);
        }
        String set = "causes";
        int rounds = 5;
        long warmupMs = 300;
        long measureMs = 500;
        String cRing = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--set" -> set = value;
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--warmup-ms" -> warmupMs = Long.parseLong(value);
                case "--measure-ms" -> measureMs = Long.parseLong(value);
                case "--c-ring" -> cRing = value;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        run(set, rounds, warmupMs, measureMs, cRing, System.out, System.err);
        System.exit(0);
    }

    /** Runs the experiment; returns every cell's MB/s per round (the C ring's under "c-ring"). */
    static Map<String, List<Double>> run(String set, int rounds, long warmupMs, long measureMs, String cRing,
                                         PrintStream out, PrintStream progress) throws Exception {
        List<Variant> variants = variants(set);
        List<Integer> chunkSizes = chunks(set);
        List<Cell> cells = new ArrayList<>();
        for (int chunk : chunkSizes) {
            for (int v = 0; v < variants.size(); v++) {
                cells.add(new Cell(v, chunk));
            }
        }
        int buffer = chunkSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
        // the whole schedule up front, interleaved and rotated by round, so the peer knows it too
        List<Cell> schedule = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < cells.size(); i++) {
                schedule.add(cells.get((r + i) % cells.size()));
            }
        }
        Path dir = CrossProcess.tempDir("bulk-experiment");
        List<Link> links = new ArrayList<>();
        Map<String, List<Double>> figures = new LinkedHashMap<>();
        try {
            for (int v = 0; v < variants.size(); v++) {
                links.add(variants.get(v).create(dir.resolve(Integer.toString(v)), buffer));
            }
            List<String> peerArgs = new ArrayList<>(List.of("peer", set, dir.toString(), Integer.toString(buffer)));
            schedule.forEach(c -> peerArgs.add(c.variant() + ":" + c.chunk()));
            Process peer = ChildJvm.start(BulkExperiment.class, peerArgs);
            long start = System.nanoTime();
            for (int r = 0; r < rounds; r++) {
                progress.printf(Locale.ROOT, "bulk experiment: round %d/%d, %ds elapsed%n", r + 1, rounds,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
                for (int i = 0; i < cells.size(); i++) {
                    Cell c = schedule.get(r * cells.size() + i);
                    Link link = links.get(c.variant());
                    Protocol.streamUntil(link, c.chunk(), TimeUnit.MILLISECONDS.toNanos(warmupMs));
                    if (link instanceof RawRingLink raw) {
                        raw.out().sampleCopies(COPY_SAMPLES);
                    }
                    double mbs = Protocol.streamUntil(link, c.chunk(), TimeUnit.MILLISECONDS.toNanos(measureMs));
                    figures.computeIfAbsent(name(variants, c), k -> new ArrayList<>()).add(mbs);
                    if (link instanceof RawRingLink raw) {
                        figures.computeIfAbsent(name(variants, c) + COPY_IN, k -> new ArrayList<>())
                                .add(raw.out().medianCopyRate());
                    }
                }
                if (cRing != null) {
                    for (int chunk : chunkSizes) {
                        cRing(cRing, 4 * MIB, chunk, measureMs, figures);
                    }
                }
            }
            if (!peer.waitFor(30, TimeUnit.SECONDS) || peer.exitValue() != 0) {
                throw new IOException("the bulk experiment's peer did not end cleanly");
            }
            // the peer's copy-out rates, one line per timed cell: "NAME<TAB>GB/s"
            for (String line : Files.readAllLines(dir.resolve(COPY_OUT_FILE))) {
                String[] f = line.split("\t");
                figures.computeIfAbsent(f[0] + COPY_OUT, k -> new ArrayList<>()).add(Double.parseDouble(f[1]));
            }
        } finally {
            for (Link l : links) {
                l.close();
            }
            CrossProcess.deleteTree(dir);
        }
        print(out, set, rounds, warmupMs, measureMs, figures);
        return figures;
    }

    private static String name(List<Variant> variants, Cell c) {
        return variants.get(c.variant()).name() + " @" + TextReport.bytes(c.chunk());
    }

    /**
     * One run of the C ring: its output is "copy-out median N ns copy-in median N ns MODE cap=.. chunk=.. N MB/s".
     */
    private static void cRing(String program, int capacity, int chunk, long measureMs, Map<String, List<Double>> figures)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(program, Integer.toString(capacity), Integer.toString(chunk),
                Double.toString(measureMs / 1000.0), "memcpy").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "copy-out median (\\d+) ns copy-in median (\\d+) ns .* (\\d+) MB/s").matcher(output);
        if (p.waitFor() != 0 || !m.find()) {
            throw new IOException("c-ring " + program + " said: " + output);
        }
        String name = "c-ring-memcpy-4MiB @" + TextReport.bytes(chunk);
        figures.computeIfAbsent(name, k -> new ArrayList<>()).add(Double.parseDouble(m.group(3)));
        figures.computeIfAbsent(name + COPY_IN, k -> new ArrayList<>()).add((double) chunk / Long.parseLong(m.group(2)));
        figures.computeIfAbsent(name + COPY_OUT, k -> new ArrayList<>()).add((double) chunk / Long.parseLong(m.group(1)));
    }

    private static void print(PrintStream out, String set, int rounds, long warmupMs, long measureMs,
                              Map<String, List<Double>> figures) {
        out.printf(Locale.ROOT, "bulk experiment, set %s: MB/s between two processes, median [min-max] of %d interleaved rounds "
                + "(%d ms warm-up, %d ms timed each); load average %s at the end%n", set, rounds, warmupMs, measureMs,
                loadAverage());
        out.println("  (copy-in/copy-out: the median rate of single copies, GB/s, median over rounds; a copy is a few µs,");
        out.println("   so preemption on a loaded machine spoils few of them, where it spoils the end-to-end MB/s)");
        out.printf(Locale.ROOT, "%-28s %24s %7s %7s %16s %16s%n", "variant @chunk", "MB/s", "x raw", "x C",
                "copy-in GB/s", "copy-out GB/s");
        for (var e : figures.entrySet()) {
            String key = e.getKey();
            if (key.endsWith(COPY_IN) || key.endsWith(COPY_OUT)) {
                continue;
            }
            Summary s = summary(figures.get(key));
            String chunk = key.substring(key.indexOf('@'));
            Summary raw = summary(figures.get("raw " + chunk));
            Summary c = summary(figures.get("c-ring-memcpy-4MiB " + chunk));
            Summary in = summary(figures.get(key + COPY_IN));
            Summary cout = summary(figures.get(key + COPY_OUT));
            out.printf(Locale.ROOT, "%-28s %24s %7s %7s %16s %16s%n", key, TextReport.spread(s, 0),
                    raw == null ? "" : TextReport.ratio(s.median() / raw.median()),
                    c == null ? "" : TextReport.ratio(s.median() / c.median()),
                    in == null ? "" : TextReport.spread(in, 1), cout == null ? "" : TextReport.spread(cout, 1));
        }
    }

    private static Summary summary(List<Double> values) {
        return values == null ? null : Summary.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void peer(String[] args) throws IOException {
        List<Variant> variants = variants(args[1]);
        Path dir = Path.of(args[2]);
        int buffer = Integer.parseInt(args[3]);
        List<Link> links = new ArrayList<>();
        try {
            for (int v = 0; v < variants.size(); v++) {
                links.add(variants.get(v).open(dir.resolve(Integer.toString(v)), buffer));
            }
            StringBuilder rates = new StringBuilder();
            for (int i = 4; i < args.length; i++) {
                String[] cell = args[i].split(":");
                int variant = Integer.parseInt(cell[0]);
                Link link = links.get(variant);
                int chunk = Integer.parseInt(cell[1]);
                Protocol.drain(link, chunk);   // warm-up
                if (link instanceof RawRingLink raw) {
                    raw.in().sampleCopies(COPY_SAMPLES);
                }
                Protocol.drain(link, chunk);   // timed
                if (link instanceof RawRingLink raw) {
                    rates.append(name(variants, new Cell(variant, chunk))).append('\t')
                            .append(raw.in().medianCopyRate()).append('\n');
                }
            }
            Files.writeString(dir.resolve(COPY_OUT_FILE), rates);
        } finally {
            for (Link l : links) {
                l.close();
            }
        }
    }
}
