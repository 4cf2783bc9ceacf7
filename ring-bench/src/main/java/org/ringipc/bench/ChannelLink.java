package org.ringipc.bench;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** A {@link Link} over kernel channels (named pipes, sockets) with a direct buffer: no extra copy. */
final class ChannelLink extends Link {

    private final ReadableByteChannel in;
    private final WritableByteChannel out;
    private final ByteBuffer buffer;
    private final MemorySegment segment;

    ChannelLink(ReadableByteChannel in, WritableByteChannel out, int bufferBytes) {
        this.in = in;
        this.out = out;
        this.buffer = ByteBuffer.allocateDirect(bufferBytes);
        this.segment = MemorySegment.ofBuffer(buffer);
    }

    @Override
    MemorySegment buffer() {
        return segment;
    }

    @Override
    void send(int length) throws IOException {
        ByteBuffer b = buffer.clear().limit(length);
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    @Override
    void receive(int length) throws IOException {
        ByteBuffer b = buffer.clear().limit(length);
        while (b.hasRemaining()) {
            if (in.read(b) < 0) {
                throw new EOFException("peer closed after " + b.position() + " of " + length + " bytes");
            }
        }
    }

    @Override
    public void close() throws IOException {
        try (in; out) {
            // closes both, the second even if the first fails
        }
    }
}
