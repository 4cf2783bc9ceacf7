package org.ringipc.stress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.II_Result;
import org.ringipc.core.RingOptions;
import org.ringipc.core.WaitStrategy;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * The BLOCK wait strategy's sleep/wake handshake (a Dekker pattern): the sleeper stores its
 * waiting flag, fences, re-checks the ring, and only then sleeps; the waker publishes (a new
 * position, or its end closed), fences, and rings only when it sees the flag. A wake-up is never
 * lost: the sleeper never sleeps through a publication whose waker did not ring.
 *
 * <p>The ring sleeps through a {@link RecordingDoorbell}: the blocked actor spins instead of
 * parking and the doorbell records a sleep the waker finished without ringing (a lost wake-up),
 * so a broken protocol shows as an outcome instead of a hung harness. The waker waits until the
 * sleeper starts to announce itself, plus a random few spins, so that its publication lands in
 * the announce / fence / re-check window.
 *
 * <p>Results end with: did the sleeper reach the doorbell (1) or did its re-check find the ring
 * ready (0); and the lost wake-ups (must be 0).
 */
public final class WakeupStress {

    private static final RingOptions BLOCK = RingOptions.defaults().withWaitStrategy(WaitStrategy.BLOCK);

    private WakeupStress() {
    }

    private static int jitter() {
        return ThreadLocalRandom.current().nextInt(48);
    }

    @JCStressTest
    @Description("a consumer blocked in read on an empty ring, against a write: the reader always wakes with the data")
    @Outcome(id = "8, 0, 0", expect = ACCEPTABLE, desc = "the re-check after announcing found the record: no sleep")
    @Outcome(id = "8, 1, 0", expect = ACCEPTABLE, desc = "slept and was rung")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a lost wake-up (slept through the write), or a wrong read")
    @State
    public static class ConsumerNeverSleepsThroughAWrite {
        private final RecordingDoorbell bell = new RecordingDoorbell();
        private final Ends ends = nearWrap(4, BLOCK, bell);
        private final ByteBuffer out = record(VALUE);
        private final ByteBuffer in = ByteBuffer.allocate(Long.BYTES);

        @Actor
        public void producer() {
            bell.awaitAnnounce(jitter());
            io(() -> ends.sink().write(out));
            bell.wakerDone = true;
        }

        @Actor
        public void consumer(III_Result r) {
            r.r1 = (int) io(() -> ends.source().read(in));
            r.r2 = bell.sleeps > 0 ? 1 : 0;
            r.r3 = bell.lost;
        }
    }

    @JCStressTest
    @Description("a producer blocked in write on a full ring, against a read: the writer always wakes and writes")
    @Outcome(id = "8, 0, 0, 1", expect = ACCEPTABLE, desc = "the re-check after announcing found room: no sleep")
    @Outcome(id = "8, 1, 0, 1", expect = ACCEPTABLE, desc = "slept and was rung")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a lost wake-up (slept through the read), or a wrong read")
    @State
    public static class ProducerNeverSleepsThroughARead {
        private final RecordingDoorbell bell = new RecordingDoorbell();
        private final Ends ends = nearWrap(4, BLOCK, bell);
        private final ByteBuffer out = record(SECOND);
        private final ByteBuffer in = ByteBuffer.allocate(Long.BYTES);

        public ProducerNeverSleepsThroughARead() {
            fill(ends, VALUE);
        }

        @Actor
        public void producer(IIII_Result r) {
            r.r1 = (int) io(() -> ends.sink().write(out));
            r.r2 = bell.sleeps > 0 ? 1 : 0;
            r.r3 = bell.lost;
        }

        @Actor
        public void consumer(IIII_Result r) {
            bell.awaitAnnounce(jitter());
            int n = (int) io(() -> ends.source().tryRead(in));
            bell.wakerDone = true;
            r.r4 = seen(in, n);
        }
    }

    @JCStressTest
    @Description("a consumer blocked in read on an empty ring, against the sink's close: the reader always wakes to EOF")
    @Outcome(id = "-1, 0, 0", expect = ACCEPTABLE, desc = "the re-check after announcing saw the close: EOF without sleeping")
    @Outcome(id = "-1, 1, 0", expect = ACCEPTABLE, desc = "slept, was rung by the close, EOF")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a lost wake-up (slept through the close), or no EOF")
    @State
    public static class CloseWakesBlockedReader {
        private final RecordingDoorbell bell = new RecordingDoorbell();
        private final Ends ends = nearWrap(4, BLOCK, bell);
        private final ByteBuffer in = ByteBuffer.allocate(Long.BYTES);

        @Actor
        public void producer() {
            bell.awaitAnnounce(jitter());
            io(() -> {
                ends.sink().close();
                return 0;
            });
            bell.wakerDone = true;
        }

        @Actor
        public void consumer(III_Result r) {
            r.r1 = (int) io(() -> ends.source().read(in));
            r.r2 = bell.sleeps > 0 ? 1 : 0;
            r.r3 = bell.lost;
        }
    }

    @JCStressTest
    @Description("a producer blocked in write on a full ring, against the source's close: the writer always wakes to broken pipe")
    @Outcome(id = "-1, 0, 0", expect = ACCEPTABLE, desc = "the re-check after announcing saw the close: broken pipe without sleeping")
    @Outcome(id = "-1, 1, 0", expect = ACCEPTABLE, desc = "slept, was rung by the close, broken pipe")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a lost wake-up (slept through the close), or no broken pipe")
    @State
    public static class CloseWakesBlockedWriter {
        private final RecordingDoorbell bell = new RecordingDoorbell();
        private final Ends ends = nearWrap(4, BLOCK, bell);
        private final ByteBuffer out = record(SECOND);

        public CloseWakesBlockedWriter() {
            fill(ends, VALUE);
        }

        @Actor
        public void producer(III_Result r) {
            try {
                r.r1 = ends.sink().write(out);
            } catch (IOException e) {
                r.r1 = String.valueOf(e.getMessage()).startsWith("broken pipe") ? -1 : -2;
            }
            r.r2 = bell.sleeps > 0 ? 1 : 0;
            r.r3 = bell.lost;
        }

        @Actor
        public void consumer() {
            bell.awaitAnnounce(jitter());
            io(() -> {
                ends.source().close();
                return 0;
            });
            bell.wakerDone = true;
        }
    }

    @JCStressTest
    @Description("CONTROL, deliberately broken: the handshake on BrokenRing without the full fences (store, then load)")
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the re-check saw the record; the waker saw no sleeper")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the re-check saw the record; a needless ring")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sleeps, and is rung")
    @Outcome(id = "1, 0", expect = ACCEPTABLE_INTERESTING, desc = "THE BUG: sleeps and nobody rings (a lost wake-up); the real ring forbids this")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "not a possible result")
    @State
    public static class BrokenNoFence {
        private final BrokenRing ring = new BrokenRing();

        @Actor
        public void producer(II_Result r) {
            r.r2 = ring.publishAndWouldRing(VALUE) ? 1 : 0;
        }

        @Actor
        public void consumer(II_Result r) {
            r.r1 = ring.announceAndWouldSleep() ? 1 : 0;
        }
    }
}
