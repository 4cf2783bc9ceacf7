package org.ringipc.mmap;

import java.util.Optional;

import org.ringipc.core.RingLayout;

/**
 * Who holds one end of a shared ring, as its header records it.
 *
 * @param pid         the holder's pid, 0 when nobody holds the end
 * @param startMillis the holder's start time (epoch millis) recorded with the pid, 0 if unknown
 * @param state       {@code "none"} (never opened), {@code "open"} or {@code "closed"}
 * @param alive       whether a process with that pid runs and started at that time; false for pid 0
 */
public record EndStatus(long pid, long startMillis, String state, boolean alive) {

    /** Start times are compared within this slack: each JVM derives them from /proc its own way. */
    private static final long START_SLACK_MILLIS = 1_000;

    static EndStatus of(long pid, long startMillis, int state) {
        String name = switch (state) {
            case RingLayout.STATE_NONE -> "none";
            case RingLayout.STATE_OPEN -> "open";
            case RingLayout.STATE_CLOSED -> "closed";
            default -> "unknown(" + state + ")";
        };
        return new EndStatus(pid, startMillis, name, pid > 0 && isAlive(pid, startMillis));
    }

    /** True when the end is marked open by a process that no longer runs: it will be taken over. */
    public boolean holderDied() {
        return "open".equals(state) && pid > 0 && !alive;
    }

    private static boolean isAlive(long pid, long startMillis) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        long started = handle.get().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        return startMillis == 0 || started == 0 || Math.abs(started - startMillis) <= START_SLACK_MILLIS;
    }
}
