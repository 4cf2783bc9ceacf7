package org.ringipc.core;

/**
 * 128 bytes in front of every end's fields (HotSpot lays a superclass's fields out first), so that
 * the fields a call writes on every operation ({@code running}, positions, a claim) never share a
 * cache line, or the adjacent-line pair the prefetcher fetches together, with the fields of an end
 * (or its waiter) used by the other thread: the two ends of a ring are allocated one after the
 * other, and without this the producer's stores and the consumer's were false sharing.
 */
@SuppressWarnings("unused")
abstract class EndPadding {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
    private long p08, p09, p10, p11, p12, p13, p14, p15;
}
