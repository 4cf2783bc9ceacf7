package org.ringipc.core;

import java.nio.channels.Channel;

/**
 * The registration of one ring end with a {@link RingSelector}, in the spirit of
 * {@link java.nio.channels.SelectionKey}: the channel, what it is watched for, what it was found
 * ready for, and a caller's attachment.
 *
 * <p>{@link #readyOps()} is written by the selecting thread; read it there (after
 * {@link RingSelector#select}). {@link #cancel()} and {@link #attach} may be called from any thread.
 */
public final class RingKey {

    private final RingSelector selector;
    private final Channel channel;
    final RingEnd end;
    final int interestOps;
    /** Written and read by the selecting thread only. */
    int readyOps;
    private volatile Object attachment;
    private volatile boolean cancelled;

    RingKey(RingSelector selector, Channel channel, RingEnd end, int interestOps, Object attachment) {
        this.selector = selector;
        this.channel = channel;
        this.end = end;
        this.interestOps = interestOps;
        this.attachment = attachment;
    }

    /**
     * The channel as it was registered (a {@code SharedRing}'s source, say): call its methods.
     *
     * @return the registered channel
     */
    public Channel channel() {
        return channel;
    }

    /**
     * The selector this key belongs to.
     *
     * @return the selector that made this key
     */
    public RingSelector selector() {
        return selector;
    }

    /**
     * {@link RingSelector#OP_READ} for a source, {@link RingSelector#OP_WRITE} for a sink.
     *
     * @return the operation this key watches
     */
    public int interestOps() {
        return interestOps;
    }

    /**
     * What the last select that put this key in the selected set found it ready for.
     *
     * @return the ready operations found by the last select, 0 before any
     */
    public int readyOps() {
        return readyOps;
    }

    /**
     * True when the source has something for a read that will not wait: data, EOF (the sink closed
     * or its process died), or an error to report (a corrupt ring, a truncated file).
     *
     * @return whether the last select found the source readable
     */
    public boolean isReadable() {
        return (readyOps & RingSelector.OP_READ) != 0;
    }

    /**
     * True when the sink has room (see {@link RingSelector#OP_WRITE}) or its write fails at once
     * ("broken pipe": the source closed or its process died).
     *
     * @return whether the last select found the sink writable
     */
    public boolean isWritable() {
        return (readyOps & RingSelector.OP_WRITE) != 0;
    }

    /**
     * Replaces the attachment; returns the previous one.
     *
     * @param attachment the new attachment, may be null
     * @return the previous attachment, or null
     */
    public Object attach(Object attachment) {
        Object previous = this.attachment;
        this.attachment = attachment;
        return previous;
    }

    /**
     * The attachment given at registration, or since by {@link #attach}.
     *
     * @return the current attachment, or null
     */
    public Object attachment() {
        return attachment;
    }

    /**
     * Stops watching the channel (the channel stays open). The selector drops the key at the start
     * of its next round, waking a select in progress. Idempotent.
     */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            selector.nudge();
        }
    }

    /**
     * False once cancelled, once its channel closed, or once its selector closed.
     *
     * @return whether this key still takes part in selects
     */
    public boolean isValid() {
        return !cancelled && end.isOpen() && selector.isOpen();
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "RingKey[" + channel + ", interest=" + interestOps + ", ready=" + readyOps + "]";
    }
}
