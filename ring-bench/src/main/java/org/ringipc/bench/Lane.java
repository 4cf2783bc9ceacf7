package org.ringipc.bench;

import java.lang.foreign.MemorySegment;

/**
 * An in-process transport between one producer thread and one consumer thread, in the shape the
 * harness drives all of them: the producer sends whole chunks, then finishes; the consumer takes
 * what has arrived (copying it out, as a reader of a pipe does) until it sees the finish.
 */
interface Lane extends java.io.Closeable {

    /** Producer: sends the first {@code length} bytes of {@code src}, waiting while it does not fit. */
    void send(MemorySegment src, int length) throws Exception;

    /** Producer: after the last send; the consumer's {@link #receive()} then returns -1 once drained. */
    void finish() throws Exception;

    /**
     * Consumer: copies out what has arrived; waits (or returns 0) when nothing has.
     *
     * @return the bytes taken, or -1 once the producer has finished and everything was taken
     */
    long receive() throws Exception;

    @Override
    void close() throws java.io.IOException;

    /** What an in-process transport needs to make a fresh lane for a chunk size. */
    @FunctionalInterface
    interface Factory {
        Lane open(int chunkBytes) throws Exception;
    }

    /** The room every lane gets, so that they compare like with like. */
    int RING_BYTES = 4 << 20;
    /** The consumer copies out up to this much per call (or one whole chunk, if larger). */
    int READ_BYTES = 64 << 10;
}
