package org.ringipc.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JMH benchmarks' extra counters, reported as rates beside the score: JMH's own score counts
 * calls, and a call that found the ring full or empty moved nothing.
 */
public final class JmhCounters {

    private JmhCounters() {
    }

    /** The producer's: calls that found no room, and what went in. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Producer {
        /** Offers that found no room. */
        public long failedOffers;
        /** Bytes that went in. */
        public long bytesOffered;

        /** Counts start again each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            failedOffers = 0;
            bytesOffered = 0;
        }
    }

    /** The consumer's: calls that found nothing, and what came out (in bytes and in messages). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Consumer {
        /** Polls that found nothing. */
        public long failedPolls;
        /** Bytes that came out. */
        public long bytesTaken;
        /** Messages that came out (0 in the byte benchmark). */
        public long messagesTaken;

        /** Counts start again each iteration. */
        @Setup(Level.Iteration)
        public void reset() {
            failedPolls = 0;
            bytesTaken = 0;
            messagesTaken = 0;
        }
    }
}
