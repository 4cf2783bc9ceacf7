package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.util.Objects;


/**
 * A lock-free single-producer/single-consumer byte ring off the Java heap: a pipe without the
 * kernel. One {@link RingSink} writes, one {@link RingSource} reads; bytes come out in order.
 *
 * <pre>{@code
 * try (Ring ring = Ring.allocate(1 << 20)) {
 *     RingSink sink = ring.sink();
 *     RingSource source = ring.source();
 *     Thread.ofPlatform().start(() -> { sink.write(ByteBuffer.wrap(data)); sink.close(); });
 *     ByteBuffer buf = ByteBuffer.allocate(8192);
 *     while (source.read(buf) >= 0) { buf.flip(); consume(buf); buf.clear(); }
 * }
 * }</pre>
 *
 * <p>The algorithm is the kernel's {@code circ_buf}/kfifo with free-running positions (see
 * {@link RingLayout}) and the cached-peer-position trick of FastFlow/BQueue as used by JCTools and
 * Agrona: each side re-reads the other's position only when its cached copy says full or empty.
 * Ordering: the producer copies bytes in, then stores {@code head} with release; the consumer loads
 * {@code head} with acquire, copies bytes out, then stores {@code tail} with release; the producer
 * loads {@code tail} with acquire before it overwrites freed bytes.
 *
 * <p>The memory, its checks, the claiming of ends and closing live in one shell shared with
 * {@link MessageRing}; the ends are {@code ByteProducer} and {@code ByteConsumer}.
 *
 * <p>A ring made by {@link #allocate} owns its memory and frees it on {@link #close()}; a ring from
 * {@link #format} or {@link #attach} lives in the caller's memory (a mapped file, say) and leaves
 * it alone. Close the ring after its ends: memory freed under a blocked call makes that call fail.
 */
public final class Ring implements AutoCloseable {

    private static final RingMemory.EndFactory<ByteProducer> PRODUCER = ByteProducer::new;
    private static final RingMemory.EndFactory<ByteConsumer> CONSUMER = ByteConsumer::new;

    private final RingMemory memory;

    private Ring(RingMemory memory) {
        this.memory = memory;
    }

    /**
     * A ring of {@code capacity} bytes in fresh off-heap memory, with {@link RingOptions#defaults()}.
     *
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @return a new ring with no ends open
     */
    public static Ring allocate(int capacity) {
        return allocate(capacity, RingOptions.defaults());
    }

    /**
     * A ring of {@code capacity} bytes in fresh off-heap memory that it owns.
     *
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header, and this handle's native copy
     * @return a new ring with no ends open
     * @throws IllegalArgumentException when capacity is not a power of two in 4096 .. 2^30
     */
    public static Ring allocate(int capacity, RingOptions options) {
        return new Ring(RingMemory.allocate(capacity, options, options.toFlags()));
    }

    /**
     * Header plus data: the bytes {@link #format} needs for this capacity.
     *
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @return the bytes the memory given to {@link #format} must hold
     */
    public static long requiredBytes(int capacity) {
        return RingLayout.requiredBytes(capacity);
    }

    /**
     * Lays a fresh header into caller memory, with {@link RingOptions#defaults()}.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @return the ring over {@code memory}, with no ends open
     */
    public static Ring format(MemorySegment memory, int capacity) {
        return format(memory, capacity, RingOptions.defaults());
    }

    /**
     * Lays a fresh header into caller memory (anything there is lost) and returns the ring. Handles
     * over the same memory in this process wake each other.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header, and this handle's native copy
     * @return the ring over {@code memory}, with no ends open
     * @throws IllegalArgumentException for a bad capacity or memory that is too small, on the heap
     *                                  or not 8-byte aligned
     */
    public static Ring format(MemorySegment memory, int capacity, RingOptions options) {
        return new Ring(RingMemory.format(memory, capacity, options, options.toFlags(), null, null));
    }

    /**
     * As {@link #format(MemorySegment, int, RingOptions)}, sleeping and waking through {@code doorbell}.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header, and this handle's native copy
     * @param doorbell how a blocked end sleeps and is woken
     * @return the ring over {@code memory}, with no ends open
     */
    public static Ring format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell) {
        return format(memory, capacity, options, doorbell, null);
    }

    /**
     * As {@link #format(MemorySegment, int, RingOptions, Doorbell)}, claiming ends and deciding a
     * peer's liveness through {@code locks} (null: {@link EndLocks#ownerWord}).
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header, and this handle's native copy
     * @param doorbell how a blocked end sleeps and is woken
     * @param locks who holds each end, and whether its holder is alive
     * @return the ring over {@code memory}, with no ends open
     */
    public static Ring format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell,
                              EndLocks locks) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(doorbell, "doorbell");
        return new Ring(RingMemory.format(memory, capacity, options, options.toFlags(), doorbell, locks));
    }

    /**
     * Validates the header in {@code memory} and returns the ring it describes (in-process waking).
     *
     * @param memory a header and data laid by {@link #format}
     * @return the ring {@code memory} holds
     * @throws RingFormatException naming the field when the header is not a ring this build reads
     */
    public static Ring attach(MemorySegment memory) throws RingFormatException {
        return new Ring(RingMemory.attach(memory, false, null, null, null));
    }

    /**
     * Validates the header in {@code memory}, every field against the memory's size, and returns the
     * ring; the options are the ones recorded at format time. Nothing in the memory is changed.
     *
     * @param memory a header and data laid by {@link #format}
     * @param doorbell how a blocked end sleeps and is woken
     * @return the ring {@code memory} holds
     * @throws RingFormatException naming the field that is wrong
     */
    public static Ring attach(MemorySegment memory, Doorbell doorbell) throws RingFormatException {
        return attach(memory, doorbell, null);
    }

    /**
     * As {@link #attach(MemorySegment, Doorbell)}, claiming ends and deciding a peer's liveness
     * through {@code locks} (null: {@link EndLocks#ownerWord}).
     *
     * @param memory a header and data laid by {@link #format}
     * @param doorbell how a blocked end sleeps and is woken
     * @param locks who holds each end, and whether its holder is alive
     * @return the ring {@code memory} holds
     * @throws RingFormatException naming the field that is wrong
     */
    public static Ring attach(MemorySegment memory, Doorbell doorbell, EndLocks locks) throws RingFormatException {
        Objects.requireNonNull(doorbell, "doorbell");
        return new Ring(RingMemory.attach(memory, false, null, doorbell, locks));
    }

    /**
     * As {@link #attach(MemorySegment, Doorbell, EndLocks)}, choosing native copy for this handle
     * ({@link RingOptions#withNativeCopy(boolean)}: a per-process choice the header does not record;
     * read its SIGBUS trade-off first when {@code memory} is a mapped file). The other options
     * are the ones recorded at format time; {@link #options()} reports them with this choice.
     *
     * @param memory a header and data laid by {@link #format}
     * @param doorbell how a blocked end sleeps and is woken
     * @param locks who holds each end, and whether its holder is alive (null: {@link EndLocks#ownerWord})
     * @param nativeCopy copy pieces of a few KiB or more in with the C library's {@code memcpy}
     * @return the ring {@code memory} holds
     * @throws RingFormatException naming the field that is wrong
     */
    public static Ring attach(MemorySegment memory, Doorbell doorbell, EndLocks locks, boolean nativeCopy)
            throws RingFormatException {
        Objects.requireNonNull(doorbell, "doorbell");
        return new Ring(RingMemory.attach(memory, false, nativeCopy, doorbell, locks));
    }

    /**
     * Opens the producer end. One sink at a time: a second call before the first is closed throws.
     * An end whose holder died is taken over.
     *
     * @return the producer end
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public RingSink sink() {
        return memory.open(HeaderSide.PRODUCER, PRODUCER);
    }

    /**
     * Opens the consumer end. One source at a time: a second call before the first is closed throws.
     * An end whose holder died is taken over.
     *
     * @return the consumer end
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public RingSource source() {
        return memory.open(HeaderSide.CONSUMER, CONSUMER);
    }

    /**
     * A snapshot of the counters in the header.
     *
     * @return the current counters
     */
    public RingStats stats() {
        return memory.stats();
    }

    /**
     * Data bytes the ring holds.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return memory.capacity;
    }

    /**
     * The options recorded in the header, with this handle's choice of native copy (as given to
     * {@link #allocate}, {@link #format} or {@link #attach(MemorySegment, Doorbell, EndLocks, boolean)};
     * not chosen after a plain attach).
     *
     * @return the wait strategy, overflow policy and native-copy choice
     */
    public RingOptions options() {
        return memory.options;
    }

    /**
     * Whether this handle's sink copies pieces of a few KiB or more in with the C library's
     * {@code memcpy} ({@link RingOptions#withNativeCopy(boolean)}): chosen, or the default for this
     * ring (on for {@link #allocate}), and available in this JVM (native access granted to
     * {@code org.ringipc.core}, {@code memcpy} found).
     *
     * @return true when copies in go through {@code memcpy}
     */
    public boolean nativeCopy() {
        return memory.data.nativeCopy();
    }

    /** Copies in this handle has done through {@code memcpy} (tests: the option's effect). */
    long nativeCopies() {
        return memory.data.nativeCopies();
    }

    /**
     * Closes both ends this ring object opened (the peers see EOF / broken pipe; a call running on
     * one of them fails with {@code AsynchronousCloseException}) and, for a ring from
     * {@link #allocate}, frees its memory. Idempotent.
     */
    @Override
    public void close() {
        memory.close();
    }

    /**
     * Registers this ring's stats as the MXBean {@code org.ringipc:type=Ring,name=<name>}; the ring
     * unregisters it when it closes.
     *
     * @param name the {@code name} key of the object name
     * @return the object name the MXBean is registered under
     * @throws IllegalStateException when that name is taken or this ring is already registered
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return memory.registerMXBean("Ring", name);
    }
}
