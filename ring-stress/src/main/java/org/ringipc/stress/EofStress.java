package org.ringipc.stress;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * The end-of-stream protocol: the producer publishes its last {@code head} with release, then
 * stores its end state CLOSED with release; a consumer that finds the ring empty loads the state
 * with acquire and, when it is CLOSED, re-reads {@code head} before it reports EOF. EOF is never
 * seen while a published byte is unread.
 *
 * <p>Results: the consumer's two non-blocking reads (8 bytes, 0 nothing yet, -1 EOF), then, from
 * the arbiter, the bytes read in total and the result of a last read (-1: EOF).
 */
public final class EofStress {

    private EofStress() {
    }

    @JCStressTest
    @Description("tryWrite 8 bytes that wrap, then close, against two tryReads: EOF never comes before the last byte")
    @Outcome(id = "0, 0, 8, -1", expect = ACCEPTABLE, desc = "both reads before the publish")
    @Outcome(id = "0, 8, 8, -1", expect = ACCEPTABLE, desc = "the second read got the record")
    @Outcome(id = "8, 0, 8, -1", expect = ACCEPTABLE, desc = "the first read got the record, the close came later")
    @Outcome(id = "8, -1, 8, -1", expect = ACCEPTABLE, desc = "the record, then EOF")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "EOF before the last byte, or bytes lost or duplicated")
    @State
    public static class EofNeverBeforeLastByte {
        private final Ends ends = nearWrap(4);
        private final ByteBuffer out = record(VALUE);
        private final ByteBuffer in = ByteBuffer.allocate(64);

        @Actor
        public void producer() {
            io(() -> ends.sink().tryWrite(out));
            io(() -> {
                ends.sink().close();
                return 0;
            });
        }

        @Actor
        public void consumer(IIII_Result r) {
            r.r1 = (int) io(() -> ends.source().tryRead(in));
            r.r2 = (int) io(() -> ends.source().tryRead(in));
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            int last = 0;
            for (int i = 0; i < 3 && last != -1; i++) {
                last = (int) io(() -> ends.source().tryRead(in));
            }
            r.r3 = in.position();
            r.r4 = last;
        }
    }

    @JCStressTest
    @Description("write(MemorySegment) then close, against two zero-copy drains: EOF never comes before the last byte")
    @Outcome(id = "0, 0, 8, -1", expect = ACCEPTABLE, desc = "both drains before the publish")
    @Outcome(id = "0, 8, 8, -1", expect = ACCEPTABLE, desc = "the second drain got the record")
    @Outcome(id = "8, 0, 8, -1", expect = ACCEPTABLE, desc = "the first drain got the record, the close came later")
    @Outcome(id = "8, -1, 8, -1", expect = ACCEPTABLE, desc = "the record, then EOF")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "EOF before the last byte, or bytes lost or duplicated")
    @State
    public static class EofNeverBeforeLastByteInDrain {
        private final Ends ends = nearWrap(6);
        private final MemorySegment out = MemorySegment.ofBuffer(record(VALUE));
        private long total;

        @Actor
        public void producer() {
            io(() -> ends.sink().write(out));
            io(() -> {
                ends.sink().close();
                return 0;
            });
        }

        private int drain() {
            long n = io(() -> ends.source().drain(slice -> total += slice.byteSize(), 64));
            return (int) n;
        }

        @Actor
        public void consumer(IIII_Result r) {
            r.r1 = drain();
            r.r2 = drain();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            int last = 0;
            for (int i = 0; i < 3 && last != -1; i++) {
                last = drain();
            }
            r.r3 = (int) total;
            r.r4 = last;
        }
    }

    @JCStressTest
    @Description("CONTROL, deliberately broken: EofNeverBeforeLastByte on BrokenRing, plain end state instead of release/acquire")
    @Outcome(id = "0, 0, 8, -1", expect = ACCEPTABLE, desc = "both reads before the publish")
    @Outcome(id = "0, 8, 8, -1", expect = ACCEPTABLE, desc = "the second read got the record")
    @Outcome(id = "8, 0, 8, -1", expect = ACCEPTABLE, desc = "the first read got the record, the close came later")
    @Outcome(id = "8, -1, 8, -1", expect = ACCEPTABLE, desc = "the record, then EOF")
    @Outcome(id = {"-1, .*", "0, -1, .*"}, expect = ACCEPTABLE_INTERESTING, desc = "THE BUG: EOF with a published record unread; the real ring forbids this")
    @Outcome(id = ".*", expect = ACCEPTABLE, desc = "another reordering the plain ring allows (e.g. a load sunk below a plain store); not the bug shown here")
    @State
    public static class BrokenPlainEndState {
        private final BrokenRing ring = new BrokenRing();
        private int total;

        @Actor
        public void producer() {
            ring.tryWrite(VALUE);
            ring.close();
        }

        private int read() {
            int n = ring.tryReadOrEof();
            if (n > 0) {
                total += n;
            }
            return n;
        }

        @Actor
        public void consumer(IIII_Result r) {
            r.r1 = read();
            r.r2 = read();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            int last = 0;
            for (int i = 0; i < 3 && last != -1; i++) {
                last = read();
            }
            r.r3 = total;
            r.r4 = last;
        }
    }
}
