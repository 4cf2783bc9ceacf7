package org.ringipc.mmap.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Records (messages, or lines cut from a byte ring) to the shell in the framing of
 * {@link MessageStream}: {@code LINES} writes the record then the delimiter, {@code U32} a 4-byte
 * little-endian length then the record. A tag (the file name and a tab for {@code ring read --tag})
 * goes first, inside the record. Each record is written whole, so records from several rings never
 * mix. Writes go to a buffered stream: {@link #flush()} before waiting.
 */
final class RecordOut {

    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final OutputStream out;
    private final MessageStream.Framing framing;
    private final byte delimiter;
    private final byte[] prefix = new byte[Integer.BYTES];
    private byte[] copy = new byte[4096];

    RecordOut(OutputStream out, MessageStream.Framing framing, byte delimiter) {
        this.out = out;
        this.framing = framing;
        this.delimiter = delimiter;
    }

    /** Writes {@code tag} and {@code record} as one record; a failure is an UncheckedIOException naming stdout. */
    void emit(byte[] tag, MemorySegment record) {
        int length = (int) record.byteSize();
        if (copy.length < length) {
            copy = new byte[Math.max(length, 2 * copy.length)];
        }
        MemorySegment.copy(record, ValueLayout.JAVA_BYTE, 0, copy, 0, length);
        try {
            if (framing == MessageStream.Framing.U32) {
                MemorySegment.ofArray(prefix).set(U32_LE, 0, tag.length + length);
                out.write(prefix);
            }
            out.write(tag);
            out.write(copy, 0, length);
            if (framing == MessageStream.Framing.LINES) {
                out.write(delimiter);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("stdout: " + e.getMessage(), e);
        }
    }

    /** Hands what is buffered to the next program. */
    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("stdout: " + e.getMessage(), e);
        }
    }
}
