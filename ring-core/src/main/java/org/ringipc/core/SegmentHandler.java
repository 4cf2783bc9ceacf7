package org.ringipc.core;

import java.lang.foreign.MemorySegment;

/**
 * Receives bytes in place from {@link RingSource#drain(SegmentHandler, long)}: a read-only slice of
 * the ring's own memory, valid only during the call (the producer may overwrite it afterwards).
 */
@FunctionalInterface
public interface SegmentHandler {

    /**
     * Called with each contiguous run of the drained bytes.
     *
     * @param data read-only bytes, in order; a drain that wraps calls this twice
     */
    void onSegment(MemorySegment data);
}
