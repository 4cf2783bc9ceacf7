package org.ringipc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A ring serves one stream after another, like a FIFO made by mkfifo, in either order of starting. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class StreamReuseTest {

    private static final int CAPACITY = 4096;

    @Test
    void streamAfterStreamInEitherOrder() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            // stream 1: writer first
            write(ring, "one");
            assertEquals("one", readToEof(ring.source()));
            // stream 2: the reader comes first and waits for the next writer, not the old EOF
            RingSource early = ring.source();
            assertEquals(0, early.read(ByteBuffer.allocate(8), 200, TimeUnit.MILLISECONDS));
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> readToEofUnchecked(early));
            write(ring, "two");
            assertEquals("two", reader.get(30, TimeUnit.SECONDS));
            // stream 3: writer first again, after a reader that left (no "broken pipe")
            write(ring, "three");
            assertEquals("three", readToEof(ring.source()));
            assertEquals(3, ring.stats().streams());
            assertEquals(11, ring.stats().bytesRead());
        }
    }

    @Test
    void whatAStreamLeftUnreadIsReadBeforeItsEof() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY)) {
            write(ring, "left");
            assertEquals("left", readToEof(ring.source()));
            write(ring, "unread");
            RingSource source = ring.source();
            assertEquals("unread", readToEof(source));
        }
    }

    @Test
    void aMessageRingServesStreamsToo() throws Exception {
        try (MessageRing ring = MessageRing.allocate(CAPACITY)) {
            for (int stream = 1; stream <= 3; stream++) {
                MessageSource source = ring.source();
                MessageSink sink = ring.sink();
                sink.write(ByteBuffer.wrap(("m" + stream).getBytes(StandardCharsets.UTF_8)));
                sink.close();
                StringBuilder got = new StringBuilder();
                while (source.take(m -> got.append(new String(m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8))) >= 0) {
                    // until EOF
                }
                assertEquals("m" + stream, got.toString());
                source.close();
            }
            assertEquals(3, ring.stats().streams());
        }
    }

    @Test
    void aProducerThatDiesInsideOpenDoesNotMakeAReaderOpeningMeanwhilePutTheOldEofBack() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment memory = arena.allocate(Ring.requiredBytes(CAPACITY), RingLayout.BLOCK_BYTES);
            RingMemory ring = RingMemory.format(memory, CAPACITY, RingOptions.defaults(),
                    RingOptions.defaults().toFlags(), null, null);
            try {
                // stream 1, written, closed and read to its EOF: both ends CLOSED, head == tail
                ByteProducer writer = ring.open(HeaderSide.PRODUCER, ByteProducer::new);
                writer.write(ByteBuffer.wrap("one".getBytes(StandardCharsets.UTF_8)));
                writer.close();
                assertEquals("one", readToEof(ring.open(HeaderSide.CONSUMER, ByteConsumer::new)));
                // a reader opens: its check sees stream 1's CLOSED with nothing left to read ...
                long streamSeen = ring.header.streamsAcquire();
                // ... a producer's open runs and its process dies inside (its lock is dropped) ...
                assertThrows(ProducerDied.class, () -> ring.open(HeaderSide.PRODUCER, (RingMemory.EndFactory<ByteProducer>) m -> {
                    throw new ProducerDied();
                }));
                // ... and the reader's compare-and-set of CLOSED -> NONE comes now
                ring.forgetEndedStream(streamSeen);
                assertEquals(RingLayout.STATE_NONE, ring.header.stateAcquire(HeaderSide.PRODUCER),
                        "no stream came and went: the reader waits for the next writer, not the old EOF");
            } finally {
                ring.close();
            }
        }
    }

    /** Plays a producer's process dying in the middle of its open. */
    private static final class ProducerDied extends Error {
        ProducerDied() {
            super("the producer's process died inside open()", null, false, false);
        }
    }

    private static void write(Ring ring, String text) throws IOException {
        try (RingSink sink = ring.sink()) {
            sink.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static String readToEofUnchecked(RingSource source) {
        try {
            return readToEof(source);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readToEof(RingSource source) throws IOException {
        try (source) {
            ByteBuffer buf = ByteBuffer.allocate(CAPACITY);
            while (source.read(buf) >= 0) {
                // until EOF
            }
            buf.flip();
            return StandardCharsets.UTF_8.decode(buf).toString();
        }
    }
}
