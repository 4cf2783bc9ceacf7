package org.ringipc.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The layout of one record in a {@link MessageRing}'s data region: the framing every process that
 * reads or writes a message ring agrees on. The idea is Agrona's {@code RecordDescriptor}; the
 * publication differs (see below).
 *
 * <pre>
 *   offset  field    meaning
 *        0  length   payload bytes (0 .. the ring's maxMessageLength)
 *        4  type     {@link #TYPE_MESSAGE}; {@link #TYPE_PADDING} for the filler before the wrap;
 *                    {@link #TYPE_LOST} for a record a dead producer never published
 *        8  payload  length bytes, then unused bytes up to the next multiple of {@value #ALIGNMENT}
 * </pre>
 *
 * <p>A record starts at a position that is a multiple of {@value #ALIGNMENT} and never spans the end
 * of the data region: when the next record does not fit in the bytes left before the end, a padding
 * record fills them ({@code length} counts the filler after its own header) and the record starts
 * at index 0. Because capacity is a power of two of at least 4096, the bytes left before the end are
 * always a non-zero multiple of {@value #ALIGNMENT}, so a padding header always fits.
 *
 * <p>Publication (Agrona's, so the consumer never reads the producer's position on its fast path):
 * the producer writes the payload, then {@code head} with release, then the header word (length
 * and type as one {@code long}) with release, and the header word of a padding record last. The
 * consumer loads the header word at its position with acquire: 0 means nothing is there yet, any
 * other value is a whole record. For 0 to mean "not yet", every byte the consumer has read is
 * zeroed before it releases its position (so a record's header never finds an older lap's bytes
 * at its index), and a producer that abandons part of a claim zeroes that part. Because head is
 * stored before the header word, a position the consumer reaches is never past head. Records are
 * native byte order.
 */
public final class RecordLayout {

    /** Records start at multiples of this many bytes, so the header word is an aligned {@code long}. */
    public static final int ALIGNMENT = 8;
    /** A record's type: a message handed to the consumer. */
    public static final int TYPE_MESSAGE = 1;
    /** A record's type: filler up to the end of the data region, skipped by the consumer. */
    public static final int TYPE_PADDING = -1;
    /**
     * A record's type: the bytes of a record a producer reserved but died before publishing, marked
     * by the producer that took its end over. Skipped by the consumer and counted as lost.
     */
    public static final int TYPE_LOST = 2;

    /** One record header: {@code length} then {@code type}. */
    public static final StructLayout HEADER = MemoryLayout.structLayout(
            JAVA_INT.withName("length"),
            JAVA_INT.withName("type")).withName("recordHeader");

    /** Bytes of a record header; the payload starts here. */
    public static final int HEADER_BYTES = (int) HEADER.byteSize();

    /** Offset of {@code length} in a record header. */
    public static final long LENGTH_OFFSET = HEADER.byteOffset(PathElement.groupElement("length"));
    /** Offset of {@code type} in a record header. */
    public static final long TYPE_OFFSET = HEADER.byteOffset(PathElement.groupElement("type"));

    /** The whole header as one aligned {@code long}, coordinates (data, index): stored last with release, loaded with acquire. */
    static final VarHandle HEADER_WORD_VH = JAVA_LONG.varHandle();
    private RecordLayout() {
    }

    /**
     * The bytes a record of {@code length} payload bytes occupies: header, payload, alignment.
     *
     * @param length payload bytes
     * @return the record's size in the ring, in bytes
     */
    public static long recordBytes(int length) {
        return align(HEADER_BYTES + (long) length);
    }

    /**
     * The largest payload a ring of {@code capacity} accepts: half the ring, less a header. A record
     * never splits at the wrap, so in the worst case it waits behind a padding record that fills
     * almost the rest of the ring; a record of at most half the ring always fits beside that
     * padding once the ring drains, whereas a larger one could wait forever at some head positions.
     *
     * @param capacity data bytes of the ring
     * @return the largest payload length, in bytes
     */
    public static int maxMessageLength(int capacity) {
        return capacity / 2 - HEADER_BYTES;
    }

    /** {@code bytes} rounded up to a multiple of {@value #ALIGNMENT}. */
    static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** The {@code length} field of a header word read whole through {@link #HEADER_WORD_VH}. */
    static int lengthOf(long word) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? (int) word : (int) (word >>> 32);
    }

    /** The {@code type} field of a header word read whole through {@link #HEADER_WORD_VH}. */
    static int typeOf(long word) {
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? (int) (word >>> 32) : (int) word;
    }

    /**
     * The header word holding {@code length} and {@code type}, as {@link #HEADER_WORD_VH} stores it:
     * {@link #lengthOf} and {@link #typeOf} read the two fields back from it, and the {@code length} and
     * {@code type} fields of {@link #HEADER} at {@link #LENGTH_OFFSET} and {@link #TYPE_OFFSET} hold them, in any byte order.
     */
    static long headerWord(int length, int type) {
        long lengthPart = Integer.toUnsignedLong(length);
        long typePart = Integer.toUnsignedLong(type);
        return ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
                ? typePart << 32 | lengthPart
                : lengthPart << 32 | typePart;
    }
}
