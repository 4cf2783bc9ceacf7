package org.ringipc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;

/**
 * The peer libraries' SPSC structures, driven the way their users drive them: a failed offer or an
 * empty poll spins with {@link Thread#onSpinWait()}.
 */
final class PeerLibraryLanes {

    private PeerLibraryLanes() {
    }

    /**
     * Agrona {@code OneToOneRingBuffer}, copying each chunk in with {@code write} and out in the
     * handler. Its largest message is an eighth of its capacity, so a 1 MiB chunk gets an 8 MiB ring.
     */
    static Lane agrona(int chunkBytes) {
        int room = 1 << (32 - Integer.numberOfLeadingZeros(chunkBytes - 1));
        return new Agrona(Math.max(Lane.RING_BYTES, room * 8), chunkBytes);
    }

    /**
     * JCTools {@code SpscArrayQueue<byte[]>} holding as many chunks as fit in {@link Lane#RING_BYTES};
     * the arrays come from, and go back to, a second queue, so nothing is allocated while measuring.
     * Each pooled array is at least {@link #JCTOOLS_MIN_ARRAY} bytes long (only the first chunk
     * bytes travel), so that two arrays allocated one after the other never share a cache line or
     * a prefetched pair of lines.
     */
    static Lane jctools(int chunkBytes) {
        return new Jctools(Math.max(2, Lane.RING_BYTES / chunkBytes), chunkBytes);
    }

    /** An Agrona ring of {@code capacity} data bytes (plus its trailer) in memory from {@code arena}. */
    static OneToOneRingBuffer agronaRing(Arena arena, int capacity) {
        MemorySegment memory = arena.allocate(capacity + RingBufferDescriptor.TRAILER_LENGTH, 128);
        return new OneToOneRingBuffer(new UnsafeBuffer(memory.address(), (int) memory.byteSize()));
    }

    private static final class Agrona implements Lane, MessageHandler {
        private static final int DATA = 1;
        private static final int END = 2;
        private final Arena arena = Arena.ofShared();
        private final OneToOneRingBuffer ring;
        private final UnsafeBuffer src;
        private final MemorySegment srcSegment;
        private final UnsafeBuffer dst;
        private long taken;
        private int at;
        private boolean ended;

        Agrona(int capacity, int chunkBytes) {
            ring = agronaRing(arena, capacity);
            srcSegment = arena.allocate(chunkBytes, 64);
            src = new UnsafeBuffer(srcSegment.address(), chunkBytes);
            MemorySegment out = arena.allocate(Math.max(chunkBytes, Lane.READ_BYTES), 64);
            dst = new UnsafeBuffer(out.address(), (int) out.byteSize());
        }

        @Override
        public void send(MemorySegment from, int length) {
            if (from != srcSegment) {
                MemorySegment.copy(from, 0, srcSegment, 0, length);
            }
            while (!ring.write(DATA, src, 0, length)) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void finish() {
            while (!ring.write(END, src, 0, 0)) {
                Thread.onSpinWait();
            }
        }

        @Override
        public long receive() {
            taken = 0;
            if (ring.read(this, 64) == 0) {
                if (ended) {
                    return -1;
                }
                Thread.onSpinWait();
            }
            return taken;
        }

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            if (msgTypeId == END) {
                ended = true;
                return;
            }
            if (at + length > dst.capacity()) {
                at = 0;
            }
            buffer.getBytes(index, dst, at, length);
            at += length;
            taken += length;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * The smallest pooled array of the {@code jctools} lane: 240 bytes, a 256-byte object with its
     * header. With 32-byte chunks packed back to back (48-byte objects), the producer filling one
     * array and the consumer reading its neighbour shared lines whenever the queue ran nearly empty,
     * and the lane's rate followed the heap layout, not JCTools: 8.6-12.1 M messages/s packed (20-22 M
     * in a JVM's first timed runs) against 25.1-28.8 M with the arrays 128 bytes apart, pinned, CPUs
     * far apart ({@code ring-bench/tools/JctoolsPoolLayout.java}, 3 JVMs each, alternating).
     */
    static final int JCTOOLS_MIN_ARRAY = 240;

    private static final class Jctools implements Lane {
        private static final byte[] END = new byte[0];
        private final SpscArrayQueue<byte[]> full;
        private final SpscArrayQueue<byte[]> free;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment dst;
        private final int chunkBytes;
        private boolean ended;

        Jctools(int slots, int chunkBytes) {
            this.chunkBytes = chunkBytes;
            full = new SpscArrayQueue<>(slots);
            free = new SpscArrayQueue<>(slots);
            for (int i = 0; i < slots; i++) {
                free.offer(new byte[Math.max(chunkBytes, JCTOOLS_MIN_ARRAY)]);
            }
            dst = arena.allocate(Math.max(chunkBytes, Lane.READ_BYTES), 64);
        }

        @Override
        public void send(MemorySegment src, int length) {
            byte[] chunk;
            while ((chunk = free.poll()) == null) {
                Thread.onSpinWait();
            }
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, chunk, 0, length);
            offer(chunk);
        }

        @Override
        public void finish() {
            offer(END);
        }

        private void offer(byte[] chunk) {
            while (!full.offer(chunk)) {
                Thread.onSpinWait();
            }
        }

        @Override
        public long receive() {
            long taken = 0;
            long at = 0;
            byte[] chunk;
            while (taken < Lane.READ_BYTES && (chunk = full.poll()) != null) {
                if (chunk == END) {
                    ended = true;
                    break;
                }
                if (at + chunkBytes > dst.byteSize()) {
                    at = 0;
                }
                MemorySegment.copy(chunk, 0, dst, ValueLayout.JAVA_BYTE, at, chunkBytes);
                at += chunkBytes;
                taken += chunkBytes;
                free.offer(chunk);
            }
            if (taken == 0) {
                if (ended) {
                    return -1;
                }
                Thread.onSpinWait();
            }
            return taken;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
