package org.ringipc.core;

import java.nio.ByteBuffer;
import java.util.Objects;

/** The bookkeeping of a gathered write or scattered read over {@code buffers[offset .. offset + length - 1]}. */
final class Buffers {

    private Buffers() {
    }

    /** The bytes remaining in the buffers, after checking that offset and length fit the array. */
    static long remaining(ByteBuffer[] buffers, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += buffers[i].remaining();
        }
        return total;
    }

    /** Marks every buffer consumed: what a dropped write does with its source. */
    static void consume(ByteBuffer[] buffers, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            buffers[i].position(buffers[i].limit());
        }
    }
}
