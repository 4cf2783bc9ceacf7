package org.ringipc.mmap;

import org.ringipc.core.RingLayout;

/**
 * Who holds one end of a shared ring.
 *
 * @param pid   the holder's pid as the header records it (in the holder's PID namespace), 0 when
 *              nobody has held the end; informational only
 * @param state {@code "none"} (never opened), {@code "open"} or {@code "closed"}
 * @param alive whether a live holder has the end's lock: a kernel record lock, so this is right
 *              whatever PID namespace the holder runs in
 */
public record EndStatus(long pid, String state, boolean alive) {

    static EndStatus of(long pid, int state, boolean alive) {
        String name = switch (state) {
            case RingLayout.STATE_NONE -> "none";
            case RingLayout.STATE_OPEN -> "open";
            case RingLayout.STATE_CLOSED -> "closed";
            default -> "unknown(" + state + ")";
        };
        return new EndStatus(pid, name, alive);
    }

    /**
     * True when the end is marked open but no live holder has its lock: it will be taken over.
     *
     * @return whether the end's holder died with the end open
     */
    public boolean holderDied() {
        return "open".equals(state) && !alive;
    }
}
