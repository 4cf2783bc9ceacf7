package org.ringipc.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One thread selecting over many in-process rings: readiness, sleeping, wake-ups, keys coming and going. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RingSelectorTest {

    private static final int CAPACITY = 4096;

    @Test
    void aSelectReturnsTheKeysOfTheSourcesThatHaveDataAndNoOthers() throws IOException {
        List<Ring> rings = new ArrayList<>();
        try (RingSelector selector = RingSelector.open()) {
            List<RingSink> sinks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Ring ring = Ring.allocate(CAPACITY);
                rings.add(ring);
                sinks.add(ring.sink());
                selector.register(ring.source(), RingSelector.OP_READ, i);
            }
            assertEquals(0, selector.selectNow());
            sinks.get(3).write(ByteBuffer.wrap(new byte[] {1}));
            sinks.get(7).write(ByteBuffer.wrap(new byte[] {2}));
            assertEquals(2, selector.select(1, TimeUnit.SECONDS));
            Set<Object> ready = new java.util.HashSet<>();
            for (RingKey key : selector.selectedKeys()) {
                assertTrue(key.isReadable());
                ready.add(key.attachment());
            }
            assertEquals(Set.of(3, 7), ready);
        } finally {
            rings.forEach(Ring::close);
        }
    }

    @Test
    void aReadyKeyLeftInTheSelectedSetEndsTheNextSelectWithZeroInsteadOfSleeping() throws IOException {
        try (Ring ring = Ring.allocate(CAPACITY); RingSelector selector = RingSelector.open()) {
            RingSink sink = ring.sink();
            selector.register(ring.source(), RingSelector.OP_READ);
            sink.write(ByteBuffer.allocate(1));
            assertEquals(1, selector.select());
            assertEquals(0, selector.select());   // not removed, still ready: returns at once, as NIO does
            assertEquals(1, selector.selectedKeys().size());
        }
    }

    @Test
    void aSelectWithATimeoutReturnsZeroWhenNothingComes() throws IOException {
        try (Ring ring = Ring.allocate(CAPACITY); RingSelector selector = RingSelector.open()) {
            selector.register(ring.source(), RingSelector.OP_READ);
            assertEquals(0, selector.select(50, TimeUnit.MILLISECONDS));
            assertTrue(selector.selectedKeys().isEmpty());
        }
    }

    @Test
    void aSleepingSelectIsWokenByAWriteFromAnotherThreadAndSeesEveryMessage() throws Exception {
        int rings = 20;
        int perRing = 500;
        List<MessageRing> all = new ArrayList<>();
        try (RingSelector selector = RingSelector.open()) {
            List<MessageSink> sinks = new ArrayList<>();
            for (int i = 0; i < rings; i++) {
                MessageRing ring = MessageRing.allocate(CAPACITY);
                all.add(ring);
                sinks.add(ring.sink());
                selector.register(ring.source(), RingSelector.OP_READ, i);
            }
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int m = 0; m < perRing; m++) {
                        for (int i = 0; i < rings; i++) {
                            sinks.get(i).write(ByteBuffer.allocate(4).putInt(0, m));
                            if (m % 50 == 0) {
                                Thread.sleep(1);   // let the selector fall asleep now and then
                            }
                        }
                    }
                    for (MessageSink sink : sinks) {
                        sink.close();
                    }
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            Map<Integer, Integer> next = new HashMap<>();
            int open = rings;
            while (open > 0) {
                selector.select();
                for (Iterator<RingKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    RingKey key = it.next();
                    it.remove();
                    int ring = (Integer) key.attachment();
                    MessageSource source = (MessageSource) key.channel();
                    int n = source.poll(msg -> {
                        int expected = next.merge(ring, 1, Integer::sum) - 1;
                        assertEquals(expected, msg.get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(
                                java.nio.ByteOrder.BIG_ENDIAN), 0));
                    }, 100);
                    if (n < 0) {
                        source.close();
                        open--;
                    }
                }
            }
            writer.get();
            for (int i = 0; i < rings; i++) {
                assertEquals(perRing, next.get(i));
            }
            assertTrue(selector.keys().isEmpty() || selector.selectNow() == 0);
        } finally {
            all.forEach(MessageRing::close);
        }
    }

    @Test
    void wakeupEndsASelectInProgressWithZero() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY); RingSelector selector = RingSelector.open()) {
            selector.register(ring.source(), RingSelector.OP_READ);
            CompletableFuture<Integer> select = selectAsync(selector);
            Thread.sleep(100);
            assertFalse(select.isDone());
            selector.wakeup();
            assertEquals(0, select.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aKeyRegisteredWhileSelectingIsTakenAtOnceAndAClosedChannelsKeyIsDropped() throws Exception {
        try (Ring a = Ring.allocate(CAPACITY); Ring b = Ring.allocate(CAPACITY); RingSelector selector = RingSelector.open()) {
            RingSource sourceA = a.source();
            selector.register(sourceA, RingSelector.OP_READ, "a");
            RingSink sinkB = b.sink();
            CompletableFuture<Integer> select = selectAsync(selector);
            Thread.sleep(100);
            RingKey keyB = selector.register(b.source(), RingSelector.OP_READ, "b");
            sinkB.write(ByteBuffer.allocate(10));
            assertEquals(1, select.get(10, TimeUnit.SECONDS));
            assertEquals(Set.of(keyB), selector.selectedKeys());

            sourceA.close();
            selector.selectedKeys().clear();
            assertEquals(1, selector.selectNow());   // b still has its 10 bytes
            assertEquals(Set.of(keyB), selector.keys());
            keyB.cancel();
            selector.selectedKeys().clear();
            assertEquals(0, selector.selectNow());
            assertTrue(selector.keys().isEmpty());
            assertFalse(keyB.isValid());
        }
    }

    @Test
    void aSinkIsWritableWhileItHasRoomAndAgainWhenTheReaderFreesIt() throws Exception {
        try (Ring ring = Ring.allocate(CAPACITY); RingSelector selector = RingSelector.open()) {
            RingSink sink = ring.sink();
            RingSource source = ring.source();
            RingKey key = selector.register(sink, RingSelector.OP_WRITE);
            assertEquals(1, selector.selectNow());
            assertTrue(key.isWritable());
            sink.write(ByteBuffer.allocate(CAPACITY - 100));
            selector.selectedKeys().clear();
            assertEquals(0, selector.selectNow());
            CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(50);
                    source.read(ByteBuffer.allocate(CAPACITY));
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(1, selector.select(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aClosedSourceMakesTheSinkWritableSoThatItsWriteFailsWithBrokenPipe() throws IOException {
        try (Ring ring = Ring.allocate(CAPACITY); RingSelector selector = RingSelector.open()) {
            RingSink sink = ring.sink();
            sink.write(ByteBuffer.allocate(CAPACITY));
            selector.register(sink, RingSelector.OP_WRITE);
            assertEquals(0, selector.selectNow());
            ring.source().close();
            assertEquals(1, selector.select(10, TimeUnit.SECONDS));
            IOException e = assertThrows(IOException.class, () -> sink.write(ByteBuffer.allocate(1)));
            assertTrue(e.getMessage().contains("broken pipe"), e.getMessage());
        }
    }

    @Test
    void badRegistrationsAreRefusedNamingWhatIsWrong() throws IOException {
        try (Ring ring = Ring.allocate(CAPACITY); LockedRing locked = LockedRing.allocate(CAPACITY);
             RingSelector selector = RingSelector.open()) {
            IllegalArgumentException ops = assertThrows(IllegalArgumentException.class,
                    () -> selector.register(ring.source(), RingSelector.OP_WRITE));
            assertTrue(ops.getMessage().contains("ops=4"), ops.getMessage());
            IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                    () -> selector.register(locked.source(), RingSelector.OP_READ));
            assertTrue(kind.getMessage().contains("LockedRing"), kind.getMessage());
        }
    }

    /** One {@link RingSelector#select()} on another thread. */
    private static CompletableFuture<Integer> selectAsync(RingSelector selector) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return selector.select();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }
}
