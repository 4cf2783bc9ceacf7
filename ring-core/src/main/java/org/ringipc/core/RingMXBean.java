package org.ringipc.core;

/**
 * The JMX view of a ring's {@link RingStats}, registered as
 * {@code org.ringipc:type=Ring,name=<name>} by a ring's {@code registerMXBean(name)}, so that
 * JConsole, VisualVM or any JMX exporter shows the counters live. Every getter reads the header
 * afresh.
 */
public interface RingMXBean {

    /** {@code Ring}, {@code MessageRing}, {@code LockedRing} or {@code SharedRing}. */
    String getKind();

    /** @see RingStats#capacity() */
    long getCapacity();

    /** @see RingStats#used() */
    long getUsed();

    /** @see RingStats#free() */
    long getFree();

    /** @see RingStats#bytesWritten() */
    long getBytesWritten();

    /** @see RingStats#bytesRead() */
    long getBytesRead();

    /** @see RingStats#bytesDropped() */
    long getBytesDropped();

    /** @see RingStats#writes() */
    long getWrites();

    /** @see RingStats#reads() */
    long getReads();

    /** @see RingStats#drops() */
    long getDrops();

    /** @see RingStats#producerSleeps() */
    long getProducerSleeps();

    /** @see RingStats#consumerSleeps() */
    long getConsumerSleeps();

    /** @see RingStats#producerPid() */
    long getProducerPid();

    /** @see RingStats#consumerPid() */
    long getConsumerPid();
}
