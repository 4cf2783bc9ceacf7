package org.ringipc.mmap.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.mmap.RingKind;
import org.ringipc.mmap.SharedRing;

/**
 * {@code ring write FILE} and {@code ring read FILE}: stdin into one ring, one ring to stdout, by the
 * kind the file holds. A message ring goes through {@link MessageStream} (one message per line, or
 * length-prefixed); a byte ring's bytes are copied as they are, in place: the kernel reads stdin
 * straight into claimed ring space (claim / read(2) / commit) and write(2) takes the ring's bytes
 * in place ({@link RingSource#drain}); only when the ring is empty does the reader block in a read.
 */
final class StdioRing {

    /** The most one read(2) may fill before it is published: keeps the reader busy on big inputs. */
    private static final int MAX_CHUNK = 1 << 20;

    private StdioRing() {
    }

    /** What to do with a message ring. */
    @FunctionalInterface
    private interface MessageCopy {
        void run() throws IOException;
    }

    /** What to do with a byte ring. */
    @FunctionalInterface
    private interface ByteCopy {
        void run(SharedRing ring) throws IOException;
    }

    /** Stdin into {@code file}'s ring; closes the sink at end of input. */
    static void write(Path file, MessageStream.Options options) throws IOException {
        byKind(file, () -> MessageStream.write(file, new FileInputStream(FileDescriptor.in), options.framing,
                options.delimiter), StdioRing::copyIn);
    }

    /** {@code file}'s ring to stdout until EOF. */
    static void read(Path file, MessageStream.Options options) throws IOException {
        byKind(file, () -> MessageStream.read(file, new FileOutputStream(FileDescriptor.out), options.framing,
                options.delimiter), StdioRing::copyOut);
    }

    /** The one place that looks at the kind of ring in the file. */
    private static void byKind(Path file, MessageCopy messages, ByteCopy bytes) throws IOException {
        if (RingKind.of(file) == RingKind.MESSAGES) {
            messages.run();
            return;
        }
        try (SharedRing ring = SharedRing.open(file)) {
            bytes.run(ring);
        }
    }

    private static void copyIn(SharedRing ring) throws IOException {
        try (RingSink sink = ring.sink(); FileInputStream stdin = new FileInputStream(FileDescriptor.in)) {
            FileChannel in = stdin.getChannel();
            int chunk = Math.min(MAX_CHUNK, ring.capacity() / 4);
            while (true) {
                MemorySegment space = sink.claim(1);
                MemorySegment target = space.byteSize() > chunk ? space.asSlice(0, chunk) : space;
                int n = in.read(target.asByteBuffer());
                if (n < 0) {
                    sink.commit(0);
                    break;
                }
                sink.commit(n);
            }
        }
    }

    private static void copyOut(SharedRing ring) throws IOException {
        try (RingSource source = ring.source(); FileOutputStream stdout = new FileOutputStream(FileDescriptor.out)) {
            FileChannel out = stdout.getChannel();
            ByteBuffer waitBuffer = ByteBuffer.allocateDirect(64 * 1024);
            try {
                while (true) {
                    long n = source.drain(slice -> writeFully(out, slice.asByteBuffer()), Long.MAX_VALUE);
                    if (n < 0) {
                        break;
                    }
                    if (n == 0) {
                        // empty: block for data the ordinary way, then go back to draining in place
                        waitBuffer.clear();
                        if (source.read(waitBuffer) < 0) {
                            break;
                        }
                        writeFully(out, waitBuffer.flip());
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) {
        try {
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("stdout: " + e.getMessage(), e);
        }
    }
}
