package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * One mapping of a ring file: the arena that owns it, and the translation of the two ways a mapped
 * access can fail into the exceptions a channel user expects.
 *
 * <ul>
 *   <li>Another process truncated the file: a Java access past the new end raises
 *       {@link InternalError} ("a fault occurred in an unsafe memory access operation"), the JVM
 *       survives. That becomes an {@link IOException} saying the file was truncated. (Native code
 *       touching such a page would die of SIGBUS, which is why no mapped segment is ever handed to
 *       a native copy.)</li>
 *   <li>This mapping was closed under a running call: {@link IllegalStateException} from the
 *       closed arena becomes an {@link AsynchronousCloseException}.</li>
 * </ul>
 */
final class MappedFile {

    /** How long {@link #unmap} waits for threads to leave a futex wait on the mapping. */
    private static final long UNMAP_WAIT_NANOS = 5_000_000_000L;

    private final Path path;
    private final long size;
    private final Arena arena;
    private final MemorySegment segment;

    private MappedFile(Path path, long size, Arena arena, MemorySegment segment) {
        this.path = path;
        this.size = size;
        this.arena = arena;
        this.segment = segment;
    }

    /** Maps {@code size} bytes of {@code channel} read-write (growing the file if it is shorter). */
    static MappedFile map(Path path, FileChannel channel, long size) throws IOException {
        return map(path, channel, size, FileChannel.MapMode.READ_WRITE);
    }

    /** Maps {@code size} bytes of {@code channel} in {@code mode}. */
    static MappedFile map(Path path, FileChannel channel, long size, FileChannel.MapMode mode) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new MappedFile(path, size, arena, channel.map(mode, 0, size, arena));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    MemorySegment segment() {
        return segment;
    }

    boolean isMapped() {
        return arena.scope().isAlive();
    }

    /**
     * Unmaps. A thread of this process still inside a futex wait on the mapping holds the arena
     * open; {@code wake} is run until it leaves (the ring core closed its ends first, so it will).
     *
     * @throws IllegalStateException when a thread stays inside a native call on the mapping
     */
    void unmap(Runnable wake) {
        long deadline = System.nanoTime() + UNMAP_WAIT_NANOS;
        while (true) {
            try {
                arena.close();
                return;
            } catch (IllegalStateException e) {
                if (!arena.scope().isAlive()) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("file=" + path + " is still in use by a native call; not unmapped", e);
                }
                wake.run();
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /**
     * The exception to throw for a failure of a mapped access: an {@link InternalError} (a page
     * fault past the end of a truncated file) or an {@link IllegalStateException} from this
     * mapping's closed arena. Anything else is rethrown as it is.
     */
    IOException translate(Throwable e) {
        if (e instanceof InternalError) {
            IOException truncated = new IOException(truncationMessage());
            truncated.initCause(e);
            return truncated;
        }
        if (e instanceof IllegalStateException && !arena.scope().isAlive()) {
            AsynchronousCloseException closed = new AsynchronousCloseException();
            closed.initCause(e);
            return closed;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        throw (Error) e;
    }

    /** A call on the mapping that may fail as {@link #translate} describes. */
    interface MappedCall<T> {
        T call() throws IOException;
    }

    /** Runs {@code call}, translating a failure of a mapped access ({@link #translate}). */
    <T> T guard(MappedCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (InternalError | IllegalStateException e) {
            throw translate(e);
        }
    }

    String truncationMessage() {
        String now;
        try {
            now = Long.toString(Files.size(path));
        } catch (IOException | RuntimeException ignored) {
            now = "unknown (the file is gone)";
        }
        return "file=" + path + " was truncated while mapped: size=" + now + ", the ring needs " + size + " bytes";
    }
}
