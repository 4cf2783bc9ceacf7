package org.ringipc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which CPU a measuring thread runs on. The two ends of a throughput lane are pinned to two
 * different CPUs: left to the scheduler, an end woken by its peer is often run on the waker's CPU
 * (where the pair then shares one core and its caches) and at other times on the other CPU, and a
 * lane's rate jumped between those two placements from round to round (ring-block's 64 KiB bulk
 * 3.5-22 GB/s within one run). Pinned, every round measures the same placement: two cores, the
 * data crossing between them, as two processes on a loaded machine would mostly see it.
 *
 * <p>Linux only ({@code sched_setaffinity} on the calling thread); elsewhere, or with fewer than
 * two CPUs allowed, {@link #plan()} is empty and nothing is pinned.
 */
final class Affinity {

    /** A {@code cpu_set_t}: 1024 bits. */
    private static final int SET_BYTES = 128;
    private static final MethodHandle SET;
    private static final MethodHandle GET;

    static {
        MethodHandle set = null;
        MethodHandle get = null;
        try {
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
            Optional<MemorySegment> s = linker.defaultLookup().find("sched_setaffinity");
            Optional<MemorySegment> g = linker.defaultLookup().find("sched_getaffinity");
            if (s.isPresent() && g.isPresent() && System.getProperty("os.name", "").startsWith("Linux")) {
                set = linker.downcallHandle(s.get(), fd);
                get = linker.downcallHandle(g.get(), fd);
            }
        } catch (RuntimeException | LinkageError e) {
            // no native access or no such call: nothing is pinned
        }
        SET = set;
        GET = get;
    }

    private Affinity() {
    }

    /** The CPUs the calling thread may run on, ascending; empty when that cannot be asked. */
    static List<Integer> allowed() {
        List<Integer> cpus = new ArrayList<>();
        if (GET == null) {
            return cpus;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(SET_BYTES);
            if ((int) GET.invokeExact(0, (long) SET_BYTES, mask) != 0) {
                return cpus;
            }
            for (int cpu = 0; cpu < SET_BYTES * 8; cpu++) {
                if ((mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                    cpus.add(cpu);
                }
            }
        } catch (Throwable t) {
            cpus.clear();
        }
        return cpus;
    }

    /**
     * The CPUs of a pinned run: the harness's measuring thread (and the C driver, which times) on
     * {@code harness}, every peer's measuring thread on {@code peer}; {@code all} is what this
     * process may use, which child processes get at their start (so a peer JVM's own threads, its
     * compilers and collector, run where the scheduler puts them; only its measuring thread pins).
     */
    record Pinning(int harness, int peer, List<Integer> all) {
        Pinning {
            all = List.copyOf(all);
        }

        /** For the report. */
        String describe() {
            return "harness end on CPU " + harness + ", peer end on CPU " + peer;
        }
    }

    /** The environment variable that tells a peer process which CPU its measuring thread pins to. */
    static final String PEER_CPU_ENV = "RING_BENCH_PEER_CPU";

    /** The pinning of the run in progress, or null when its ends are not pinned. */
    private static volatile Pinning current;

    /**
     * The pinning this process can make: its first two allowed CPUs. Empty with fewer than two,
     * off Linux, or without native access.
     */
    static Optional<Pinning> plan() {
        List<Integer> cpus = allowed();
        return cpus.size() < 2 ? Optional.empty() : Optional.of(new Pinning(cpus.get(0), cpus.get(1), cpus));
    }

    /**
     * Makes {@code pinning} the run's (null: none) and pins the calling thread, the harness's
     * measuring thread, to its CPU; false when the pin failed (then nothing is pinned).
     */
    static boolean begin(Pinning pinning) {
        if (pinning == null || !pin(pinning.harness())) {
            current = null;
            return false;
        }
        current = pinning;
        return true;
    }

    /** Ends the run's pinning and lets the calling thread run anywhere it may again. */
    static void end() {
        Pinning p = current;
        current = null;
        if (p != null) {
            set(p.all());
        }
    }

    /** The run's pinning, when its ends are pinned. */
    static Optional<Pinning> current() {
        return Optional.ofNullable(current);
    }

    /** Pins the calling thread, a peer's measuring thread, to the run's peer CPU; no-op when unpinned. */
    static void pinPeerEnd() {
        Pinning p = current;
        if (p != null) {
            pin(p.peer());
        }
    }

    /**
     * In a peer process: pins the calling thread to the CPU in {@link #PEER_CPU_ENV}, if the harness
     * set it; no-op otherwise.
     */
    static void pinFromEnvironment() {
        String cpu = System.getenv(PEER_CPU_ENV);
        if (cpu != null && !cpu.isBlank()) {
            pin(Integer.parseInt(cpu.strip()));
        }
    }

    /** Which CPUs a child process is started on. */
    enum Side {
        /** Every CPU this process may use; a peer JVM pins its own measuring thread ({@link #PEER_CPU_ENV}). */
        ANY,
        /** Only the harness's CPU: a single-threaded C process that times (the C driver). */
        HARNESS,
        /** Only the peer's CPU: a single-threaded C process at the far end. */
        PEER
    }

    /**
     * Starts {@code builder}'s process on {@code side}'s CPUs when the run is pinned (a child takes
     * the CPU mask of the thread that starts it, so the calling thread's mask is set for the start
     * and then restored), and tells it the peer CPU through {@link #PEER_CPU_ENV}. Unpinned, just
     * starts it.
     */
    static Process start(ProcessBuilder builder, Side side) throws java.io.IOException {
        Pinning p = current;
        if (p == null) {
            builder.environment().remove(PEER_CPU_ENV);
            return builder.start();
        }
        builder.environment().put(PEER_CPU_ENV, Integer.toString(p.peer()));
        List<Integer> mask = switch (side) {
            case ANY -> p.all();
            case HARNESS -> List.of(p.harness());
            case PEER -> List.of(p.peer());
        };
        List<Integer> before = allowed();
        set(mask);
        try {
            return builder.start();
        } finally {
            set(before);
        }
    }

    /**
     * Pins the calling thread to {@code cpu}; false (and nothing changed) when that failed, e.g. the
     * CPU is not allowed or there is no native access.
     */
    static boolean pin(int cpu) {
        return set(List.of(cpu));
    }

    /** Lets the calling thread run on exactly the CPUs in {@code cpus}; false when that failed. */
    static boolean set(List<Integer> cpus) {
        if (SET == null || cpus.isEmpty()) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(SET_BYTES);
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= SET_BYTES * 8) {
                    throw new IllegalArgumentException("cpu=" + cpu + " is outside 0.." + (SET_BYTES * 8 - 1));
                }
                int b = cpu / 8;
                mask.set(ValueLayout.JAVA_BYTE, b, (byte) (mask.get(ValueLayout.JAVA_BYTE, b) | (1 << (cpu % 8))));
            }
            return (int) SET.invokeExact(0, (long) SET_BYTES, mask) == 0;
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            return false;
        }
    }
}
