package org.ringipc.stress;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * What the crash campaign's processes share besides the ring: the record format, and the two small
 * mapped progress files through which a killed writer or reader hands its bookkeeping to its
 * replacement. A store to a shared mapping is in the page cache the moment it executes, so it
 * survives {@code kill -9}; nothing here needs fsync.
 *
 * <p>Record: {@code gen (4) | seq (8) | length (4) | payload (length) | CRC32C of all before (4)},
 * native byte order; payload byte {@code i} is {@code gen * 131 + seq * 31 + i}. Each writer
 * generation (process) numbers its records from 0.
 *
 * <p>Writer progress file: word 0 is the test's stop request, word 1 is {@code gen + 1} once the
 * writer of generation {@code gen} closed its end gracefully; then one 32-byte slot per generation:
 * {@code attempted} (records started: the one in flight included), {@code confirmed} (records whose
 * write returned) and {@code headBefore} (the ring's head before the record in flight).
 *
 * <p>Reader progress file: a version word choosing one of two 64-byte state slots (a new state is
 * written to the other slot, then the version is released, so a reader killed mid-update leaves the
 * previous state whole), then {@code delivered[gen]} for the generations before the current one,
 * then (byte ring) a circular buffer holding the stream bytes read out of the ring but not yet
 * parsed into whole records, at index {@code position % BUFFER}.
 */
final class CrashFiles {

    static final int MAX_PAYLOAD = 2000;
    static final int RECORD_HEADER = 16;
    static final int RECORD_OVERHEAD = RECORD_HEADER + 4;
    static final int MAX_RECORD = MAX_PAYLOAD + RECORD_OVERHEAD;
    static final int MAX_GENS = 4096;

    static final long STOP = 0;
    static final long DONE_GEN = 8;
    private static final long WRITER_SLOTS = 64;
    private static final long WRITER_SLOT_BYTES = 32;
    static final long WRITER_FILE_BYTES = WRITER_SLOTS + MAX_GENS * WRITER_SLOT_BYTES;

    private static final long VERSION = 0;
    private static final long READER_SLOTS = 64;
    private static final long READER_SLOT_BYTES = 64;
    private static final long DELIVERED = 256;
    static final long BUFFER_OFFSET = 65536;
    static final int BUFFER = 131072;
    static final long READER_FILE_BYTES = BUFFER_OFFSET + BUFFER;

    /** Fields of a reader state slot, in longs. */
    static final int PARSED = 0;
    static final int CUR_GEN = 1;
    static final int CUR_NEXT = 2;
    static final int DUPS = 3;
    static final int RECORDS = 4;
    static final int LAST_DELIVERY = 5;
    static final int GAPS = 6;
    static final int TORN = 7;
    static final int FIELDS = 8;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private CrashFiles() {
    }

    /** Maps {@code file} read-write, sized to {@code bytes} (zero-filled when new), for the life of the process. */
    static MemorySegment map(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (ch.size() < bytes) {
                ch.write(java.nio.ByteBuffer.allocate(1), bytes - 1);  // extends it, zero-filled
            }
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, Arena.ofAuto());
        }
    }

    // ---- records ----

    /** Writes record (gen, seq) with {@code length} payload bytes at offset 0 of {@code out}; returns its size. */
    static int putRecord(MemorySegment out, int gen, long seq, int length) {
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 0, gen);
        out.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, seq);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 12, length);
        for (int i = 0; i < length; i++) {
            out.set(ValueLayout.JAVA_BYTE, RECORD_HEADER + i, payloadByte(gen, seq, i));
        }
        int crc = crc(out, RECORD_HEADER + length);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, RECORD_HEADER + length, crc);
        return RECORD_OVERHEAD + length;
    }

    private static byte payloadByte(int gen, long seq, int i) {
        return (byte) (gen * 131 + seq * 31 + i);
    }

    private static int crc(MemorySegment record, int bytes) {
        CRC32C crc = new CRC32C();
        crc.update(record.asSlice(0, bytes).asByteBuffer());
        return (int) crc.getValue();
    }

    static int gen(MemorySegment record) {
        return record.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
    }

    static long seq(MemorySegment record) {
        return record.get(ValueLayout.JAVA_LONG_UNALIGNED, 4);
    }

    static int length(MemorySegment record) {
        return record.get(ValueLayout.JAVA_INT_UNALIGNED, 12);
    }

    /** True when {@code record} (exactly one record's bytes) is whole: its length, CRC and payload agree. */
    static boolean whole(MemorySegment record) {
        if (record.byteSize() < RECORD_OVERHEAD) {
            return false;
        }
        int length = length(record);
        if (length < 0 || length > MAX_PAYLOAD || record.byteSize() != RECORD_OVERHEAD + length
                || record.get(ValueLayout.JAVA_INT_UNALIGNED, RECORD_HEADER + length) != crc(record, RECORD_HEADER + length)) {
            return false;
        }
        int gen = gen(record);
        long seq = seq(record);
        for (int i = 0; i < length; i++) {
            if (record.get(ValueLayout.JAVA_BYTE, RECORD_HEADER + i) != payloadByte(gen, seq, i)) {
                return false;
            }
        }
        return true;
    }

    // ---- writer progress ----

    private static long slot(int gen) {
        if (gen < 0 || gen >= MAX_GENS) {
            throw new IllegalArgumentException("gen=" + gen + " is not in 0 .. " + (MAX_GENS - 1));
        }
        return WRITER_SLOTS + gen * WRITER_SLOT_BYTES;
    }

    static long attempted(MemorySegment writer, int gen) {
        return (long) LONG.getAcquire(writer, slot(gen));
    }

    static long confirmed(MemorySegment writer, int gen) {
        return (long) LONG.getAcquire(writer, slot(gen) + 8);
    }

    static long headBefore(MemorySegment writer, int gen) {
        return (long) LONG.getAcquire(writer, slot(gen) + 16);
    }

    /** Before a write: the head it starts from, then the count including it. */
    static void attempt(MemorySegment writer, int gen, long head, long attempted) {
        LONG.setOpaque(writer, slot(gen) + 16, head);
        // release: the head is stored before the attempt count that makes it meaningful
        LONG.setRelease(writer, slot(gen), attempted);
    }

    /** After a write returned: every record below {@code confirmed} is in the ring. */
    static void confirm(MemorySegment writer, int gen, long confirmed) {
        // release: pairs with the test's acquire; ordered after the write that published the record
        LONG.setRelease(writer, slot(gen) + 8, confirmed);
    }

    static long word(MemorySegment file, long offset) {
        // acquire: pairs with the release in setWord (another process)
        return (long) LONG.getAcquire(file, offset);
    }

    static void setWord(MemorySegment file, long offset, long value) {
        // release: what the setter did before (its graceful close) is done before the word shows it
        LONG.setRelease(file, offset, value);
    }

    // ---- reader progress ----

    /** The reader state in effect (one slot), as an array of {@link #FIELDS} longs. */
    static long[] readerState(MemorySegment reader) {
        // acquire: pairs with the release of the version in commit; the slot it names is whole
        long version = (long) LONG.getAcquire(reader, VERSION);
        long base = READER_SLOTS + (version & 1) * READER_SLOT_BYTES;
        long[] state = new long[FIELDS];
        for (int i = 0; i < FIELDS; i++) {
            state[i] = (long) LONG.getOpaque(reader, base + i * 8L);
        }
        return state;
    }

    /** Writes {@code state} into the slot not in effect, then makes it the one in effect. */
    static void commit(MemorySegment reader, long[] state) {
        long version = (long) LONG.getOpaque(reader, VERSION);
        long base = READER_SLOTS + ((version + 1) & 1) * READER_SLOT_BYTES;
        for (int i = 0; i < FIELDS; i++) {
            LONG.setOpaque(reader, base + i * 8L, state[i]);
        }
        // release: the whole slot is written before the version points at it; pairs with the acquire in readerState
        LONG.setRelease(reader, VERSION, version + 1);
    }

    static long delivered(MemorySegment reader, long[] state, int gen) {
        if (gen == state[CUR_GEN]) {
            return state[CUR_NEXT];
        }
        return gen > state[CUR_GEN] ? 0 : (long) LONG.getOpaque(reader, DELIVERED + gen * 8L);
    }

    /** Records the final count of a generation the reader leaves (before the state that leaves it). */
    static void setDelivered(MemorySegment reader, int gen, long count) {
        slot(gen);
        LONG.setOpaque(reader, DELIVERED + gen * 8L, count);
    }
}
