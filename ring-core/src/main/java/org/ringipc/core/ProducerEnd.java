package org.ringipc.core;

import java.io.IOException;

/**
 * What the two producer ends ({@link ByteProducer}, {@link RecordProducer}) share: the head they
 * own, the consumer's tail they cache, how free room is found, checked and waited for, and the
 * broken-pipe rule.
 */
abstract class ProducerEnd extends RingEnd {

    final int capacity;
    /** Bytes (byte ring) or record bytes (message ring) ever published; only this end stores it. */
    long head;
    /** The consumer's tail as last read; re-read only when it shows too little room. */
    long cachedTail;
    /** The room a waiting call needs: what {@link #ready()} checks for. */
    private long wanted;
    private final String sourceName;

    ProducerEnd(RingMemory memory, String sourceName) {
        super(memory, HeaderSide.PRODUCER);
        this.capacity = memory.capacity;
        this.sourceName = sourceName;
        this.head = header.headPlain();
        this.cachedTail = header.tailAcquire();
    }

    /** True when {@code tail} is one an honest consumer could have released, given our head. */
    abstract boolean tailHonest(long tail);

    /** Free bytes; re-reads the consumer's tail only when the cached one shows fewer than {@code wanted}. */
    final long free(long wanted) throws RingCorruptedException {
        long free = capacity - (head - cachedTail);
        if (free < wanted) {
            // acquire: pairs with the consumer's release of tail; its copies out of (or reads of the
            // records in) the bytes below tail are complete before we overwrite them
            long tail = header.tailAcquire();
            if (tail < cachedTail || !tailHonest(tail)) {
                throw corrupted(tail);
            }
            cachedTail = tail;
            free = capacity - (head - tail);
            if (free < wanted) {
                // a caller that never waits learns of a dead consumer too, at most every poll period
                pollPeerPeriodically();
            }
        }
        return free;
    }

    final RingCorruptedException corrupted(long tail) {
        return memory.corrupted("head=" + head + " tail=" + tail + " capacity=" + capacity
                + ": the consumer's tail ran backwards, past head or off a record boundary");
    }

    /** Fails with "broken pipe" once the consumer closed or died, or when the ring is corrupt. */
    final void checkWritable() throws IOException {
        memory.checkNotCorrupted();
        // a consumer found dead may have been taken over since: ask again (a lock query) before
        // saying so, instead of reporting a broken pipe forever
        refreshPeer();
        // acquire: the consumer's CLOSED is seen together with everything before it
        if (header.stateAcquire(HeaderSide.CONSUMER) == RingLayout.STATE_CLOSED || peerDied) {
            throw new IOException(peerDied
                    ? "broken pipe: the consumer process died"
                    : "broken pipe: the source end of the " + sourceName + " is closed");
        }
    }

    /** Sleeps until {@code bytes} are free (or the consumer went away: then it throws). */
    final void awaitRoom(long bytes) throws IOException {
        wanted = bytes;
        refreshPeer();
        await(false, 0);
        checkWritable();
    }

    /** {@link #ready()} with at least {@code bytes} free as the room wanted: a selector's question. */
    final boolean readyFor(long bytes) {
        wanted = bytes;
        return ready();
    }

    @Override
    public final boolean ready() {
        if (closed || peerDied || memory.isBroken()
                || header.stateAcquire(HeaderSide.CONSUMER) == RingLayout.STATE_CLOSED) {
            return true;
        }
        long tail = header.tailAcquire(); // acquire: as in free()
        if (tail < cachedTail || !tailHonest(tail)) {
            corrupted(tail);  // marks the ring broken: the woken caller throws
            return true;
        }
        return capacity - (head - tail) >= wanted;
    }
}
