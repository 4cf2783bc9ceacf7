package org.ringipc.bench;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.LongSupplier;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/** A {@link Link} over a pair of ringipc rings, one each way, through the segment API. */
final class RingLink extends Link {

    private final RingSink out;
    private final RingSource in;
    // shared: the harness may set a link up on one thread (starting peers ahead) and use it on another
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment firstByte;
    private final AutoCloseable owner;
    private final LongSupplier sleeps;

    /**
     * @param sleeps the sleeps counted in both rings' headers so far
     * @param owner  closed after both ends, for the rings' own resources (mapped files)
     */
    RingLink(RingSink out, RingSource in, int bufferBytes, LongSupplier sleeps, AutoCloseable owner) {
        this.out = out;
        this.in = in;
        this.buffer = arena.allocate(bufferBytes, 64);
        this.firstByte = buffer.asSlice(0, 1);
        this.owner = owner;
        this.sleeps = sleeps;
    }

    @Override
    long sleeps() {
        return sleeps.getAsLong();
    }

    @Override
    MemorySegment buffer() {
        return buffer;
    }

    @Override
    void send(int length) throws IOException {
        out.write(length == 1 ? firstByte : buffer.asSlice(0, length));
    }

    @Override
    void receive(int length) throws IOException {
        if (length == 1) {
            if (in.read(firstByte) < 0) {
                throw new EOFException("peer closed the ring");
            }
            return;
        }
        long done = 0;
        while (done < length) {
            long n = in.read(buffer.asSlice(done, length - done));
            if (n < 0) {
                throw new EOFException("peer closed after " + done + " of " + length + " bytes");
            }
            done += n;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
            in.close();
            owner.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            arena.close();
        }
    }
}
