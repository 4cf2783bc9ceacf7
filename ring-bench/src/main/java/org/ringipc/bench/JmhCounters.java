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
        public long failedOffers;
        public long bytesOffered;

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
        public long failedPolls;
        public long bytesTaken;
        public long messagesTaken;

        @Setup(Level.Iteration)
        public void reset() {
            failedPolls = 0;
            bytesTaken = 0;
            messagesTaken = 0;
        }
    }
}
