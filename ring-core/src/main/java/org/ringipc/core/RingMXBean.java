package org.ringipc.core;

/**
 * The JMX view of a ring's {@link RingStats}, registered as
 * {@code org.ringipc:type=Ring,name=<name>} by a ring's {@code registerMXBean(name)}, so that
 * JConsole, VisualVM or any JMX exporter shows the counters live. Every getter reads the header
 * afresh.
 */
public interface RingMXBean {

    /**
     * {@code Ring}, {@code MessageRing}, {@code LockedRing} or {@code SharedRing}.
     *
     * @return the ring's class name
     */
    String getKind();

    /** {@return the {@link RingStats#capacity() capacity} counter of the current stats} */
    long getCapacity();

    /** {@return the {@link RingStats#used() used} counter of the current stats} */
    long getUsed();

    /** {@return the {@link RingStats#free() free} counter of the current stats} */
    long getFree();

    /** {@return the {@link RingStats#bytesWritten() bytesWritten} counter of the current stats} */
    long getBytesWritten();

    /** {@return the {@link RingStats#bytesRead() bytesRead} counter of the current stats} */
    long getBytesRead();

    /** {@return the {@link RingStats#bytesDropped() bytesDropped} counter of the current stats} */
    long getBytesDropped();

    /** {@return the {@link RingStats#writes() writes} counter of the current stats} */
    long getWrites();

    /** {@return the {@link RingStats#reads() reads} counter of the current stats} */
    long getReads();

    /** {@return the {@link RingStats#drops() drops} counter of the current stats} */
    long getDrops();

    /** {@return the {@link RingStats#producerSleeps() producerSleeps} counter of the current stats} */
    long getProducerSleeps();

    /** {@return the {@link RingStats#consumerSleeps() consumerSleeps} counter of the current stats} */
    long getConsumerSleeps();

    /** {@return the {@link RingStats#producerPid() producerPid} counter of the current stats} */
    long getProducerPid();

    /** {@return the {@link RingStats#consumerPid() consumerPid} counter of the current stats} */
    long getConsumerPid();
}
