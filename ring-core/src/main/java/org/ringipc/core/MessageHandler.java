package org.ringipc.core;

import java.lang.foreign.MemorySegment;

/**
 * Receives messages in place from a {@link MessageSource}: each call gets one whole message as a
 * read-only slice of the ring's own memory, valid only during the call (once the batch is released
 * the producer may overwrite it). Copy out what must outlive the call.
 *
 * <p>Called on the thread that polls. A handler that throws ends the batch: the messages before it
 * and the one it threw on are consumed, the rest stay in the ring, and the exception propagates.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Called once per message, in order.
     *
     * @param message one message's payload, exactly as written (its length may be 0)
     */
    void onMessage(MemorySegment message);
}
