package org.ringipc.core;

import java.util.Objects;

/**
 * Immutable ring options; every {@code with*} returns a copy.
 *
 * <pre>{@code
 * RingOptions opts = RingOptions.defaults()
 *         .withWaitStrategy(WaitStrategy.SPIN)
 *         .withOverflowPolicy(OverflowPolicy.DROP);
 * }</pre>
 *
 * <p>Options are recorded in the ring's header when it is formatted, so every process that
 * attaches to a shared ring uses the creator's options.
 */
public final class RingOptions {

    private static final RingOptions DEFAULTS = new RingOptions(WaitStrategy.BLOCK, OverflowPolicy.BLOCK);

    private final WaitStrategy waitStrategy;
    private final OverflowPolicy overflowPolicy;

    private RingOptions(WaitStrategy waitStrategy, OverflowPolicy overflowPolicy) {
        this.waitStrategy = waitStrategy;
        this.overflowPolicy = overflowPolicy;
    }

    /**
     * {@link WaitStrategy#BLOCK} waits and {@link OverflowPolicy#BLOCK} on overflow: a pipe.
     *
     * @return the default options
     */
    public static RingOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A copy with the given wait strategy.
     *
     * @param strategy how an end waits for its peer
     * @return new options; this one is unchanged
     */
    public RingOptions withWaitStrategy(WaitStrategy strategy) {
        return new RingOptions(Objects.requireNonNull(strategy, "strategy"), overflowPolicy);
    }

    /**
     * A copy with the given overflow policy.
     *
     * @param policy what a blocking write does when the ring is full
     * @return new options; this one is unchanged
     */
    public RingOptions withOverflowPolicy(OverflowPolicy policy) {
        return new RingOptions(waitStrategy, Objects.requireNonNull(policy, "policy"));
    }

    /**
     * How an end waits for its peer.
     *
     * @return the wait strategy
     */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    /**
     * What a blocking write does when the ring is full.
     *
     * @return the overflow policy
     */
    public OverflowPolicy overflowPolicy() {
        return overflowPolicy;
    }

    int toFlags() {
        return waitStrategy.ordinal() << RingLayout.FLAG_WAIT_SHIFT
                | overflowPolicy.ordinal() << RingLayout.FLAG_OVERFLOW_SHIFT;
    }

    /**
     * Decodes the options in the header's flags word; null when it holds values this version does not
     * know. The kind bit ({@link RingLayout#FLAG_MESSAGES}) is known but is not an option: the
     * {@code attach} of each ring kind checks it.
     */
    static RingOptions fromFlags(int flags) {
        int wait = flags >>> RingLayout.FLAG_WAIT_SHIFT & RingLayout.FLAG_FIELD_MASK;
        int overflow = flags >>> RingLayout.FLAG_OVERFLOW_SHIFT & RingLayout.FLAG_FIELD_MASK;
        if ((flags & ~RingLayout.FLAG_KNOWN_BITS) != 0
                || wait >= WaitStrategy.values().length || overflow >= OverflowPolicy.values().length) {
            return null;
        }
        return new RingOptions(WaitStrategy.values()[wait], OverflowPolicy.values()[overflow]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingOptions other
                && waitStrategy == other.waitStrategy && overflowPolicy == other.overflowPolicy;
    }

    @Override
    public int hashCode() {
        return waitStrategy.hashCode() * 31 + overflowPolicy.hashCode();
    }

    @Override
    public String toString() {
        return "RingOptions[waitStrategy=" + waitStrategy + ", overflowPolicy=" + overflowPolicy + "]";
    }
}
