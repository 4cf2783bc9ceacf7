package org.ringipc.core;

import java.util.Optional;

/**
 * Who holds an end: a pid plus the process's start time, so that a pid reused by an unrelated
 * process is not mistaken for the holder.
 */
final class ProcessIdentity {

    static final long PID = ProcessHandle.current().pid();
    static final long START_MILLIS = startMillis(ProcessHandle.current());

    /** Start times are compared within this slack: each JVM derives them from /proc in its own way. */
    private static final long START_SLACK_MILLIS = 1_000;

    private ProcessIdentity() {
    }

    /** True when {@code pid} runs and, if {@code startMillis} is known, started then. */
    static boolean isAlive(long pid, long startMillis) {
        if (pid == PID) {
            return true;
        }
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        long started = startMillis(handle.get());
        return startMillis == 0 || started == 0 || Math.abs(started - startMillis) <= START_SLACK_MILLIS;
    }

    private static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    }
}
