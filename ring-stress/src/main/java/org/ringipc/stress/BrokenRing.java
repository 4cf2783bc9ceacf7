package org.ringipc.stress;

/**
 * A DELIBERATELY BROKEN miniature of the ring protocol, for the jcstress control variants only.
 *
 * <p>It has the ring's moving parts — a data slot, {@code head}, {@code tail}, the producer's end
 * state and the consumer's waiting flag — but every access that {@link org.ringipc.core.Ring} makes
 * with release or acquire is a plain field access here, and the sleeper/waker handshake has no
 * full fence. The data region is one {@code long} slot, so every lap reuses it. Each control
 * runs the same actors and outcome table as its real scenario; seeing the forbidden outcome
 * there (as {@code ACCEPTABLE_INTERESTING}) shows that the scenario can catch the bug.
 *
 * <p>On x86-64 (total store order) the hardware keeps stores in order and loads in order, so the
 * plain variants fail through the JIT instead: without an acquire, C2 may reuse an earlier load
 * of the same field (the slot, or {@code head}) instead of reading memory again. The missing fence
 * fails in the hardware itself: a store may wait in the store buffer while a later load runs.
 */
final class BrokenRing {

    static final int OPEN = 1;
    static final int CLOSED = 2;

    /** The data region: one slot. */
    long slot;
    /** The length word of the record in the slot, for the framed-record control. */
    int slotLength;
    /** Bytes ever written; should be a release store and an acquire load. */
    long head;
    /** Bytes ever read; should be a release store and an acquire load. */
    long tail;
    /** The producer's end state; should be a release store and an acquire load. */
    int producerState = OPEN;
    /** The consumer's "I sleep" flag; each side needs a full fence after its store. */
    int consumerWaiting;

    /** A ring holding one unread framed record of {@code length} bytes. */
    static BrokenRing fullMessage(int length, long value) {
        BrokenRing ring = full(value);
        ring.slotLength = length;
        return ring;
    }

    /** Producer: writes one framed record (payload, then length word, then head) if the slot is free. */
    int tryWriteMessage(int length, long value) {
        long h = head;
        if (h - tail == Long.BYTES) {   // plain load: should be acquire
            return 0;
        }
        slot = value;
        slotLength = length;            // plain store: should be release
        head = h + Long.BYTES;          // plain store: should be release
        return 1;
    }

    /** Consumer, cached head shows a record: its length word. The payload is {@link #slot}, read next. */
    int readCachedLength() {
        return slotLength;
    }

    /** Consumer: frees the slot read by {@link #readCachedLength} and its payload. */
    long readCachedPayloadAndFree() {
        long value = slot;
        tail = tail + Long.BYTES;       // plain store: should be release
        return value;
    }

    /** Consumer: length of the next record after a fresh look at head, or -1 when empty; payload in {@link #slot}. */
    int tryReadLength() {
        if (head == tail) {             // plain load: should be acquire
            return -1;
        }
        return slotLength;
    }

    /** A ring holding one unread record. */
    static BrokenRing full(long value) {
        BrokenRing ring = new BrokenRing();
        ring.slot = value;
        ring.head = Long.BYTES;
        return ring;
    }

    /** Producer: writes one record if the slot is free; the bytes written (0 or 8). */
    int tryWrite(long value) {
        long h = head;
        if (h - tail == Long.BYTES) {   // plain load: should be acquire
            return 0;
        }
        slot = value;
        head = h + Long.BYTES;          // plain store: should be release
        return Long.BYTES;
    }

    /** What {@link #tryRead} returns for an empty ring (no record ever holds it). */
    static final long EMPTY = Long.MIN_VALUE;

    /**
     * Consumer, when its cached copy of {@code head} already shows a record (as the real ring's
     * consumer skips the load of {@code head} then): copy out, free the slot.
     */
    long readCached() {
        long t = tail;
        long value = slot;
        tail = t + Long.BYTES;          // plain store: should be release
        return value;
    }

    /** Work for the consumer between two reads, as the real ring's consumer has a lap to read. */
    long busy;

    /** Consumer: the record, or {@link #EMPTY}. */
    long tryRead() {
        long t = tail;
        if (head == t) {                // plain load: should be acquire
            return EMPTY;
        }
        long value = slot;
        tail = t + Long.BYTES;          // plain store: should be release
        return value;
    }

    /** Consumer: about a hundred nanoseconds of work that touches no ring field. */
    void pause() {
        long x = busy;
        for (int i = 0; i < 100; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        busy = x;
    }

    /** Producer: close the end (EOF once drained). */
    void close() {
        producerState = CLOSED;         // plain store: should be release
    }

    /** Consumer, as {@code Ring.tryRead}: 8 for a record, 0 when empty, -1 at EOF. */
    int tryReadOrEof() {
        long t = tail;
        if (head != t) {                // plain load: should be acquire
            tail = t + Long.BYTES;
            return Long.BYTES;
        }
        if (producerState == CLOSED) {  // plain load: should be acquire
            return head == t ? -1 : 0;  // the re-read of head that an acquire above would force
        }
        return 0;
    }

    /** Sleeper's half of the handshake: announce, then re-check; true when it would sleep. */
    boolean announceAndWouldSleep() {
        consumerWaiting = 1;            // needs a full fence after it
        return head == tail;
    }

    /** Waker's half: publish, then look for a sleeper; true when it rings. */
    boolean publishAndWouldRing(long value) {
        slot = value;
        head = head + Long.BYTES;       // needs a full fence after it
        return consumerWaiting != 0;
    }
}
