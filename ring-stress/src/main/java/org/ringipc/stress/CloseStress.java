package org.ringipc.stress;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * close() from another thread against a running write (issue 10, defect 3). The write marks itself
 * running and then reads {@code closed}; close() stores {@code closed} and then reads the running
 * thread (a Dekker pair): either the write sees the close and writes nothing, or close() sees the
 * write and waits for it before it publishes CLOSED. So a write that returns normally has its bytes
 * before EOF, whatever a concurrent reader sees.
 *
 * <p>The pair's StoreLoad fence is split (AsymmetricFence): with native access on Linux, as here,
 * the write has only a compiler barrier and close() calls membarrier. Checked 2026-12-03: with the
 * membarrier left out this test observed the forbidden outcome ("8, -1, -1, 0") 23 and 16 times
 * in the C2 configurations; with it, none.
 *
 * <p>Two actors (the machine has two CPUs): the writer, and a thread that closes the sink and then
 * reads; without the Dekker pair, close() published CLOSED under a write still copying, and the
 * read after it saw EOF while the write went on to publish and return normally.
 *
 * <p>Results: the write's return (8, or -2 when it found the end closed), the closing thread's two
 * non-blocking reads (8, 0 nothing yet, -1 EOF), and the bytes the reader had when it saw EOF (the
 * arbiter reads on to EOF if the reader had not seen it).
 */
public final class CloseStress {

    private static final int CLOSED = -2;

    private CloseStress() {
    }

    @JCStressTest
    @Description("tryWrite 8 bytes that wrap, against close() from another thread and then reads: no EOF before a returned write's bytes")
    @Outcome(id = "8, .*, .*, 8", expect = ACCEPTABLE, desc = "the write returned, and all its bytes came before EOF")
    @Outcome(id = "-2, .*, .*, 0", expect = ACCEPTABLE, desc = "the close came first: nothing written, nothing read")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "EOF before the bytes of a write that returned normally, or bytes of a refused write")
    @State
    public static class NoEofBeforeAReturnedWrite {
        private final Ends ends = nearWrap(4);
        private final ByteBuffer out = record(VALUE);
        private final ByteBuffer in = ByteBuffer.allocate(64);
        private boolean eof;

        @Actor
        public void writer(IIII_Result r) {
            try {
                r.r1 = ends.sink().tryWrite(out);
            } catch (IOException closed) {
                r.r1 = CLOSED;
            }
        }

        private int read() {
            int n = (int) io(() -> ends.source().tryRead(in));
            eof |= n == -1;
            return n;
        }

        /** Closes the sink from another thread, then reads: what it finds is after the close returned. */
        @Actor
        public void closerThenReader(IIII_Result r) {
            io(() -> {
                ends.sink().close();
                return 0;
            });
            r.r2 = read();
            r.r3 = eof ? -1 : read();
        }

        @Arbiter
        public void arbiter(IIII_Result r) {
            // what the reader had when it first saw EOF stays its total: read on only if it did not
            for (int i = 0; i < 3 && !eof; i++) {
                read();
            }
            r.r4 = in.position();
        }
    }
}
