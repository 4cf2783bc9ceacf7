package org.ringipc.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU time the JIT compiler threads of this JVM and of the given peer processes (and their
 * children) have used so far, from Linux's {@code /proc/PID/task/TID/schedstat} (nanoseconds on a
 * CPU) of the threads named {@code C1 CompilerThre..} and {@code C2 CompilerThre..}.
 *
 * <p>Why the harness watches it: on two cores, a compile running during a timed run takes one of
 * the two cores the run's two ends spin on, and a figure so taken is a third or a half of the
 * settled one. A warm-up ends only once a slice of it ran with the compilers of both JVMs quiet
 * ({@link #quiet}). Where {@code /proc} cannot be read (not Linux), it reads 0, and warm-ups fall
 * back to their rate alone.
 */
final class CompilerTime {

    /** A slice is quiet when the compilers used less than this fraction of it. */
    static final double QUIET_FRACTION = 0.01;

    private final List<ProcessHandle> peers;

    private CompilerTime(List<ProcessHandle> peers) {
        this.peers = List.copyOf(peers);
    }

    /** This JVM's compilers only. */
    static CompilerTime self() {
        return new CompilerTime(List.of());
    }

    /** This JVM's compilers and those of {@code peer} and its descendants. */
    static CompilerTime with(ProcessHandle peer) {
        return new CompilerTime(List.of(peer));
    }

    /** This JVM's compilers and those of every one of {@code peers} and their descendants. */
    static CompilerTime with(List<ProcessHandle> peers) {
        return new CompilerTime(peers);
    }

    /** Compiler CPU time so far, in ns, summed over this JVM and the peers (and their children now alive). */
    long nanos() {
        long sum = of(ProcessHandle.current().pid());
        for (ProcessHandle p : peers) {
            sum += of(p.pid());
            for (ProcessHandle child : (Iterable<ProcessHandle>) p.descendants()::iterator) {
                sum += of(child.pid());
            }
        }
        return sum;
    }

    /**
     * True when the compilers were quiet from {@code compiledBefore} (an earlier {@link #nanos()})
     * and {@code beganNanos} (the {@code System.nanoTime()} read with it) until now.
     */
    boolean quietSince(long compiledBefore, long beganNanos) {
        long compiled = nanos() - compiledBefore;
        return quiet(compiled, System.nanoTime() - beganNanos);
    }

    /** True when {@code compilerNanos} of compiler time in a slice of {@code sliceNanos} is little enough to ignore. */
    static boolean quiet(long compilerNanos, long sliceNanos) {
        return compilerNanos < QUIET_FRACTION * sliceNanos;
    }

    /** The compiler threads' CPU time of process {@code pid}, in ns; 0 when it cannot be read. */
    static long of(long pid) {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        long sum = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path t : threads) {
                try {
                    String comm = Files.readString(t.resolve("comm"));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String stat = Files.readString(t.resolve("schedstat")).trim();
                        int space = stat.indexOf(' ');
                        sum += Long.parseLong(space < 0 ? stat : stat.substring(0, space));
                    }
                } catch (IOException | NumberFormatException e) {
                    // the thread ended between the listing and the read: it compiles no more
                }
            }
        } catch (IOException | SecurityException e) {
            return sum;   // no /proc (not Linux) or the process is gone
        }
        return sum;
    }
}
