package org.ringipc.core;

import java.lang.foreign.MemorySegment;
import java.util.Objects;



/**
 * A lock-free single-producer/single-consumer ring of framed messages off the Java heap: what a
 * {@link Ring} is to a pipe, this is to a message queue. One {@link MessageSink} writes whole
 * messages, one {@link MessageSource} handles them in order, boundaries kept, in place.
 *
 * <pre>{@code
 * try (MessageRing ring = MessageRing.allocate(1 << 16)) {
 *     MessageSink sink = ring.sink();
 *     MessageSource source = ring.source();
 *     Thread.ofPlatform().start(() -> { for (var m : msgs) sink.write(m); sink.close(); });
 *     while (source.take(msg -> handle(msg)) > 0) { }
 * }
 * }</pre>
 *
 * <p>It shares the byte ring's header ({@link RingLayout}: head, tail, telemetry, end states,
 * waiting flags) and the shell around it (format and attach checks, claiming ends, takeover,
 * peer-death detection, stats, close); its ends are {@code RecordProducer} and
 * {@code RecordConsumer}. Records are published as in
 * Agrona: the consumer acquires each record's header word instead of the producer's head, and
 * zeroes what it read before releasing its tail ({@link RecordLayout} gives the argument). The
 * identity flags carry {@link RingLayout#FLAG_MESSAGES}, so
 * {@link Ring#attach} refuses a message ring and {@link #attach} refuses a byte ring. The data region
 * holds records laid out by {@link RecordLayout} (Agrona's {@code RecordDescriptor} idea: an 8-byte
 * header of length and type, 8-byte alignment, a padding record at the wrap).
 *
 * <p>The largest message is {@link #maxMessageLength()} = {@code capacity / 2 - 8} bytes: a record
 * never splits at the wrap, so it may have to wait behind a padding record covering almost the rest
 * of the ring, and only a record of at most half the ring is sure to fit beside that padding.
 *
 * <p>{@link #stats()}: {@code bytesWritten}, {@code bytesRead}, {@code used}, {@code free} and
 * {@code bytesDropped} count ring bytes, framing included (record headers, alignment, wrap padding);
 * {@code writes}, {@code reads} and {@code drops} count messages.
 *
 * <p>A ring made by {@link #allocate} owns its memory and frees it on {@link #close()}; one from
 * {@link #format} or {@link #attach} lives in the caller's memory (a mapped file, say). Close the ring
 * after its ends.
 */
public final class MessageRing implements AutoCloseable {

    private static final RingMemory.EndFactory<RecordProducer> PRODUCER = new RingMemory.EndFactory<>() {
        @Override
        public void recover(RingMemory memory) {
            RecordProducer.recover(memory);
        }

        @Override
        public void prepare(RingMemory memory) {
            RecordProducer.prepare(memory);
        }

        @Override
        public RecordProducer open(RingMemory memory) {
            return new RecordProducer(memory);
        }
    };

    private static final RingMemory.EndFactory<RecordConsumer> CONSUMER = new RingMemory.EndFactory<>() {
        @Override
        public void recover(RingMemory memory) {
            RecordConsumer.recover(memory);
        }

        @Override
        public RecordConsumer open(RingMemory memory) {
            return new RecordConsumer(memory);
        }
    };

    private final RingMemory memory;

    private MessageRing(RingMemory memory) {
        this.memory = memory;
    }

    /**
     * A message ring of {@code capacity} bytes in fresh off-heap memory, with {@link RingOptions#defaults()}.
     *
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @return a new message ring with no ends open
     */
    public static MessageRing allocate(int capacity) {
        return allocate(capacity, RingOptions.defaults());
    }

    /**
     * A message ring of {@code capacity} bytes (framing included) in fresh off-heap memory that it owns.
     *
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header
     * @return a new message ring with no ends open
     * @throws IllegalArgumentException when capacity is not a power of two in 4096 .. 2^30
     */
    public static MessageRing allocate(int capacity, RingOptions options) {
        return new MessageRing(RingMemory.allocate(capacity, options, flags(options)));
    }

    /**
     * Header plus data: the bytes {@link #format} needs for this capacity (the same as a byte ring's).
     *
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @return the bytes the memory given to {@link #format} must hold
     */
    public static long requiredBytes(int capacity) {
        return RingLayout.requiredBytes(capacity);
    }

    /**
     * Lays a fresh message-ring header into caller memory, with {@link RingOptions#defaults()}.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @return the message ring over {@code memory}, with no ends open
     */
    public static MessageRing format(MemorySegment memory, int capacity) {
        return format(memory, capacity, RingOptions.defaults());
    }

    /**
     * Lays a fresh message-ring header into caller memory (anything there is lost), waking in-process.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header
     * @return the message ring over {@code memory}, with no ends open
     */
    public static MessageRing format(MemorySegment memory, int capacity, RingOptions options) {
        return format(memory, capacity, options, null, null);
    }

    /**
     * Lays a fresh message-ring header into caller memory (anything there is lost) and returns the
     * ring, sleeping and waking through {@code doorbell}.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header
     * @param doorbell how a blocked end sleeps and is woken
     * @return the message ring over {@code memory}, with no ends open
     * @throws IllegalArgumentException for a bad capacity or memory that is too small, on the heap or
     *                                  not 8-byte aligned
     */
    public static MessageRing format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell) {
        Objects.requireNonNull(doorbell, "doorbell");
        return format(memory, capacity, options, doorbell, null);
    }

    /**
     * As {@link #format(MemorySegment, int, RingOptions, Doorbell)}, claiming ends and deciding a
     * peer's liveness through {@code locks}; null doorbell or locks mean the in-process defaults.
     *
     * @param memory at least {@link #requiredBytes(int)} bytes, 8-byte aligned
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header
     * @param doorbell how a blocked end sleeps and is woken; null for the in-process default
     * @param locks who holds each end, and whether its holder is alive; null for the in-process default
     * @return the message ring over {@code memory}, with no ends open
     */
    public static MessageRing format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell,
                                     EndLocks locks) {
        Objects.requireNonNull(options, "options");
        RingMemory ring = RingMemory.format(memory, capacity, options, flags(options), doorbell, locks);
        // a zero header word means "no record yet": the caller's memory may hold anything
        ring.data.zero(0, capacity);
        return new MessageRing(ring);
    }

    /**
     * Validates the message-ring header in {@code memory} and returns the ring (in-process waking).
     *
     * @param memory a header and data laid by {@link #format}
     * @return the message ring {@code memory} holds
     * @throws RingFormatException naming the field when the header is not a message ring this build
     *     reads
     */
    public static MessageRing attach(MemorySegment memory) throws RingFormatException {
        return new MessageRing(RingMemory.attach(memory, true, null, null, null));
    }

    /**
     * Validates the header in {@code memory} as {@link Ring#attach} does, and that it is a message
     * ring whose positions sit on record boundaries; the options are the ones recorded at format time.
     * Nothing in the memory is changed.
     *
     * @param memory a header and data laid by {@link #format}
     * @param doorbell how a blocked end sleeps and is woken
     * @return the message ring {@code memory} holds
     * @throws RingFormatException naming the field that is wrong (a byte ring: {@code flags})
     */
    public static MessageRing attach(MemorySegment memory, Doorbell doorbell) throws RingFormatException {
        Objects.requireNonNull(doorbell, "doorbell");
        return attach(memory, doorbell, null);
    }

    /**
     * As {@link #attach(MemorySegment, Doorbell)}, claiming ends and deciding a peer's liveness
     * through {@code locks}; null doorbell or locks mean the in-process defaults.
     *
     * @param memory a header and data laid by {@link #format}
     * @param doorbell how a blocked end sleeps and is woken; null for the in-process default
     * @param locks who holds each end, and whether its holder is alive; null for the in-process default
     * @return the message ring {@code memory} holds
     * @throws RingFormatException naming the field that is wrong
     */
    public static MessageRing attach(MemorySegment memory, Doorbell doorbell, EndLocks locks)
            throws RingFormatException {
        return new MessageRing(RingMemory.attach(memory, true, null, doorbell, locks));
    }

    private static int flags(RingOptions options) {
        return options.toFlags() | RingLayout.FLAG_MESSAGES;
    }

    /**
     * Opens the producer end. One sink at a time: a second call before the first is closed throws.
     * An end whose holder died is taken over: the free space it may have written is zeroed first.
     *
     * @return the producer end
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public MessageSink sink() {
        return memory.open(HeaderSide.PRODUCER, PRODUCER);
    }

    /**
     * Opens the consumer end. One source at a time: a second call before the first is closed throws.
     * An end whose holder died is taken over: a batch it was zeroing is finished first.
     *
     * @return the consumer end
     * @throws IllegalStateException naming the pid when the end is held (by this or a live process)
     */
    public MessageSource source() {
        return memory.open(HeaderSide.CONSUMER, CONSUMER);
    }

    /**
     * A snapshot of the counters in the header: bytes are framed ring bytes, operations are messages.
     *
     * @return the current counters
     */
    public RingStats stats() {
        return memory.stats();
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
        return memory.registerMXBean("MessageRing", name);
    }

    /**
     * Data bytes the ring holds, framing included.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return memory.capacity;
    }

    /**
     * The largest message in bytes: {@code capacity / 2 - 8} (2040 for a 4 KiB ring). A record (8-byte
     * header plus payload) never splits at the wrap, so it may wait behind padding that fills nearly the
     * rest of the ring; a record of at most half the ring always fits beside it once the ring drains.
     *
     * @return the largest payload length, in bytes
     */
    public int maxMessageLength() {
        return RecordLayout.maxMessageLength(memory.capacity);
    }

    /**
     * The options recorded in the header.
     *
     * @return the wait strategy and overflow policy
     */
    public RingOptions options() {
        return memory.options;
    }

    /**
     * Closes both ends this ring object opened (the peers see EOF / broken pipe; a pending claim is
     * given up) and, for a ring from {@link #allocate}, frees its memory. Idempotent.
     */
    @Override
    public void close() {
        memory.close();
    }
}
