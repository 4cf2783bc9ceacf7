package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.ringipc.core.MessageRing;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingOptions;

/**
 * The Java side of a message ring file, as the library allows it today (there is no shared-file
 * message ring class yet): the file mapped by hand, a {@link MessageRing} over the mapping with the
 * futex doorbell, and the ends claimed by the same open-file-description locks as {@link SharedRing}
 * ({@link RecordLocks}), so that liveness and role refusal agree with the C side.
 */
final class JavaMessageRingFile implements AutoCloseable {

    private final Arena arena;
    private final RecordLocks locks;
    final MessageRing ring;
    /** The whole mapped file: header and data region. */
    final MemorySegment memory;

    private JavaMessageRingFile(Arena arena, RecordLocks locks, MessageRing ring, MemorySegment memory) {
        this.arena = arena;
        this.locks = locks;
        this.ring = ring;
        this.memory = memory;
    }

    /** Makes a fresh BLOCK message ring file of {@code capacity} at {@code file}. */
    static JavaMessageRingFile create(Path file, int capacity) throws IOException {
        Arena arena = Arena.ofShared();
        long size = RingLayout.requiredBytes(capacity);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MemorySegment memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            RecordLocks locks = RecordLocks.open(file);
            return new JavaMessageRingFile(arena, locks,
                    MessageRing.format(memory, capacity, RingOptions.defaults(), new FutexDoorbell(), locks), memory);
        }
    }

    /** Maps an existing message ring file (another process made it). */
    static JavaMessageRingFile open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment memory = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size(), arena);
            RecordLocks locks = RecordLocks.open(file);
            return new JavaMessageRingFile(arena, locks, MessageRing.attach(memory, new FutexDoorbell(), locks), memory);
        }
    }

    @Override
    public void close() {
        ring.close();
        arena.close();
        locks.close();
    }
}
