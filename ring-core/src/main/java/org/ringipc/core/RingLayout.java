package org.ringipc.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The memory layout of a ring: the one description every offset and {@link VarHandle} comes from.
 *
 * <p>A ring is one segment: a header of {@link #HEADER_BYTES} bytes, then a data region of
 * {@code capacity} bytes (a power of two). The header has four {@value #BLOCK_BYTES}-byte blocks,
 * grouped by writer so that no two writers share a cache line or its adjacent-line prefetch pair:
 *
 * <pre>
 *   offset  block      written by           fields
 *        0  identity   format, once         magic, version, capacity, flags, headerSize
 *      128  producer   the producer         head, writes, bytesDropped, drops, sleeps, owner, publishing
 *      256  consumer   the consumer         tail, reads, sleeps, owner, batchEnd, lostRecords, lostBytes
 *      384  signal     either side, rarely  producerWaiting, consumerWaiting (flags), producerWakeSeq,
 *                                           consumerWakeSeq (futex words), producerState, consumerState,
 *                                           streams
 * </pre>
 *
 * <p>Names follow the Linux kernel's {@code circ_buf}: <em>head</em> is the producer's position
 * (bytes ever written) and <em>tail</em> the consumer's (bytes ever read). Agrona uses the two
 * words the other way round. Positions are free-running {@code long}s; the index into the data
 * region is {@code position & (capacity - 1)}. Empty is {@code head == tail}, full is
 * {@code head - tail == capacity}: no slot is wasted.
 *
 * <p>The waiting flags, futex words and end states sit on a block of their own, away from
 * {@code head} and {@code tail}: each side reads its peer's flag and state on every operation,
 * and those reads stay cache hits because the line is written only when a side goes to sleep,
 * wakes its peer, opens or closes.
 *
 * <p>{@code owner} names the process holding an end, as one word so that it is claimed and read
 * atomically: its pid (in the holder's PID namespace) in the low 32 bits and the low 32 bits of the
 * process's start time in clock ticks in the high 32 (0 when unknown). In a ring file the end is
 * held by a kernel record lock and {@code owner} only says who holds it; in memory shared by other
 * means it is the claim itself. {@code publishing} is where the message-ring producer's record in
 * flight starts (stored before the {@code head} that covers it), so that a producer taking over
 * from one that died between storing {@code head} and the record's header word can mark that
 * record lost; {@code batchEnd} the end of the batch a message-ring consumer
 * is zeroing; {@code lostRecords}/{@code lostBytes} what producer crashes cost, counted by the
 * consumer; {@code streams} the streams started on this ring (a new one each time a producer opens
 * an end that was not open).
 *
 * <p>The layout is a file format shared between processes and versions: changing it bumps
 * {@link #VERSION}, and a unit test pins every offset.
 */
public final class RingLayout {

    /** "RINGIPC1" in ASCII, big-endian: the first eight bytes of every ring. */
    public static final long MAGIC = 0x52494E4749504331L;
    /** The layout version this code reads and writes. */
    public static final int VERSION = 2;
    /** Bytes per header block: two 64-byte cache lines, so adjacent-line prefetch never crosses writers. */
    public static final int BLOCK_BYTES = 128;
    /** The smallest capacity: one page. */
    public static final int MIN_CAPACITY = 4096;
    /** The largest capacity: 2^30 bytes, so every index fits an {@code int}. */
    public static final int MAX_CAPACITY = 1 << 30;

    /** End state: the end was never opened. */
    public static final int STATE_NONE = 0;
    /** End state: an end is open and held by the process in the block's owner word. */
    public static final int STATE_OPEN = 1;
    /** End state: the end was closed; for the producer that is EOF once drained. */
    public static final int STATE_CLOSED = 2;

    static final StructLayout IDENTITY = MemoryLayout.structLayout(
            JAVA_LONG.withName("magic"),
            JAVA_INT.withName("version"),
            JAVA_INT.withName("capacity"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("headerSize"),
            MemoryLayout.paddingLayout(BLOCK_BYTES - 24)).withName("identity");

    static final StructLayout PRODUCER = MemoryLayout.structLayout(
            JAVA_LONG.withName("head"),
            JAVA_LONG.withName("writes"),
            JAVA_LONG.withName("bytesDropped"),
            JAVA_LONG.withName("drops"),
            JAVA_LONG.withName("sleeps"),
            JAVA_LONG.withName("owner"),
            JAVA_LONG.withName("publishing"),
            MemoryLayout.paddingLayout(BLOCK_BYTES - 56)).withName("producer");

    static final StructLayout CONSUMER = MemoryLayout.structLayout(
            JAVA_LONG.withName("tail"),
            JAVA_LONG.withName("reads"),
            JAVA_LONG.withName("sleeps"),
            JAVA_LONG.withName("owner"),
            JAVA_LONG.withName("batchEnd"),
            JAVA_LONG.withName("lostRecords"),
            JAVA_LONG.withName("lostBytes"),
            MemoryLayout.paddingLayout(BLOCK_BYTES - 56)).withName("consumer");

    static final StructLayout SIGNAL = MemoryLayout.structLayout(
            JAVA_INT.withName("producerWaiting"),
            JAVA_INT.withName("consumerWaiting"),
            JAVA_INT.withName("producerWakeSeq"),
            JAVA_INT.withName("consumerWakeSeq"),
            JAVA_INT.withName("producerState"),
            JAVA_INT.withName("consumerState"),
            JAVA_LONG.withName("streams"),
            MemoryLayout.paddingLayout(BLOCK_BYTES - 32)).withName("signal");

    /** The whole header. */
    public static final StructLayout HEADER = MemoryLayout.structLayout(IDENTITY, PRODUCER, CONSUMER, SIGNAL)
            .withName("ringHeader");

    /** Header size in bytes; the data region starts here. */
    public static final int HEADER_BYTES = (int) HEADER.byteSize();

    /**
     * Flags word: bits 0-3 hold the {@link WaitStrategy} ordinal, bits 4-7 the {@link OverflowPolicy}
     * ordinal, bit 8 ({@link #FLAG_MESSAGES}) the kind of ring. Other bits must be zero.
     */
    static final int FLAG_WAIT_SHIFT = 0;
    static final int FLAG_OVERFLOW_SHIFT = 4;
    static final int FLAG_FIELD_MASK = 0xF;
    /**
     * Flags bit 8: the data region holds framed records ({@link MessageRing}, see {@link RecordLayout}),
     * not a byte stream ({@link Ring}). Each kind's {@code attach} refuses the other, because reading
     * one as the other would hand record headers to a byte reader, or bytes to a record parser.
     */
    public static final int FLAG_MESSAGES = 1 << 8;
    static final int FLAG_KNOWN_BITS = 0x1FF;

    static final VarHandle MAGIC_VH = handle("identity", "magic");
    static final VarHandle VERSION_VH = handle("identity", "version");
    static final VarHandle CAPACITY_VH = handle("identity", "capacity");
    static final VarHandle FLAGS_VH = handle("identity", "flags");
    static final VarHandle HEADER_SIZE_VH = handle("identity", "headerSize");

    static final VarHandle HEAD_VH = handle("producer", "head");
    static final VarHandle WRITES_VH = handle("producer", "writes");
    static final VarHandle BYTES_DROPPED_VH = handle("producer", "bytesDropped");
    static final VarHandle DROPS_VH = handle("producer", "drops");
    static final VarHandle PUBLISHING_VH = handle("producer", "publishing");

    static final VarHandle TAIL_VH = handle("consumer", "tail");
    static final VarHandle READS_VH = handle("consumer", "reads");
    static final VarHandle BATCH_END_VH = handle("consumer", "batchEnd");
    static final VarHandle LOST_RECORDS_VH = handle("consumer", "lostRecords");
    static final VarHandle LOST_BYTES_VH = handle("consumer", "lostBytes");

    static final VarHandle STREAMS_VH = handle("signal", "streams");

    /** Offset of the producer block: the byte a ring file's producer holds its record lock on. */
    public static final long PRODUCER_BLOCK_OFFSET = HEADER.byteOffset(PathElement.groupElement("producer"));
    /** Offset of the consumer block: the byte a ring file's consumer holds its record lock on. */
    public static final long CONSUMER_BLOCK_OFFSET = HEADER.byteOffset(PathElement.groupElement("consumer"));

    /** Offset of the futex word a sleeping producer waits on (bumped by the consumer to wake it). */
    public static final long PRODUCER_WAKE_SEQ_OFFSET = offset("signal", "producerWakeSeq");
    /** Offset of the futex word a sleeping consumer waits on (bumped by the producer to wake it). */
    public static final long CONSUMER_WAKE_SEQ_OFFSET = offset("signal", "consumerWakeSeq");

    private RingLayout() {
    }

    /**
     * Byte offset of a named header field, e.g. {@code offset("producer", "head")}.
     *
     * @param block the name of a header block, e.g. {@code "producer"}
     * @param field the name of a field in that block, e.g. {@code "head"}
     * @return the field's offset from the start of the header
     */
    public static long offset(String block, String field) {
        return HEADER.byteOffset(PathElement.groupElement(block), PathElement.groupElement(field));
    }

    /**
     * Checks a capacity: a power of two from {@value #MIN_CAPACITY} to 2^30.
     *
     * @param capacity the capacity to check
     * @return {@code capacity} as an {@code int}
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static int checkCapacity(long capacity) {
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || Long.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(
                    "capacity=" + capacity + " is not a power of two (" + MIN_CAPACITY + " .. 2^30)");
        }
        return (int) capacity;
    }

    /**
     * Header plus data: the bytes a ring of this capacity needs.
     *
     * @param capacity data bytes of the ring; checked as by {@link #checkCapacity(long)}
     * @return the bytes to allocate or map
     */
    public static long requiredBytes(int capacity) {
        return HEADER_BYTES + (long) checkCapacity(capacity);
    }

    static VarHandle handle(String block, String field) {
        VarHandle vh = HEADER.varHandle(PathElement.groupElement(block), PathElement.groupElement(field));
        // The layout handle takes (segment, baseOffset): bind the base to 0, the header starts the segment.
        return MethodHandles.insertCoordinates(vh, 1, 0L);
    }
}
