package org.ringipc.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who holds an end, as one 64-bit word that is written and read atomically: the pid in the low 32
 * bits and the low 32 bits of the process's start time (clock ticks since boot, field 22 of
 * {@code /proc/PID/stat}) in the high 32, so that a pid reused by an unrelated process is not
 * mistaken for the holder. A start of 0 means "unknown" (no {@code /proc}), and then only the pid
 * is compared.
 *
 * <p>This decides liveness only for rings in memory shared by other means than a ring file; a ring
 * file's ends are held by kernel record locks, which need no pid at all (see {@link EndLocks}).
 */
final class ProcessIdentity {

    static final long PID = ProcessHandle.current().pid();
    /** This process's owner word. */
    static final long TOKEN = token(PID, startTicks(PID));

    private ProcessIdentity() {
    }

    static long token(long pid, long startTicks) {
        return (startTicks & 0xFFFF_FFFFL) << 32 | (pid & 0xFFFF_FFFFL);
    }

    /** The pid part of an owner word. */
    static long pid(long token) {
        return token & 0xFFFF_FFFFL;
    }

    /** True when the process an owner word names still runs (this process included). */
    static boolean isAlive(long token) {
        if (token == TOKEN) {
            return true;
        }
        long pid = pid(token);
        if (pid <= 0) {
            return false;
        }
        long start = token >>> 32;
        long now = startTicks(pid);
        if (now < 0) {
            return false;  // no such process
        }
        return start == 0 || now == 0 || (now & 0xFFFF_FFFFL) == start;
    }

    /**
     * The start time of {@code pid} in clock ticks; 0 when it cannot be read (no {@code /proc}, or
     * a {@code hidepid} mount) although the process exists; -1 when there is no such process.
     */
    static long startTicks(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | SecurityException e) {
            return ProcessHandle.of(pid).map(h -> h.isAlive() ? 0L : -1L).orElse(-1L);
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        try {
            return Long.parseLong(fields[19]);  // field 22 of the line: starttime
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
