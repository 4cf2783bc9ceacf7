package org.ringipc.stress;

import java.nio.ByteBuffer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.ringipc.core.RingStats;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * The stats query ({@code ring.stats()}, the ioctl of this pipe): every counter is one 64-bit
 * field with a single writer, stored whole (release for {@code head} and {@code tail}, opaque for
 * the others) and loaded whole, so by coherence a later snapshot never shows a smaller value; the
 * snapshot loads {@code tail} with acquire before {@code head}, so bytes read never exceed bytes
 * written in one snapshot.
 *
 * <p>Results: monotonic between two snapshots (1), each snapshot consistent (1), then the bytes
 * written in each snapshot above where the ring started.
 */
public final class StatsStress {

    private StatsStress() {
    }

    @JCStressTest
    @Description("stats() snapshots taken while the producer writes: counters never run backwards, read never passes written")
    @Outcome(id = "1, 1, [0-9]+, [0-9]+", expect = ACCEPTABLE, desc = "monotonic and consistent; the last two are bytes written in each snapshot")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a counter ran backwards, or bytesRead > bytesWritten in a snapshot")
    @State
    public static class StatsNeverRunBackwards {
        private final Ends ends = nearWrap(4);
        private final ByteBuffer out1 = record(VALUE);
        private final ByteBuffer out2 = record(SECOND);
        private final ByteBuffer in = ByteBuffer.allocate(16);
        private final long base = ends.ring().stats().bytesWritten();

        @Actor
        public void producer() {
            io(() -> ends.sink().tryWrite(out1));
            io(() -> ends.sink().tryWrite(out2));
        }

        @Actor
        public void consumer(IIII_Result r) {
            RingStats s1 = ends.ring().stats();
            io(() -> ends.source().tryRead(in));
            RingStats s2 = ends.ring().stats();
            r.r1 = s2.bytesWritten() >= s1.bytesWritten() && s2.writes() >= s1.writes()
                    && s2.bytesRead() >= s1.bytesRead() && s2.reads() >= s1.reads() ? 1 : 0;
            r.r2 = s1.bytesRead() <= s1.bytesWritten() && s2.bytesRead() <= s2.bytesWritten()
                    && s1.used() <= CAPACITY && s2.used() <= CAPACITY ? 1 : 0;
            r.r3 = (int) (s1.bytesWritten() - base);
            r.r4 = (int) (s2.bytesWritten() - base);
        }
    }

    @JCStressTest
    @Description("CONTROL, deliberately broken: a byte counter kept as two plain 32-bit halves, carried over 2^32 while read")
    @Outcome(id = "1, 1, [0-9]+, [0-9]+", expect = ACCEPTABLE, desc = "monotonic and whole")
    @Outcome(id = {"0, .*", "1, 0, .*"}, expect = ACCEPTABLE_INTERESTING,
            desc = "THE BUG: a torn counter, seen running backwards or at a value it never held; the real ring forbids this")
    @Outcome(id = ".*", expect = ACCEPTABLE, desc = "another reordering the plain counter allows (e.g. a load sunk below a plain store); not the bug shown here")
    @State
    public static class BrokenSplitCounter {
        private static final long BASE = 0xFFFF_FFF8L;
        private final BrokenRing ring = new BrokenRing();

        public BrokenSplitCounter() {
            ring.addToSplitCounter(BASE);
        }

        private static boolean held(long value) {
            return value == BASE || value == BASE + 8 || value == BASE + 16;
        }

        @Actor
        public void producer() {
            ring.addToSplitCounter(8);      // carries into the high half
            ring.addToSplitCounter(8);
        }

        @Actor
        public void consumer(IIII_Result r) {
            long s1 = ring.readSplitCounter();
            long s2 = ring.readSplitCounter();
            r.r1 = s2 >= s1 ? 1 : 0;
            r.r2 = held(s1) && held(s2) ? 1 : 0;
            r.r3 = (int) (s1 - BASE);
            r.r4 = (int) (s2 - BASE);
        }
    }
}
