package org.ringipc.core;

/**
 * How an end waits when the ring is empty (consumer) or full (producer).
 *
 * <p>The strategy is a property of the ring, recorded in its header, so both ends of a shared ring
 * agree on it. Only {@link #BLOCK} puts a thread to sleep until its peer wakes it; the others
 * poll, so a waker under them pays nothing at all.
 */
public enum WaitStrategy {
    /** Busy-spin with {@link Thread#onSpinWait()}: the lowest latency, one core burnt per waiting end. */
    SPIN,
    /** Spin, then {@link Thread#yield()} between polls. */
    YIELD,
    /** Spin, yield, then park for growing intervals (1 µs .. 1 ms) between polls; no wake-up needed. */
    BACKOFF,
    /**
     * Spin briefly (about 20 µs), yield until about 60 µs, then sleep until the peer wakes it, the
     * way a pipe sleeps: the sleeper announces itself with a flag, re-checks, then parks (in-process)
     * or futex-waits (across processes); a waker pays for the wake-up only when that flag is set.
     * Uses no CPU while asleep. The first wait after a thread woke its peer, or was woken, skips the
     * spin: the woken thread often runs on the waker's CPU.
     */
    BLOCK
}
