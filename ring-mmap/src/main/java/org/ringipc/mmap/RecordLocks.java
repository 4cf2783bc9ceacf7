package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import org.ringipc.core.Doorbell;
import org.ringipc.core.EndLocks;
import org.ringipc.core.RingLayout;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The ends of a ring file claimed with Linux open-file-description record locks
 * ({@code fcntl(fd, F_OFD_SETLK)}): a write lock on one byte of each end's header block
 * ({@link RingLayout#PRODUCER_BLOCK_OFFSET}, {@link RingLayout#CONSUMER_BLOCK_OFFSET}), taken on a
 * descriptor that belongs to one {@link SharedRing} handle.
 *
 * <p>Why these locks: the kernel drops them when the holder's last reference to the descriptor goes
 * away (its process dies, however it dies, in whatever PID namespace it runs), and a lock query
 * from any process that can open the file answers "does a live holder have this end?" with no pid.
 * Unlike classic POSIX locks ({@code FileChannel.lock}), they are not all dropped when the process
 * closes some other descriptor of the file (a second handle on the same path), and two handles in
 * one process exclude each other as two processes do. The descriptor is opened {@code O_CLOEXEC}, so
 * a child process never inherits (and keeps alive) a parent's end.
 *
 * <p>The C side ({@code ringipc.h}) takes the same locks on the same bytes, so a C and a Java
 * producer can never both hold an end.
 */
final class RecordLocks implements EndLocks, AutoCloseable {

    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_OFD_GETLK = 36;
    private static final int F_OFD_SETLK = 37;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;
    private static final short SEEK_SET = 0;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EACCES = 13;

    /** {@code struct flock} on Linux x86_64 and aarch64. */
    private static final StructLayout FLOCK = java.lang.foreign.MemoryLayout.structLayout(
            JAVA_SHORT.withName("l_type"),
            JAVA_SHORT.withName("l_whence"),
            java.lang.foreign.MemoryLayout.paddingLayout(4),
            JAVA_LONG.withName("l_start"),
            JAVA_LONG.withName("l_len"),
            JAVA_INT.withName("l_pid"),
            java.lang.foreign.MemoryLayout.paddingLayout(4));
    private static final long L_TYPE = FLOCK.byteOffset(PathElement.groupElement("l_type"));
    private static final long L_WHENCE = FLOCK.byteOffset(PathElement.groupElement("l_whence"));
    private static final long L_START = FLOCK.byteOffset(PathElement.groupElement("l_start"));
    private static final long L_LEN = FLOCK.byteOffset(PathElement.groupElement("l_len"));
    private static final long L_PID = FLOCK.byteOffset(PathElement.groupElement("l_pid"));

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));

    private static final MethodHandle OPEN;
    private static final MethodHandle FCNTL;
    private static final MethodHandle CLOSE;
    private static final String UNAVAILABLE_REASON;

    static {
        MethodHandle open = null;
        MethodHandle fcntl = null;
        MethodHandle close = null;
        String reason = null;
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            reason = "os.name=" + System.getProperty("os.name") + " is not Linux";
        } else {
            try {
                MethodHandle[] handles = link();
                open = handles[0];
                fcntl = handles[1];
                close = handles[2];
            } catch (RuntimeException | LinkageError e) {
                reason = "the fcntl downcall could not be linked: " + e;
            }
        }
        OPEN = open;
        FCNTL = fcntl;
        CLOSE = close;
        UNAVAILABLE_REASON = reason;
    }

    @SuppressWarnings("restricted") // as Futex: the launcher enables native access
    private static MethodHandle[] link() {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        return new MethodHandle[] {
            // int open(const char *path, int flags, ...): mode is variadic
            linker.downcallHandle(libc.findOrThrow("open"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2), errno),
            // int fcntl(int fd, int cmd, ...): the struct flock pointer is variadic
            linker.downcallHandle(libc.findOrThrow("fcntl"),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.firstVariadicArg(2), errno),
            linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT)),
        };
    }

    private final Path path;
    private final int fd;
    /**
     * The {@code struct flock} and errno capture of every fcntl call of this handle (its methods are
     * synchronized), allocated once: a sleeping end asks {@link #isHeld} every half second, too
     * rarely for the JIT to compile the call, and interpreted, a confined arena per call and struct
     * fields set through layout-path var handles are slow. A blocked reader's thread went from
     * 943-1,158 to 817-910 perf samples per 20 s with this change.
     */
    private final MemorySegment lock;
    private final MemorySegment capture;
    private final Set<Doorbell.Side> held = EnumSet.noneOf(Doorbell.Side.class);
    private boolean closed;

    private RecordLocks(Path path, int fd) {
        this.path = path;
        this.fd = fd;
        Arena arena = Arena.ofAuto();
        this.lock = arena.allocate(FLOCK);
        this.capture = arena.allocate(CAPTURE);
    }

    /** Null when open-file-description locks cannot be used here (not Linux, no native access). */
    static String unavailableReason() {
        return UNAVAILABLE_REASON;
    }

    /**
     * Opens a descriptor of {@code file} for this handle's locks.
     *
     * @throws IOException naming the file and errno when it cannot be opened
     */
    static RecordLocks open(Path file) throws IOException {
        return open(file, false);
    }

    /**
     * As {@link #open(Path)}; read-only when {@code readOnly}: such a handle can only ask whether an
     * end is held ({@code F_OFD_GETLK} needs no write access), never take one.
     */
    static RecordLocks open(Path file, boolean readOnly) throws IOException {
        if (UNAVAILABLE_REASON != null) {
            throw new UnsupportedOperationException(UNAVAILABLE_REASON);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int fd = (int) OPEN.invokeExact(capture, arena.allocateFrom(file.toString()),
                    (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
            if (fd < 0) {
                int errno = errno(capture);
                if (errno == 2) { // ENOENT
                    throw new java.nio.file.NoSuchFileException(file.toString(), null, "no such ring file");
                }
                if (errno == EACCES || errno == 1) { // EACCES, EPERM
                    throw new java.nio.file.AccessDeniedException(file.toString(), null,
                            "no permission to open the ring file for reading and writing");
                }
                throw new IOException("file=" + file + ": open for its end locks failed, errno=" + errno(capture));
            }
            return new RecordLocks(file, fd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("open downcall failed", t);
        }
    }

    /** The descriptor, for mapping the very file the locks are on ({@code /proc/self/fd/N}). */
    int fd() {
        return fd;
    }

    @Override
    public synchronized boolean tryLock(Doorbell.Side side) {
        checkOpen();
        if (held.contains(side)) {
            // a lock of this descriptor never conflicts with itself: the handle keeps the count
            return false;
        }
        if (fcntl(F_OFD_SETLK, F_WRLCK, side) == 0) {
            held.add(side);
            return true;
        }
        return false;
    }

    @Override
    public synchronized void unlock(Doorbell.Side side) {
        if (closed || !held.remove(side)) {
            return;
        }
        if (fcntl(F_OFD_SETLK, F_UNLCK, side) != 0) {
            throw new IllegalStateException("file=" + path + ": could not unlock the " + side + " end");
        }
    }

    @Override
    public synchronized boolean isHeld(Doorbell.Side side) {
        if (held.contains(side)) {
            return true;
        }
        checkOpen();
        return fcntl(F_OFD_GETLK, F_WRLCK, side) != F_UNLCK;
    }

    /**
     * Drops every lock of this handle (closing the descriptor) and forgets them. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        held.clear();
        try {
            int r = (int) CLOSE.invokeExact(fd);
            assert r == 0 || r == -1;
        } catch (Throwable t) {
            throw new IllegalStateException("close downcall failed", t);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("file=" + path + ": the ring handle is closed");
        }
    }

    /**
     * SETLK: 0 when set, or the errno when another description holds the byte (EAGAIN, EACCES).
     * GETLK: the l_type the kernel reports (F_UNLCK when nobody else holds it).
     */
    private int fcntl(int cmd, short type, Doorbell.Side side) {
        lock.set(JAVA_SHORT, L_TYPE, type);
        lock.set(JAVA_SHORT, L_WHENCE, SEEK_SET);
        lock.set(JAVA_LONG, L_START, side == Doorbell.Side.PRODUCER
                ? RingLayout.PRODUCER_BLOCK_OFFSET : RingLayout.CONSUMER_BLOCK_OFFSET);
        lock.set(JAVA_LONG, L_LEN, 1L);
        lock.set(JAVA_INT, L_PID, 0); // OFD locks: must be 0
        try {
            while (true) {
                int r = (int) FCNTL.invokeExact(capture, fd, cmd, lock);
                if (r == 0) {
                    return cmd == F_OFD_GETLK ? lock.get(JAVA_SHORT, L_TYPE) : 0;
                }
                int errno = errno(capture);
                if (errno == EINTR) {
                    continue;
                }
                if (cmd == F_OFD_SETLK && type == F_WRLCK && (errno == EAGAIN || errno == EACCES)) {
                    return errno;
                }
                throw new IllegalStateException("file=" + path + ": fcntl(" + (cmd == F_OFD_GETLK ? "F_OFD_GETLK" : "F_OFD_SETLK")
                        + ") on the " + side + " end failed, errno=" + errno);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fcntl downcall failed", t);
        }
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }
}
