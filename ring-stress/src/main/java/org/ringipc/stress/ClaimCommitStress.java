package org.ringipc.stress;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * The zero-copy write protocol: the producer claims a slice of free ring memory, writes into it in
 * place and commits a prefix; {@code commit} stores {@code head} with release, so exactly the
 * committed bytes, complete, become visible to a consumer that loads {@code head} with acquire.
 * Bytes written into the claim but not (yet) committed are never visible; a claim of space the
 * consumer freed never shows the consumer the old lap under the new head.
 *
 * <p>Results: bytes drained, then the outcome codes of the first and second eight bytes (0 not
 * drained, 1 {@code VALUE}, 2 {@code SECOND}, 3 stale, 4 scratch: written, never committed, 5 torn).
 */
public final class ClaimCommitStress {

    private static final ValueLayout.OfLong BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private ClaimCommitStress() {
    }

    /** Claim 16, write VALUE and SCRATCH, commit 8, claim 8 more, write SECOND over the scratch, commit 8. */
    private static void claimFillCommitTwice(Ends ends) {
        io(() -> {
            MemorySegment claimed = ends.sink().claim(16);
            claimed.set(BE, 0, VALUE);
            claimed.set(BE, 8, SCRATCH);
            ends.sink().commit(8);
            MemorySegment next = ends.sink().claim(8);
            next.set(BE, 0, SECOND);
            ends.sink().commit(8);
            return 0;
        });
    }

    /** Drains up to 16 bytes into {@code in} through the zero-copy slices; the bytes drained. */
    private static int drain16(Ends ends, byte[] in) {
        int[] got = {0};
        return (int) io(() -> ends.source().drain(slice -> {
            MemorySegment.copy(slice, ValueLayout.JAVA_BYTE, 0, in, got[0], (int) slice.byteSize());
            got[0] += (int) slice.byteSize();
        }, 16));
    }

    private static void outcome(III_Result r, int n, byte[] in) {
        ByteBuffer bytes = ByteBuffer.wrap(in);
        r.r1 = n;
        r.r2 = n >= 8 ? seen(bytes.getLong(0)) : SAW_NOTHING;
        r.r3 = n >= 16 ? seen(bytes.getLong(8)) : SAW_NOTHING;
    }

    @JCStressTest
    @Description("claim 16 bytes, fill them, commit 8, then claim and commit 8 more: only committed bytes are visible")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "drained before the first commit")
    @Outcome(id = "8, 1, 0", expect = ACCEPTABLE, desc = "drained between the commits: the first record only")
    @Outcome(id = "16, 1, 2", expect = ACCEPTABLE, desc = "drained after both commits: both records, the second over the scratch")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "uncommitted scratch, stale or torn bytes visible, or a commit seen out of order")
    @State
    public static class ClaimCommitPublishesOnlyCommitted {
        private final Ends ends = nearWrap(16);
        private final byte[] in = new byte[16];

        @Actor
        public void producer() {
            claimFillCommitTwice(ends);
        }

        @Actor
        public void consumer(III_Result r) {
            outcome(r, drain16(ends, in), in);
        }
    }

    @JCStressTest
    @Description("a full ring: the consumer reads 16 bytes and the rest of the lap; the producer claims the freed 16, "
            + "commits 8 then 8 more; the consumer's drain sees only committed bytes of the new lap")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "drained before the first commit")
    @Outcome(id = "8, 1, 0", expect = ACCEPTABLE, desc = "drained between the commits: the first record only")
    @Outcome(id = "16, 1, 2", expect = ACCEPTABLE, desc = "drained after both commits")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "the old lap (stale) or the uncommitted scratch under the new head, or torn bytes")
    @State
    public static class ClaimOfFreedSpaceAcrossLaps {
        private final Ends ends = nearWrap(16);
        private final ByteBuffer first = ByteBuffer.allocate(16);
        private final ByteBuffer lap = ByteBuffer.allocate(CAPACITY - 16);
        private final byte[] in = new byte[16];

        public ClaimOfFreedSpaceAcrossLaps() {
            fill(ends, 0xEEEEEEEEEEEEEEEEL);
        }

        @Actor
        public void producer() {
            claimFillCommitTwice(ends);     // claim waits until the consumer frees the 16 bytes
        }

        @Actor
        public void consumer(III_Result r) {
            io(() -> ends.source().tryRead(first));
            io(() -> ends.source().tryRead(lap));
            outcome(r, drain16(ends, in), in);
        }
    }

    @JCStressTest
    @Description("CONTROL, deliberately broken: ClaimOfFreedSpaceAcrossLaps on BrokenRing, plain head/tail instead of release/acquire")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "the producer had not claimed yet, or drained before the first commit")
    @Outcome(id = "8, 1, 0", expect = ACCEPTABLE, desc = "drained between the commits: the first record only")
    @Outcome(id = "16, 1, 2", expect = ACCEPTABLE, desc = "drained after both commits")
    @Outcome(id = {"8, [^1], 0", "16, [^1], .*", "16, 1, [^2]"}, expect = ACCEPTABLE_INTERESTING,
            desc = "THE BUG: the old lap (3) or the uncommitted scratch (4) under the new head; the real ring forbids this")
    @Outcome(id = ".*", expect = ACCEPTABLE, desc = "another reordering the plain ring allows (e.g. a load sunk below a plain store); not the bug shown here")
    @State
    public static class BrokenPlainCommit {
        private final BrokenRing ring = BrokenRing.fullTwo(0xEEEEEEEEEEEEEEEEL);

        @Actor
        public void producer() {
            ring.claimFillCommitTwice(VALUE, SCRATCH, SECOND);
        }

        @Actor
        public void consumer(III_Result r) {
            ring.readCachedTwo();
            // long enough for the waiting producer to see the freed slots and commit: the plain
            // loads of the slots in drainTwo may then reuse the ones readCachedTwo made (old lap)
            ring.pause(2_000);
            r.r1 = ring.drainTwo();
            r.r2 = ring.drained1 == BrokenRing.EMPTY ? SAW_NOTHING : seen(ring.drained1);
            r.r3 = ring.drained2 == BrokenRing.EMPTY ? SAW_NOTHING : seen(ring.drained2);
        }
    }
}
