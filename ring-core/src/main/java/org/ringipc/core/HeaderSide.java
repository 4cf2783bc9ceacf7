package org.ringipc.core;

/**
 * One side of a ring (producer or consumer), so that code written once for "an end" reads and
 * writes its own side's fields and its peer's without asking which side it is. The side names its
 * header block and futex word here; {@link RingHeader}'s per-side accessors take it and pick the
 * side's VarHandle, which must be a static final constant to be inlined.
 */
enum HeaderSide {

    PRODUCER(Doorbell.Side.PRODUCER, "producer", RingLayout.PRODUCER_BLOCK_OFFSET, RingLayout.PRODUCER_WAKE_SEQ_OFFSET),
    CONSUMER(Doorbell.Side.CONSUMER, "consumer", RingLayout.CONSUMER_BLOCK_OFFSET, RingLayout.CONSUMER_WAKE_SEQ_OFFSET);

    /** The side as the public {@link Doorbell} names it. */
    final Doorbell.Side side;
    /** "producer" or "consumer": the header block's name, and the word messages use. */
    final String label;
    /** Where the side's header block starts: a ring file's end holds its record lock on this byte. */
    final long blockOffset;
    /** The futex word this side sleeps on (its peer bumps it to wake it). */
    final long wakeSeqOffset;

    HeaderSide(Doorbell.Side side, String label, long blockOffset, long wakeSeqOffset) {
        this.side = side;
        this.label = label;
        this.blockOffset = blockOffset;
        this.wakeSeqOffset = wakeSeqOffset;
    }

    /** The other side. */
    HeaderSide peer() {
        return this == PRODUCER ? CONSUMER : PRODUCER;
    }

    static HeaderSide of(Doorbell.Side side) {
        return side == Doorbell.Side.PRODUCER ? PRODUCER : CONSUMER;
    }
}
