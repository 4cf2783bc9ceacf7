package org.ringipc.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSource;
import org.ringipc.core.WaitStrategy;
import org.ringipc.mmap.SharedRing;

/**
 * What idle rings cost: {@code N} BLOCK rings whose readers are all blocked in {@code read} (no
 * writer ever writes), in one process with the writers, then with the readers in a peer JVM. The
 * figure is the CPU time the readers' process used over the timed window, as a share of one core.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ring-bench/target/ring-bench.jar org.ringipc.bench.IdleRings [--rings N] [--seconds S]
 * </pre>
 */
public final class IdleRings {

    private static final int CAPACITY = 4096;

    private IdleRings() {
    }

    /** Entry point: the harness, or with "peer" first, the readers' process. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("peer")) {
            ChildJvm.haltWhenParentGoes();
            peer(Path.of(args[1]), Integer.parseInt(args[2]));
            System.exit(0);
        }
        int rings = 1000;
        int seconds = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rings" -> rings = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        run(rings, Duration.ofSeconds(seconds), System.out);
        System.exit(0);
    }

    /** The readers' share of one core, in process then across processes; returns them in that order. */
    static double[] run(int rings, Duration window, PrintStream out) throws Exception {
        Path dir = CrossProcess.tempDir("idle");
        try {
            List<SharedRing> made = new ArrayList<>();
            for (int i = 0; i < rings; i++) {
                made.add(SharedRing.create(dir.resolve(i + ".ring"), CAPACITY,
                        RingOptions.defaults().withWaitStrategy(WaitStrategy.BLOCK)));
            }
            // the writers' ends stay open in this process throughout, so no reader sees EOF
            List<AutoCloseable> sinks = new ArrayList<>();
            for (SharedRing r : made) {
                sinks.add(r.sink());
            }
            double inProcess = inProcess(made, window);
            double crossProcess = crossProcess(dir, rings, window);
            for (AutoCloseable s : sinks) {
                s.close();
            }
            for (SharedRing r : made) {
                r.close();
            }
            out.printf(Locale.ROOT, "%d idle BLOCK rings, readers blocked in read for %.1f s (load average %s):%n",
                    rings, window.toMillis() / 1000.0, java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            out.printf(Locale.ROOT, "  in process (this JVM, readers and writers): %.3f%% of one core%n", inProcess * 100);
            out.printf(Locale.ROOT, "  across processes (the readers' JVM):        %.3f%% of one core%n", crossProcess * 100);
            return new double[] {inProcess, crossProcess};
        } finally {
            CrossProcess.deleteTree(dir);
        }
    }

    /** Readers on threads of this JVM: this process's CPU time over the window. */
    private static double inProcess(List<SharedRing> rings, Duration window) throws Exception {
        List<Thread> readers = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(rings.size());
        for (SharedRing r : rings) {
            RingSource source = r.source();
            readers.add(Thread.ofPlatform().daemon().start(() -> blockedRead(source, started)));
        }
        started.await();
        Thread.sleep(1000);   // past the spin and yield phases, into the futex sleep
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis());
        double share = (double) (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);
        for (Thread t : readers) {
            t.interrupt();   // an interrupt closes the blocked end, as for an interruptible channel
        }
        for (Thread t : readers) {
            t.join();
        }
        return share;
    }

    /** Readers in a peer JVM: that process's CPU time over the window, from the process table. */
    private static double crossProcess(Path dir, int rings, Duration window) throws Exception {
        Process peer = ChildJvm.start(IdleRings.class, List.of("peer", dir.toString(), Integer.toString(rings)));
        try {
            // time to start, open every ring and get past the spin and yield phases into the futex sleep
            Thread.sleep(3000);
            if (!peer.isAlive()) {
                throw new IOException("the idle readers' JVM ended early with status " + peer.exitValue());
            }
            Duration cpu0 = peer.info().totalCpuDuration().orElseThrow();
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            Duration cpu1 = peer.info().totalCpuDuration().orElseThrow();
            return (double) cpu1.minus(cpu0).toNanos() / (System.nanoTime() - t0);
        } finally {
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void peer(Path dir, int rings) throws Exception {
        CountDownLatch started = new CountDownLatch(rings);
        for (int i = 0; i < rings; i++) {
            RingSource source = SharedRing.open(dir.resolve(i + ".ring")).source();
            Thread.ofPlatform().start(() -> blockedRead(source, started));
        }
        started.await();
        Thread.sleep(Long.MAX_VALUE);   // until the harness ends this JVM
    }

    private static void blockedRead(RingSource source, CountDownLatch started) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            started.countDown();
            source.read(buf);
        } catch (IOException e) {
            // interrupted (ClosedByInterruptException) or closed: the measurement is over
        }
    }
}
