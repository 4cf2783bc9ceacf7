package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import org.ringipc.core.LockedRing;
import org.ringipc.core.Ring;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.WaitStrategy;

/** The lanes that are byte streams with blocking calls and an end of stream: the rings and the NIO pipe. */
final class ChannelLanes {

    private ChannelLanes() {
    }

    /** ringipc {@code Ring}, waiting by spinning like the peer libraries' callers do. */
    static Lane ring(int chunkBytes) {
        Ring ring = Ring.allocate(Lane.RING_BYTES, RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN));
        return new RingStream(ring.sink(), ring.source(), chunkBytes, ring::close);
    }

    /** ringipc {@code LockedRing}: one mutex and two conditions, as a kernel char driver does it. */
    static Lane lockedRing(int chunkBytes) {
        LockedRing ring = LockedRing.allocate(Lane.RING_BYTES);
        return new RingStream(ring.sink(), ring.source(), chunkBytes, ring::close);
    }

    /** {@code java.nio.channels.Pipe}: on Linux, a kernel pipe inside one process. */
    static Lane nioPipe(int chunkBytes) throws IOException {
        return new NioPipe(Pipe.open(), chunkBytes);
    }

    private static final class RingStream implements Lane {
        private final RingSink sink;
        private final RingSource source;
        private final java.io.Closeable owner;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment dst;

        RingStream(RingSink sink, RingSource source, int chunkBytes, java.io.Closeable owner) {
            this.sink = sink;
            this.source = source;
            this.owner = owner;
            this.dst = arena.allocate(Math.max(chunkBytes, Lane.READ_BYTES), 64);
        }

        @Override
        public void send(MemorySegment src, int length) throws IOException {
            sink.write(src.byteSize() == length ? src : src.asSlice(0, length));
        }

        @Override
        public void finish() throws IOException {
            sink.close();
        }

        @Override
        public long receive() throws IOException {
            return source.read(dst);
        }

        @Override
        public void close() throws IOException {
            try (arena) {
                source.close();
                owner.close();
            }
        }
    }

    private static final class NioPipe implements Lane {
        private final Pipe pipe;
        private final ByteBuffer dst;

        NioPipe(Pipe pipe, int chunkBytes) {
            this.pipe = pipe;
            this.dst = ByteBuffer.allocateDirect(Math.max(chunkBytes, Lane.READ_BYTES));
        }

        @Override
        public void send(MemorySegment src, int length) throws IOException {
            ByteBuffer b = src.asByteBuffer().limit(length);
            while (b.hasRemaining()) {
                pipe.sink().write(b);
            }
        }

        @Override
        public void finish() throws IOException {
            pipe.sink().close();
        }

        @Override
        public long receive() throws IOException {
            return pipe.source().read(dst.clear());
        }

        @Override
        public void close() throws IOException {
            try {
                pipe.source().close();
            } finally {
                pipe.sink().close();
            }
        }
    }
}
