package org.ringipc.bridge;

import org.ringipc.core.MessageRing;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingOptions;
import org.ringipc.mmap.FutexDoorbell;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A {@link MessageRing} in a mapped file, through the public {@code MessageRing.format/attach} over a
 * mapped segment with a {@link FutexDoorbell} (so BLOCK ends sleep and wake across processes). The
 * header is the byte ring's with the messages flag, so {@code ring stat} reads it.
 *
 * <p>A stand-in until ring-mmap has a message ring in a file of its own (issue 12); it does less than
 * {@link org.ringipc.mmap.SharedRing}: no symbolic-link or truncation checks.
 */
final class MessageRingFile implements AutoCloseable {

    private final Arena arena;
    private final MessageRing ring;

    private MessageRingFile(Arena arena, MessageRing ring) {
        this.arena = arena;
        this.ring = ring;
    }

    /** Formats a fresh message ring under a temporary name beside {@code file}, then renames it over it. */
    static MessageRingFile create(Path file, int capacity) throws IOException {
        long size = MessageRing.requiredBytes(capacity);
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            ch.truncate(size);
            MemorySegment memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            MessageRing ring = MessageRing.format(memory, capacity, RingOptions.defaults(), new FutexDoorbell());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new MessageRingFile(arena, ring);
        } catch (IOException | RuntimeException e) {
            arena.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Maps an existing message ring file and validates its header. */
    static MessageRingFile open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            MemorySegment memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            MessageRing ring;
            try {
                ring = MessageRing.attach(memory, new FutexDoorbell());
            } catch (RingFormatException e) {
                throw new RingFormatException("file=" + file + " is not a message ring: " + e.getMessage());
            }
            if (MessageRing.requiredBytes(ring.capacity()) != size) {
                throw new RingFormatException("file=" + file + ": size=" + size + " does not match capacity="
                        + ring.capacity());
            }
            return new MessageRingFile(arena, ring);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    MessageRing ring() {
        return ring;
    }

    /** Closes the ends opened through {@link #ring()} (the peers see EOF or broken pipe), then unmaps. */
    @Override
    public void close() {
        ring.close();
        arena.close();
    }
}
