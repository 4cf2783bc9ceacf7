package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.ringipc.core.RingSource;
import org.ringipc.core.SegmentHandler;

/**
 * The consumer end of a {@link SharedRing}: the ring core's source, with the failures of a mapped
 * access (in the core or in a {@link #drain} handler) turned into {@link IOException}s (see
 * {@link MappedFile}).
 */
final class SharedSource implements RingSource, org.ringipc.core.ForwardingEnd {

    private final RingSource source;
    private final MappedFile file;

    SharedSource(RingSource source, MappedFile file) {
        this.source = source;
        this.file = file;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return source.read(dst);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public long read(MemorySegment dst) throws IOException {
        try {
            return source.read(dst);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public int read(ByteBuffer dst, long timeout, TimeUnit unit) throws IOException {
        try {
            return source.read(dst, timeout, unit);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public java.nio.channels.Channel forwardsTo() {
        return source;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return file.guard(() -> source.read(dsts, offset, length));
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        try {
            return source.tryRead(dst);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public long drain(SegmentHandler handler, long maxBytes) throws IOException {
        try {
            return source.drain(handler, maxBytes);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            source.close();
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public boolean isOpen() {
        return source.isOpen();
    }
}
