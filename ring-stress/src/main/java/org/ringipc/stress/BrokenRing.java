package org.ringipc.stress;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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

    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(BrokenRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long a producer waits for the consumer to free the slots before it gives up. */
    private static final int MAX_SPINS = 1 << 14;

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

    /** Producer: once the slot is free, writes one framed record (payload, then length word, then head); 0 if it stayed full. */
    int tryWriteMessage(int length, long value) {
        long h = head;
        if (!awaitTail(h)) {
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

    /**
     * Producer: waits a bounded time for the consumer to free everything up to {@code h}, as the
     * real producer's claim and write wait. Without the wait the producer almost always arrives
     * while the ring is still full and the scenario never reaches the commit under test. The wait
     * reads {@code tail} opaque (never hoisted out of the loop) but orders nothing: the broken part
     * of the control stays the plain stores that follow.
     */
    private boolean awaitTail(long h) {
        for (int i = 0; i < MAX_SPINS; i++) {
            if ((long) TAIL.getOpaque(this) == h) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** The second slot of the claim/commit control: a claim of 16 bytes covers {@link #slot} and this. */
    long slot2;

    /** A ring whose two slots both hold an unread record of {@code stale} bytes. */
    static BrokenRing fullTwo(long stale) {
        BrokenRing ring = new BrokenRing();
        ring.slot = stale;
        ring.slot2 = stale;
        ring.head = 2 * Long.BYTES;
        return ring;
    }

    /**
     * Producer, claim/commit: once the consumer has freed both slots, claims them, fills the first
     * with {@code first} and the second with {@code scratch}, commits 8 bytes, then overwrites the
     * second with {@code second} and commits 8 more. The bytes committed (0 when not yet free).
     */
    int claimFillCommitTwice(long first, long scratch, long second) {
        long h = head;
        if (!awaitTail(h)) {
            return 0;
        }
        slot = first;
        slot2 = scratch;
        head = h + Long.BYTES;          // commit(8), plain store: should be release
        slot2 = second;
        head = h + 2 * Long.BYTES;      // commit(8), plain store: should be release
        return 2 * Long.BYTES;
    }

    /** Consumer, when its cached head shows both slots: copies both out and frees them. */
    void readCachedTwo() {
        long t = tail;
        busy += slot ^ slot2;
        tail = t + 2 * Long.BYTES;      // plain store: should be release
    }

    /** What the last {@link #drainTwo} copied out of each slot ({@link #EMPTY} when not covered). */
    long drained1 = EMPTY;
    long drained2 = EMPTY;

    /** Consumer, as {@code drain}: copies out every slot below a fresh look at head; the bytes drained. */
    int drainTwo() {
        long t = tail;
        long n = head - t;              // plain load: should be acquire
        drained1 = n >= Long.BYTES ? slot : EMPTY;
        drained2 = n >= 2 * Long.BYTES ? slot2 : EMPTY;
        tail = t + n;                   // plain store: should be release
        return (int) n;
    }

    /**
     * A 64-bit counter kept as two 32-bit halves, each a plain store: what a plain {@code long} may
     * be on a 32-bit JVM (JLS 17.7), or a counter a careless layout splits over two header words.
     * The real ring stores every counter as one 64-bit value (release for head and tail, opaque for
     * the others), so a reader sees each counter whole and, by coherence, never running backwards.
     */
    int counterLow;
    int counterHigh;

    /** Producer: adds {@code delta} to the split counter, low half first. */
    void addToSplitCounter(long delta) {
        long value = ((long) counterHigh << 32 | (counterLow & 0xFFFF_FFFFL)) + delta;
        counterLow = (int) value;
        counterHigh = (int) (value >>> 32);
    }

    /** Observer: the split counter, low half first, with some other reads in between as a stats snapshot has. */
    long readSplitCounter() {
        long low = counterLow & 0xFFFF_FFFFL;
        busy += head + tail + producerState + consumerWaiting;
        return (long) counterHigh << 32 | low;
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
        pause(100);
    }

    /** Consumer: {@code rounds} dependent multiply-adds (about a nanosecond each) that touch no ring field. */
    void pause(int rounds) {
        long x = busy;
        for (int i = 0; i < rounds; i++) {
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
