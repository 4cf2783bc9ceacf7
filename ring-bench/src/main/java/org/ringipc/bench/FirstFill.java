package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

/**
 * What a ring file's first touch costs: one thread creates a fresh ring file (or creates it and
 * opens it again, as a peer process maps it) and writes one ring's worth of 64 KiB chunks into it,
 * so every data page is touched for the first time by a copy. No reader runs, and the rates are
 * bytes per second of the writing thread's own CPU time (user and system, page faults included), so
 * that a shared machine's other load, which takes the thread off its core, does not count. Rounds
 * alternate the two handles; the CPU time to create (and open) is printed beside them, since that
 * is where prefaulting moves the cost.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ring-bench/target/ring-bench.jar org.ringipc.bench.FirstFill [CAPACITY_MIB] [ROUNDS]
 * </pre>
 */
public final class FirstFill {

    private static final int CHUNK = 64 << 10;

    private FirstFill() {
    }

    /** Entry point: {@code [capacity in MiB, default 64] [rounds, default 9]}. */
    public static void main(String[] args) throws IOException {
        int capacity = (args.length > 0 ? Integer.parseInt(args[0]) : 64) << 20;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) ? Files.createTempDirectory(shm, "ring-first-fill-")
                : Files.createTempDirectory("ring-first-fill-");
        List<double[]> created = new ArrayList<>();
        List<double[]> opened = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment chunk = arena.allocate(CHUNK, 64);
            for (int r = 0; r < rounds; r++) {
                created.add(fill(dir.resolve("c" + r), capacity, chunk, false));
                opened.add(fill(dir.resolve("o" + r), capacity, chunk, true));
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.delete(dir);
        }
        System.out.printf(Locale.ROOT, "first fill of a %d MiB ring in 64 KiB writes, median [min-max] of %d rounds"
                + " (load average %s):%n", capacity >> 20, rounds,
                Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        print("created handle", created);
        print("opened handle ", opened);
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /** [MB per CPU second of the fill, CPU ms to create (and open)] for one fresh ring file. */
    private static double[] fill(Path file, int capacity, MemorySegment chunk, boolean reopen) throws IOException {
        RingOptions spin = RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN);
        long t0 = CPU.getCurrentThreadCpuTime();
        try (SharedRing made = SharedRing.create(file, capacity, spin);
             SharedRing ring = reopen ? SharedRing.open(file) : made;
             RingSink sink = ring.sink()) {
            long t1 = CPU.getCurrentThreadCpuTime();
            for (long written = 0; written < capacity; written += CHUNK) {
                sink.write(chunk);
            }
            long t2 = CPU.getCurrentThreadCpuTime();
            return new double[] {capacity / ((t2 - t1) / 1e3), (t1 - t0) / 1e6};
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void print(String label, List<double[]> rows) {
        System.out.printf(Locale.ROOT, "  %s: fill %,.0f MB per CPU s [%,.0f-%,.0f], create%s %.1f CPU ms [%.1f-%.1f]%n", label,
                median(rows, 0), min(rows, 0), max(rows, 0), label.startsWith("opened") ? "+open" : "",
                median(rows, 1), min(rows, 1), max(rows, 1));
    }

    private static double median(List<double[]> rows, int col) {
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v[v.length / 2];
    }

    private static double min(List<double[]> rows, int col) {
        return rows.stream().mapToDouble(r -> r[col]).min().orElseThrow();
    }

    private static double max(List<double[]> rows, int col) {
        return rows.stream().mapToDouble(r -> r[col]).max().orElseThrow();
    }
}
