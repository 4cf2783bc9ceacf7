package org.ringipc.core;

import java.io.IOException;
import java.nio.channels.Channel;
import java.util.concurrent.TimeUnit;

/**
 * The consumer end of a {@link MessageRing}: hands whole messages, in order, to a
 * {@link MessageHandler} as read-only slices of the ring's memory (no copy).
 *
 * <p>One thread at a time may use a source, and a handler must not call back into it. Messages
 * are consumed in batches: the ring's tail is released once per call, after the handler has seen
 * every message of the batch, so the producer gets the room back in one step. Blocking calls wait
 * by the ring's {@link WaitStrategy}; interruption ends them with
 * {@link java.nio.channels.ClosedByInterruptException} and closes the source, and a close by
 * another thread ends them with {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <pre>{@code
 * try (MessageSource source = ring.source()) {
 *     while (source.take(msg -> handle(msg), 100, TimeUnit.MILLISECONDS) >= 0) {
 *         // 1: a message was handled; 0: none came within 100 ms
 *     }
 * }   // -1: the sink closed and every message was handled
 * }</pre>
 *
 * <p>EOF (-1) comes once the sink is closed (or its process died) and every message is handled.
 */
public interface MessageSource extends Channel {

    /**
     * Never waits: hands up to {@code limit} waiting messages to {@code handler}.
     *
     * @param handler receives each message
     * @param limit the most messages to hand over in this call; positive
     * @return the messages handled, 0 when the ring is empty, -1 at EOF
     * @throws IllegalArgumentException when {@code limit} is not positive
     * @throws IOException when this source is closed or interrupted, the ring is found corrupt
     *     ({@link RingCorruptedException}), or a shared ring's file was truncated
     */
    int poll(MessageHandler handler, int limit) throws IOException;

    /**
     * Waits at most {@code timeout} for a message, then hands one to {@code handler}.
     *
     * @param handler receives the message
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return 1 when a message was handled, 0 when the timeout passed, -1 at EOF
     * @throws IOException as {@link #poll(MessageHandler, int)}
     */
    int take(MessageHandler handler, long timeout, TimeUnit unit) throws IOException;

    /**
     * Waits at most {@code timeout} for a message, then hands up to {@code limit} waiting messages to
     * {@code handler}: a blocking {@link #poll}.
     *
     * @param handler receives each message
     * @param limit the most messages to hand over in this call; positive
     * @param timeout the longest wait, in {@code unit}s
     * @param unit the unit of {@code timeout}
     * @return the messages handled, 0 when the timeout passed, -1 at EOF
     * @throws IllegalArgumentException when {@code limit} is not positive
     * @throws IOException as {@link #poll(MessageHandler, int)}
     */
    int take(MessageHandler handler, int limit, long timeout, TimeUnit unit) throws IOException;

    /**
     * Waits as long as it takes for a message, then hands one to {@code handler}.
     *
     * @param handler receives the message
     * @return 1 when a message was handled, -1 at EOF
     * @throws IOException as {@link #poll(MessageHandler, int)}
     */
    int take(MessageHandler handler) throws IOException;

    /** Closes this end: the sink's next call fails with "broken pipe". Idempotent. */
    @Override
    void close() throws IOException;
}
