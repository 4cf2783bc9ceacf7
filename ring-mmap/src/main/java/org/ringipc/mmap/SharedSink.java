package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.ringipc.core.RingSink;

/**
 * The producer end of a {@link SharedRing}: the ring core's sink, with the failures of a mapped
 * access turned into {@link IOException}s (see {@link MappedFile}). A segment returned by
 * {@link #claim} is the mapping itself: writing into it after the file was truncated raises
 * {@link InternalError} in the caller's code.
 */
final class SharedSink implements RingSink, org.ringipc.core.ForwardingEnd {

    private final RingSink sink;
    private final MappedFile file;

    SharedSink(RingSink sink, MappedFile file) {
        this.sink = sink;
        this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        try {
            return sink.write(src);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public long write(MemorySegment src) throws IOException {
        try {
            return sink.write(src);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public java.nio.channels.Channel forwardsTo() {
        return sink;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return file.guard(() -> sink.write(srcs, offset, length));
    }

    @Override
    public int tryWrite(ByteBuffer src) throws IOException {
        try {
            return sink.tryWrite(src);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public long tryWrite(MemorySegment src) throws IOException {
        try {
            return sink.tryWrite(src);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public boolean offer(MemorySegment burst) throws IOException {
        try {
            return sink.offer(burst);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public boolean tryWriteWhole(MemorySegment record) throws IOException {
        try {
            return sink.tryWriteWhole(record);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public MemorySegment claim(int minBytes) throws IOException {
        try {
            return sink.claim(minBytes);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public MemorySegment tryClaim(int minBytes) throws IOException {
        try {
            return sink.tryClaim(minBytes);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public void commit(int bytes) throws IOException {
        try {
            sink.commit(bytes);
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sink.close();
        } catch (InternalError | IllegalStateException e) {
            throw file.translate(e);
        }
    }

    @Override
    public boolean isOpen() {
        return sink.isOpen();
    }
}
