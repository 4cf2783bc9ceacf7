package org.ringipc.stress;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * The publication protocol of the byte ring: the producer copies bytes in, then stores
 * {@code head} with release; the consumer loads {@code head} with acquire, copies the bytes out,
 * then stores {@code tail} with release; the producer loads {@code tail} with acquire before it
 * reuses freed bytes. Every scenario runs across the wrap point.
 *
 * <p>Outcome codes for bytes read: 0 nothing, 1 {@code VALUE}, 2 {@code SECOND}, 3 stale (bytes
 * from before the actors ran), 4 scratch (written into claimed space, never committed), 5 torn.
 */
public final class PublicationStress {

    private PublicationStress() {
    }

    @JCStressTest
    @Description("tryWrite of 8 bytes that wrap, against tryRead: a published record is whole")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "read before the publish: nothing")
    @Outcome(id = "8, 1", expect = ACCEPTABLE, desc = "read after the publish: the whole record")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "head seen without its bytes (stale or torn), or a partial record")
    @State
    public static class TryWriteTryReadAcrossWrap {
        private final Ends ends = nearWrap(4);
        private final ByteBuffer out = record(VALUE);
        private final ByteBuffer in = ByteBuffer.allocate(Long.BYTES);

        @Actor
        public void producer() {
            io(() -> ends.sink().tryWrite(out));
        }

        @Actor
        public void consumer(II_Result r) {
            int n = (int) io(() -> ends.source().tryRead(in));
            r.r1 = n;
            r.r2 = seen(in, n);
        }
    }

    @JCStressTest
    @Description("write(MemorySegment) of 8 bytes that wrap, against zero-copy drain: slices show published bytes only")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "drained before the publish: nothing")
    @Outcome(id = "8, 1", expect = ACCEPTABLE, desc = "drained after the publish: the whole record, in two slices")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a slice over bytes not yet written, or a partial record")
    @State
    public static class SegmentWriteDrainAcrossWrap {
        private final Ends ends = nearWrap(3);
        private final MemorySegment out = MemorySegment.ofArray(new byte[Long.BYTES]);
        private final byte[] in = new byte[Long.BYTES];
        private int got;

        public SegmentWriteDrainAcrossWrap() {
            out.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, VALUE);
        }

        @Actor
        public void producer() {
            io(() -> ends.sink().write(out));
        }

        @Actor
        public void consumer(II_Result r) {
            int n = (int) io(() -> ends.source().drain(slice -> {
                MemorySegment.copy(slice, ValueLayout.JAVA_BYTE, 0, in, got, (int) slice.byteSize());
                got += (int) slice.byteSize();
            }, Long.BYTES));
            r.r1 = n;
            r.r2 = seen(ByteBuffer.wrap(in), n);
        }
    }

    @JCStressTest
    @Description("a full ring: the consumer reads a record and a lap, the producer reuses the freed slot; "
            + "each lap of the slot is read whole and in order")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the producer found the ring full")
    @Outcome(id = "8, 1, 0", expect = ACCEPTABLE, desc = "the producer reused the slot; the consumer's next read came first")
    @Outcome(id = "8, 1, 2", expect = ACCEPTABLE, desc = "the producer reused the slot; the consumer read the new lap")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "the slot overwritten before it was copied out, or the old lap read again under the new head")
    @State
    public static class SlotReuseAcrossLaps {
        private final Ends ends = nearWrap(4);
        private final ByteBuffer out = record(SECOND);
        private final ByteBuffer first = ByteBuffer.allocate(Long.BYTES);
        private final ByteBuffer lap = ByteBuffer.allocate(CAPACITY - Long.BYTES);
        private final ByteBuffer again = ByteBuffer.allocate(Long.BYTES);

        public SlotReuseAcrossLaps() {
            fill(ends, VALUE);
        }

        @Actor
        public void producer(III_Result r) {
            r.r1 = (int) io(() -> ends.sink().tryWrite(out));
        }

        @Actor
        public void consumer(III_Result r) {
            int n = (int) io(() -> ends.source().tryRead(first));
            r.r2 = seen(first, n);
            io(() -> ends.source().tryRead(lap));
            int m = (int) io(() -> ends.source().tryRead(again));
            r.r3 = seen(again, m);
        }
    }

    @JCStressTest
    @Description("CONTROL, deliberately broken: SlotReuseAcrossLaps on BrokenRing, plain head/tail instead of release/acquire")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the producer found the ring full")
    @Outcome(id = "8, 1, 0", expect = ACCEPTABLE, desc = "the producer reused the slot; the consumer's next read came first")
    @Outcome(id = "8, 1, 2", expect = ACCEPTABLE, desc = "the producer reused the slot; the consumer read the new lap")
    @Outcome(id = "8, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "THE BUG: new head, old lap's bytes; the real ring forbids this")
    @Outcome(id = "8, 2, .*", expect = ACCEPTABLE_INTERESTING, desc = "THE BUG: the slot reused before it was copied out; the real ring forbids this")
    @Outcome(id = ".*", expect = ACCEPTABLE, desc = "another reordering the plain ring allows (e.g. a load sunk below a plain store); not the bug shown here")
    @State
    public static class BrokenPlainPositions {
        private final BrokenRing ring = BrokenRing.full(VALUE);

        @Actor
        public void producer(III_Result r) {
            r.r1 = ring.tryWrite(SECOND);
        }

        @Actor
        public void consumer(III_Result r) {
            long first = ring.readCached();
            ring.pause();
            long again = ring.tryRead();
            r.r2 = first == BrokenRing.EMPTY ? SAW_NOTHING : seen(first);
            r.r3 = again == BrokenRing.EMPTY ? SAW_NOTHING : seen(again);
        }
    }

    @JCStressTest
    @Description("after both actors, the ring still holds exactly the unread bytes: nothing lost or duplicated")
    @Outcome(id = "8, 1", expect = ACCEPTABLE, desc = "the record was read once, by the consumer or the arbiter")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "lost or duplicated bytes")
    @State
    public static class NothingLostNothingDuplicated {
        private final Ends ends = nearWrap(5);
        private final ByteBuffer out = record(VALUE);
        private final ByteBuffer in = ByteBuffer.allocate(64);

        @Actor
        public void producer() {
            io(() -> ends.sink().tryWrite(out));
        }

        @Actor
        public void consumer() {
            io(() -> ends.source().tryRead(in));
        }

        @Arbiter
        public void arbiter(II_Result r) {
            io(() -> ends.source().tryRead(in));
            r.r1 = in.position();
            r.r2 = seen(in, in.position());
        }
    }
}
