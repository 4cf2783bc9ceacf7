package org.ringipc.mmap.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.ringipc.core.RingSink;
import org.ringipc.mmap.SharedRing;
import org.ringipc.mmap.RingKind;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ring write FILE < input}: stdin into the ring, closing the sink at EOF. The kernel reads
 * stdin straight into claimed ring space (claim / read(2) / commit): no copy in Java.
 */
@Command(name = "write", mixinStandardHelpOptions = true, versionProvider = RingCommand.Version.class,
        description = "Copy stdin into the ring (a message ring: one message per line, or --framing U32); close the sink (EOF for the reader) at end of input.")
final class WriteCommand implements Callable<Integer> {

    /** The most one read(2) may fill before it is published: keeps the reader busy on big inputs. */
    private static final int MAX_CHUNK = 1 << 20;

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file (see 'ring create').")
    Path file;

    @Mixin
    MessageStream.Options messages;

    @Override
    public Integer call() throws Exception {
        if (RingKind.of(file) == RingKind.MESSAGES) {
            MessageStream.write(file, new FileInputStream(FileDescriptor.in), messages.framing, messages.delimiter);
            return 0;
        }
        try (SharedRing ring = SharedRing.open(file);
             RingSink sink = ring.sink();
             FileInputStream stdin = new FileInputStream(FileDescriptor.in)) {
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
        return 0;
    }
}
