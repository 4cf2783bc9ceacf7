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
 * <p>The wait strategy and overflow policy are recorded in the ring's header when it is formatted,
 * so every process that attaches to a shared ring uses the creator's. {@link #nativeCopy()} is the
 * one per-process option: it is never recorded, each process (each handle) chooses its own.
 */
public final class RingOptions {

    private static final RingOptions DEFAULTS = new RingOptions(WaitStrategy.BLOCK, OverflowPolicy.BLOCK, null);

    private final WaitStrategy waitStrategy;
    private final OverflowPolicy overflowPolicy;
    /** The caller's choice of native copy; null when not chosen (each ring kind's default applies). */
    private final Boolean nativeCopy;

    private RingOptions(WaitStrategy waitStrategy, OverflowPolicy overflowPolicy, Boolean nativeCopy) {
        this.waitStrategy = waitStrategy;
        this.overflowPolicy = overflowPolicy;
        this.nativeCopy = nativeCopy;
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
        return new RingOptions(Objects.requireNonNull(strategy, "strategy"), overflowPolicy, nativeCopy);
    }

    /**
     * A copy with the given overflow policy.
     *
     * @param policy what a blocking write does when the ring is full
     * @return new options; this one is unchanged
     */
    public RingOptions withOverflowPolicy(OverflowPolicy policy) {
        return new RingOptions(waitStrategy, Objects.requireNonNull(policy, "policy"), nativeCopy);
    }

    /**
     * A copy that asks for (or refuses) native copy: the producer copies pieces of at least a few
     * KiB into the ring with the C library's {@code memcpy} through an FFM downcall instead of
     * {@code MemorySegment.copy}. Between processes on far-apart cores this moves bulk data
     * several times faster: {@code memcpy}'s {@code rep movsb} stores do not each wait for a
     * read-for-ownership of a line the consumer's core has just read, the ordinary vector stores
     * of {@code MemorySegment.copy} do. Smaller pieces, and every copy out, stay in Java. Ordering is
     * unchanged: the copy completes before the release store that publishes it.
     *
     * <p><b>The trade-off: a truncated mapped file kills the JVM.</b> If another process truncates
     * a ring file while this one maps it, a {@code MemorySegment.copy} into the lost pages throws
     * (the ring reports an {@code IOException} saying the file was truncated) and the JVM goes on;
     * a {@code memcpy} into them raises SIGBUS, which ends the JVM. The same holds for a source
     * segment that is itself a mapped file. Turn this on for a ring file only when every process
     * that can write the file is trusted not to truncate it.
     *
     * <p>Per process, never recorded in the ring's header: {@code SharedRing.create} takes it from
     * these options for its own handle, and each other process chooses its own when it opens the
     * file ({@code SharedRing.open(Path, boolean)}, {@link Ring#attach(java.lang.foreign.MemorySegment,
     * Doorbell, EndLocks, boolean)}). Not chosen ({@link #defaults()}): on for rings whose memory the
     * library allocates ({@link Ring#allocate}, which nobody can truncate), off for rings in caller
     * memory ({@link Ring#format}, {@link Ring#attach}, every shared file). Message rings and
     * {@link LockedRing} always copy in Java.
     *
     * <p>Honoured only when the module {@code org.ringipc.core} has native access
     * ({@code --enable-native-access=org.ringipc.core} on the module path, {@code =ALL-UNNAMED} on
     * the class path) and the platform's linker finds {@code memcpy}; otherwise the ring copies in
     * Java, silently (no JVM warning). {@link Ring#nativeCopy()} says what a ring does.
     *
     * @param enabled true to copy in with {@code memcpy}, false to always copy in Java
     * @return new options; this one is unchanged
     */
    public RingOptions withNativeCopy(boolean enabled) {
        return new RingOptions(waitStrategy, overflowPolicy, enabled);
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

    /**
     * Whether these options ask for native copy ({@link #withNativeCopy(boolean)}); false when they
     * do not choose, as {@link #defaults()} does not, and then each ring kind's default applies (on
     * for {@link Ring#allocate}). What a ring actually does is {@link Ring#nativeCopy()}.
     *
     * @return true only after {@code withNativeCopy(true)}
     */
    public boolean nativeCopy() {
        return Boolean.TRUE.equals(nativeCopy);
    }

    /** Native copy as chosen, or {@code ownedMemoryDefault} when not chosen. */
    boolean nativeCopyOr(boolean ownedMemoryDefault) {
        return nativeCopy != null ? nativeCopy : ownedMemoryDefault;
    }

    /** The header's flags for these options; native copy is per process and never among them. */
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
        // native copy is not in the header: an attaching process chooses its own
        return new RingOptions(WaitStrategy.values()[wait], OverflowPolicy.values()[overflow], null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RingOptions other
                && waitStrategy == other.waitStrategy && overflowPolicy == other.overflowPolicy
                && Objects.equals(nativeCopy, other.nativeCopy);
    }

    @Override
    public int hashCode() {
        return (waitStrategy.hashCode() * 31 + overflowPolicy.hashCode()) * 31 + Objects.hashCode(nativeCopy);
    }

    @Override
    public String toString() {
        return "RingOptions[waitStrategy=" + waitStrategy + ", overflowPolicy=" + overflowPolicy
                + (nativeCopy == null ? "" : ", nativeCopy=" + nativeCopy) + "]";
    }
}
