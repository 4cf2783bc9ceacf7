package org.ringipc.bench;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One end of a two-way byte stream between the harness and its peer, with one buffer of
 * {@code bufferBytes} that both directions use (the protocol is strictly request then reply, so a
 * side never sends and receives at once). Sends and receives are whole: they return once exactly
 * {@code length} bytes have gone or come.
 */
abstract class Link implements Closeable {

    /** The link's buffer: {@link #send} sends from it, {@link #receive} fills it. */
    abstract MemorySegment buffer();

    /** Sends the first {@code length} bytes of {@link #buffer()}; blocks until all are accepted. */
    abstract void send(int length) throws IOException;

    /**
     * Fills the first {@code length} bytes of {@link #buffer()}; blocks until all have arrived.
     *
     * @throws java.io.EOFException when the other end closed first
     */
    abstract void receive(int length) throws IOException;

    /**
     * How many times either end of either direction has gone to sleep so far, as the shared
     * headers count it, or -1 when the transport cannot tell (the kernel's own channels).
     */
    long sleeps() {
        return -1;
    }

    /** The first byte of the buffer: the protocol's marker. */
    final byte marker() {
        return buffer().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0);
    }

    final void marker(byte value) {
        buffer().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, value);
    }
}
