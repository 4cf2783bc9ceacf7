package org.ringipc.mmap.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.ringipc.core.RingSource;
import org.ringipc.mmap.SharedRing;
import org.ringipc.mmap.RingKind;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ring read FILE > output}: the ring to stdout until EOF. Bytes go from the ring to write(2)
 * in place ({@link RingSource#drain}); only when the ring is empty does it block in a read.
 */
@Command(name = "read", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = "Copy the ring to stdout until EOF (the writer closed or died); a message ring's messages one per line, or --framing U32.")
final class ReadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file (see 'ring create').")
    Path file;

    @Mixin
    MessageStream.Options messages;

    @Override
    public Integer call() throws Exception {
        if (RingKind.of(file) == RingKind.MESSAGES) {
            MessageStream.read(file, new FileOutputStream(FileDescriptor.out), messages.framing, messages.delimiter);
            return 0;
        }
        try (SharedRing ring = SharedRing.open(file);
             RingSource source = ring.source();
             FileOutputStream stdout = new FileOutputStream(FileDescriptor.out)) {
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
        return 0;
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
