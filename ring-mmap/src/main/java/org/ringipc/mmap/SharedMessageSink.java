package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.ringipc.core.MessageSink;

/**
 * The producer end of a {@link SharedMessageRing}: the ring core's message sink, with the failures
 * of a mapped access turned into {@link IOException}s (see {@link MappedFile}). A segment returned
 * by {@link #claim} is the mapping itself.
 */
final class SharedMessageSink implements MessageSink, org.ringipc.core.ForwardingEnd {

    private final MessageSink sink;
    private final MappedFile file;

    SharedMessageSink(MessageSink sink, MappedFile file) {
        this.sink = sink;
        this.file = file;
    }

    @Override
    public java.nio.channels.Channel forwardsTo() {
        return sink;
    }

    @Override
    public boolean offer(MemorySegment msg) throws IOException {
        return file.guard(() -> sink.offer(msg));
    }

    @Override
    public boolean offer(ByteBuffer msg) throws IOException {
        return file.guard(() -> sink.offer(msg));
    }

    @Override
    public void write(MemorySegment msg) throws IOException {
        file.guard(() -> {
            sink.write(msg);
            return null;
        });
    }

    @Override
    public void write(ByteBuffer msg) throws IOException {
        file.guard(() -> {
            sink.write(msg);
            return null;
        });
    }

    @Override
    public void write(ByteBuffer... parts) throws IOException {
        file.guard(() -> {
            sink.write(parts);
            return null;
        });
    }

    @Override
    public void write(MemorySegment... parts) throws IOException {
        file.guard(() -> {
            sink.write(parts);
            return null;
        });
    }

    @Override
    public MemorySegment claim(int length) throws IOException {
        return file.guard(() -> sink.claim(length));
    }

    @Override
    public MemorySegment tryClaim(int length) throws IOException {
        return file.guard(() -> sink.tryClaim(length));
    }

    @Override
    public void commit() throws IOException {
        file.guard(() -> {
            sink.commit();
            return null;
        });
    }

    @Override
    public void commit(int length) throws IOException {
        file.guard(() -> {
            sink.commit(length);
            return null;
        });
    }

    @Override
    public void abort() {
        try {
            sink.abort();
        } catch (InternalError e) {
            // the file was truncated: the claim is gone with it; the next call reports the truncation
        }
    }

    @Override
    public int maxMessageLength() {
        return sink.maxMessageLength();
    }

    @Override
    public void close() throws IOException {
        file.guard(() -> {
            sink.close();
            return null;
        });
    }

    @Override
    public boolean isOpen() {
        return sink.isOpen();
    }
}
