package org.ringipc.core;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The wire format of one simulated DMA burst, shared by {@link BurstProducer} and {@link BurstVerifier}
 * (little-endian, so a burst stream reads the same on any machine):
 *
 * <pre>
 *   offset  field     meaning
 *        0  sequence  0, 1, 2, ... for every burst the engine produced, sent or dropped
 *        8  length    bytes of the whole burst, header included; 0 marks the end-of-stream marker
 *       12  crc32c    CRC32C of bytes 0-11 and of the payload
 *       16  payload   length - 16 bytes derived from the sequence (SplitMix64)
 * </pre>
 *
 * <p>The end-of-stream marker is a bare header with {@code length} 0 and the sequence number the
 * next burst would have had: it lets the verifier count drops after the last burst it received.
 */
final class BurstLayout {

    static final StructLayout HEADER = MemoryLayout.structLayout(
            JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("sequence"),
            JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("length"),
            JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN).withName("crc32c")).withName("burstHeader");

    static final int HEADER_BYTES = (int) HEADER.byteSize();
    /** The largest burst: 16 MiB, so a corrupt length field cannot make the verifier allocate without bound. */
    static final int MAX_BURST_BYTES = 1 << 24;

    private static final VarHandle SEQUENCE = HEADER.varHandle(PathElement.groupElement("sequence"));
    private static final VarHandle LENGTH = HEADER.varHandle(PathElement.groupElement("length"));
    private static final VarHandle CRC = HEADER.varHandle(PathElement.groupElement("crc32c"));
    private static final ValueLayout.OfLong PAYLOAD_WORD = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long CRC_OFFSET = HEADER.byteOffset(PathElement.groupElement("crc32c"));

    private BurstLayout() {
    }

    /** Writes burst {@code sequence} over the whole of {@code burst}: header, payload, CRC. */
    static void encode(MemorySegment burst, long sequence) {
        SEQUENCE.set(burst, 0L, sequence);
        LENGTH.set(burst, 0L, (int) burst.byteSize());
        long x = sequence * 0x9E3779B97F4A7C15L;
        for (long at = HEADER_BYTES; at < burst.byteSize(); at += Long.BYTES) {
            x += 0x9E3779B97F4A7C15L;
            long z = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            if (at + Long.BYTES <= burst.byteSize()) {
                burst.set(PAYLOAD_WORD, at, z);
            } else {
                for (int i = 0; at + i < burst.byteSize(); i++) {
                    burst.set(JAVA_BYTE, at + i, (byte) (z >>> (8 * i)));
                }
            }
        }
        CRC.set(burst, 0L, crc(burst, burst.byteSize()));
    }

    /** Writes the end-of-stream marker into the first {@link #HEADER_BYTES} of {@code marker}. */
    static void encodeEnd(MemorySegment marker, long nextSequence) {
        SEQUENCE.set(marker, 0L, nextSequence);
        LENGTH.set(marker, 0L, 0);
        CRC.set(marker, 0L, crc(marker, HEADER_BYTES));
    }

    static long sequence(MemorySegment burst) {
        return (long) SEQUENCE.get(burst, 0L);
    }

    static int length(MemorySegment burst) {
        return (int) LENGTH.get(burst, 0L);
    }

    /** True when the CRC32C stored in the header matches the first {@code size} bytes of {@code burst}. */
    static boolean crcMatches(MemorySegment burst, long size) {
        return (int) CRC.get(burst, 0L) == crc(burst, size);
    }

    private static int crc(MemorySegment burst, long size) {
        CRC32C crc = new CRC32C();
        crc.update(burst.asSlice(0, CRC_OFFSET).asByteBuffer());
        crc.update(burst.asSlice(HEADER_BYTES, size - HEADER_BYTES).asByteBuffer());
        return (int) crc.getValue();
    }
}
