package org.ringipc.stress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;
import org.openjdk.jcstress.infra.results.III_Result;
import org.ringipc.core.Doorbell;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingOptions;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;
import static org.ringipc.stress.StressRings.*;

/**
 * The framed-record protocol of {@link MessageRing}: the producer writes the payload, then
 * {@code head}, then the record's header word with release (a wrap's padding word after it); the
 * consumer loads the header word at its position with acquire and hands out the record only when
 * the word is not 0. The consumer zeroes what it read before it releases its tail, so a record's
 * header never finds an older lap's bytes. A record is never seen half-written, including the one
 * that follows the padding record at the wrap point, and a record of the last lap is never seen
 * twice.
 *
 * <p>Results: messages polled, then per message its length and the outcome code of its first
 * eight payload bytes (see {@link PublicationStress}).
 */
public final class FramingStress {

    private static final ValueLayout.OfLong BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private FramingStress() {
    }

    /** An empty message ring in memory of its own. */
    static MessageRing formatted() {
        MemorySegment memory = Arena.ofAuto().allocate(MessageRing.requiredBytes(CAPACITY), 128);
        return MessageRing.format(memory, CAPACITY, RingOptions.defaults(), Doorbell.parking());
    }

    /** A message ring whose next record of more than 8 payload bytes needs padding before the wrap. */
    static MessageRing nearWrapMessages() {
        MessageRing ring = formatted();
        // two records of 8 + 2032 bytes leave 16 bytes before the end of the data region
        MemorySegment filler = Arena.ofAuto().allocate(2032).fill(STALE);
        try (MessageSink sink = ring.sink(); MessageSource source = ring.source()) {
            sink.offer(filler);
            sink.offer(filler);
            if (source.poll(message -> { }, 2) != 2) {
                throw new IllegalStateException("could not position the message ring");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ring;
    }

    private static MemorySegment message(long first, int length) {
        MemorySegment msg = Arena.ofAuto().allocate(length).fill(STALE);
        msg.set(BE, 0, first);
        return msg;
    }

    @JCStressTest
    @Description("offer of a 12-byte message that needs wrap padding, against poll: the record is whole or absent")
    @Outcome(id = "0, 0, 0", expect = ACCEPTABLE, desc = "polled before the publish: nothing")
    @Outcome(id = "1, 12, 1", expect = ACCEPTABLE, desc = "the whole message, after the padding was skipped")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a half-written record, the padding handed out, or a stale length")
    @State
    public static class OfferAcrossWrapIsWhole {
        private final MessageRing ring = nearWrapMessages();
        private final MessageSink sink = ring.sink();
        private final MessageSource source = ring.source();
        private final MemorySegment out = message(VALUE, 12);

        @Actor
        public void producer() {
            io(() -> sink.offer(out) ? 1 : 0);
        }

        @Actor
        public void consumer(III_Result r) {
            r.r1 = (int) io(() -> source.poll(message -> {
                r.r2 = (int) message.byteSize();
                r.r3 = seen(message.get(BE, 0));
            }, 4));
        }
    }

    @JCStressTest
    @Description("claim/commit of one message, then offer of another, against poll: each record whole, in order")
    @Outcome(id = "0, 0, 0, 0", expect = ACCEPTABLE, desc = "polled before the first commit")
    @Outcome(id = "1, 16, 1, 0", expect = ACCEPTABLE, desc = "the claimed message only")
    @Outcome(id = "2, 16, 1, 2", expect = ACCEPTABLE, desc = "both messages, in order")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "a half-written record, or the second before the first")
    @State
    public static class ClaimCommitThenOfferInOrder {
        private final MessageRing ring = nearWrapMessages();
        private final MessageSink sink = ring.sink();
        private final MessageSource source = ring.source();
        private final MemorySegment second = message(SECOND, 24);
        private int polled;

        @Actor
        public void producer() {
            io(() -> {
                MemorySegment claimed = sink.claim(16);
                claimed.set(BE, 0, VALUE);
                claimed.set(BE, 8, SCRATCH);
                sink.commit();
                return sink.offer(second) ? 1 : 0;
            });
        }

        @Actor
        public void consumer(IIII_Result r) {
            r.r1 = (int) io(() -> source.poll(message -> {
                if (polled++ == 0) {
                    r.r2 = (int) message.byteSize();
                    r.r3 = seen(message.get(BE, 0));
                } else {
                    r.r4 = seen(message.get(BE, 0));
                }
            }, 4));
        }
    }

    /** A message ring holding two unread records of 2040 bytes, full, laid from index 0. */
    static MessageRing fullOfTwoRecords() {
        MessageRing ring = formatted();
        MemorySegment filler = Arena.ofAuto().allocate(CAPACITY / 2 - 8).fill(STALE);
        try (MessageSink sink = ring.sink()) {
            if (!sink.offer(filler) || !sink.offer(filler)) {
                throw new IllegalStateException("could not fill the message ring");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ring;
    }

    @JCStressTest
    @Description("a full ring: poll of both records against a write of the next over the first one's bytes; the old header is never seen again")
    @Outcome(id = "2, 0, 0, 0", expect = ACCEPTABLE, desc = "the second poll came before the new record")
    @Outcome(id = "2, 1, 12, 1", expect = ACCEPTABLE, desc = "the new record, whole")
    @Outcome(id = ".*", expect = FORBIDDEN, desc = "an old lap's record again (2040 bytes), or a torn or stale new one")
    @State
    public static class NextLapNeverShowsTheOldRecord {
        private final MessageRing ring = fullOfTwoRecords();
        private final MessageSink sink = ring.sink();
        private final MessageSource source = ring.source();
        private final MemorySegment out = message(VALUE, 12);

        @Actor
        public void producer() {
            io(() -> {
                sink.write(out);  // blocks until the consumer's first poll frees the ring
                return 1;
            });
        }

        @Actor
        public void consumer(IIII_Result r) {
            r.r1 = (int) io(() -> source.poll(message -> { }, 2));
            r.r2 = (int) io(() -> source.poll(message -> {
                r.r3 = (int) message.byteSize();
                r.r4 = seen(message.get(BE, 0));
            }, 4));
        }
    }

    @JCStressTest
    @Description("CONTROL, deliberately broken: a framed record reused across laps on BrokenRing, plain length word and head")
    @Outcome(id = "0, 8, 1, -1", expect = ACCEPTABLE, desc = "the producer found the ring full; the old record, then nothing")
    @Outcome(id = "1, 8, 1, -1", expect = ACCEPTABLE, desc = "the new record was published after the consumer looked")
    @Outcome(id = "1, 8, 1, 2", expect = ACCEPTABLE, desc = "the old record, then the new one, whole")
    @Outcome(id = "1, 8, 1, [134589]", expect = ACCEPTABLE_INTERESTING, desc = "THE BUG: new head over an old length word (9) or old/torn payload; the real ring forbids this")
    @Outcome(id = ".*", expect = ACCEPTABLE, desc = "another reordering the plain ring allows (e.g. a load sunk below a plain store); not the bug shown here")
    @State
    public static class BrokenPlainFraming {
        private final BrokenRing ring = BrokenRing.fullMessage(8, VALUE);

        @Actor
        public void producer(IIII_Result r) {
            r.r1 = ring.tryWriteMessage(12, SECOND);
        }

        @Actor
        public void consumer(IIII_Result r) {
            r.r2 = ring.readCachedLength();
            r.r3 = seen(ring.readCachedPayloadAndFree());
            ring.pause();
            int length = ring.tryReadLength();
            long payload = ring.slot;
            r.r4 = length < 0 ? -1 : length == 12 ? seen(payload) : 9;
        }
    }
}
