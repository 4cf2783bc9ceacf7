package org.ringipc.core;

/**
 * A snapshot of a ring's counters, read from its header (so another process sees the same
 * figures): the ioctl-style stats query of a pipe. Each counter is written only by its own side
 * and only grows; a snapshot is not atomic across fields.
 *
 * @param capacity       data bytes the ring holds
 * @param used           bytes written and not yet read
 * @param free           {@code capacity - used}
 * @param bytesWritten   bytes ever published by the producer (framing included for a message ring)
 * @param bytesRead      bytes ever consumed
 * @param bytesDropped   bytes discarded because they did not fit (DROP policy, refused offers)
 * @param writes         write operations that published data
 * @param reads          read operations that consumed data
 * @param drops          write operations discarded whole
 * @param producerSleeps times the producer went to sleep waiting for room (BLOCK)
 * @param consumerSleeps times the consumer went to sleep waiting for data (BLOCK)
 * @param producerPid    pid of the process holding the producer end, 0 when nobody holds it
 * @param consumerPid    pid of the process holding the consumer end, 0 when nobody holds it
 * @param lostRecords    records lost because a producer died while publishing one, counted when the
 *                       consumer resynchronised past it (at most one per producer crash)
 * @param lostBytes      ring bytes skipped with those records
 * @param streams        streams started on this ring: each time a producer opened an end that was
 *                       not open (a takeover continues the stream)
 */
public record RingStats(long capacity, long used, long free, long bytesWritten, long bytesRead,
                        long bytesDropped, long writes, long reads, long drops,
                        long producerSleeps, long consumerSleeps, long producerPid, long consumerPid,
                        long lostRecords, long lostBytes, long streams) {

    /**
     * The counters of a ring that loses nothing to crashes and knows no streams (a {@link LockedRing}).
     *
     * @param capacity data bytes the ring holds
     * @param used bytes written and not yet read
     * @param free {@code capacity - used}
     * @param bytesWritten bytes ever published by the producer
     * @param bytesRead bytes ever consumed
     * @param bytesDropped bytes discarded because they did not fit
     * @param writes write operations that published data
     * @param reads read operations that consumed data
     * @param drops write operations discarded whole
     * @param producerSleeps times the producer waited for room
     * @param consumerSleeps times the consumer waited for data
     * @param producerPid pid of the process holding a producer end, 0 when none is open
     * @param consumerPid pid of the process holding a consumer end, 0 when none is open
     */
    public RingStats(long capacity, long used, long free, long bytesWritten, long bytesRead,
                     long bytesDropped, long writes, long reads, long drops,
                     long producerSleeps, long consumerSleeps, long producerPid, long consumerPid) {
        this(capacity, used, free, bytesWritten, bytesRead, bytesDropped, writes, reads, drops,
                producerSleeps, consumerSleeps, producerPid, consumerPid, 0, 0, 0);
    }
}
