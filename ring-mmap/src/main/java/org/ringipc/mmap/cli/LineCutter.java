package org.ringipc.mmap.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A byte ring's stream cut into records at a delimiter, for {@code ring read} of several files: each
 * line goes to {@link RecordOut} whole (without its delimiter), however the ring split it, so lines
 * from different rings never mix. A line longer than {@link #MAX_LINE} bytes is cut into records of
 * that length (memory stays bounded); bytes after the last delimiter are a record at EOF.
 */
final class LineCutter {

    /** The longest record: 1 MiB. */
    static final int MAX_LINE = 1 << 20;

    private final RecordOut out;
    private final byte[] tag;
    private final byte delimiter;
    /** The start of a line whose end has not come yet. */
    private byte[] pending = new byte[256];
    private int count;

    LineCutter(RecordOut out, byte[] tag, byte delimiter) {
        this.out = out;
        this.tag = tag;
        this.delimiter = delimiter;
    }

    /** The next bytes of the stream (a slice valid during the call only). */
    void accept(MemorySegment bytes) {
        long from = 0;
        final long size = bytes.byteSize();
        for (long i = 0; i < size; i++) {
            if (bytes.get(ValueLayout.JAVA_BYTE, i) == delimiter) {
                line(bytes.asSlice(from, i - from));
                from = i + 1;
            }
        }
        append(bytes.asSlice(from));
    }

    /** EOF: the bytes after the last delimiter are the last record. */
    void end() {
        if (count > 0) {
            emitPending();
        }
    }

    private void line(MemorySegment tail) {
        if (count == 0 && tail.byteSize() <= MAX_LINE) {
            out.emit(tag, tail);   // the whole line in this slice: no copy to the pending buffer
            return;
        }
        append(tail);
        emitPending();
    }

    private void append(MemorySegment bytes) {
        long at = 0;
        while (at < bytes.byteSize()) {
            if (count == MAX_LINE) {
                emitPending();
            }
            int n = (int) Math.min(bytes.byteSize() - at, MAX_LINE - count);
            if (pending.length < count + n) {
                pending = java.util.Arrays.copyOf(pending, Math.min(MAX_LINE, Math.max(count + n, 2 * pending.length)));
            }
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, at, pending, count, n);
            count += n;
            at += n;
        }
    }

    private void emitPending() {
        out.emit(tag, MemorySegment.ofArray(pending).asSlice(0, count));
        count = 0;
    }
}
