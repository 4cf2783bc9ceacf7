package org.ringipc.core;

/** What a blocking {@code write} does when the ring has no room for it. */
public enum OverflowPolicy {
    /** Wait for the consumer to make room, as a pipe does. */
    BLOCK,
    /**
     * Never wait: a write that does not fit whole is discarded whole and counted in
     * {@link RingStats#drops()} and {@link RingStats#bytesDropped()}, like a DMA engine whose
     * consumer fell behind.
     */
    DROP
}
