package org.ringipc.mmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import org.ringipc.core.Doorbell;
import org.ringipc.core.Ring;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.RingStats;

/**
 * A ring in a shared file: two processes that map the same file (best under {@code /dev/shm})
 * talk through it as through a pipe, with no system call per message and, in
 * {@link org.ringipc.core.WaitStrategy#BLOCK BLOCK} mode, sleeping in a futex like a pipe reader.
 *
 * <pre>{@code
 * // process A
 * try (SharedRing ring = SharedRing.create(Path.of("/dev/shm/events"), 1 << 20);
 *      RingSink sink = ring.sink()) {
 *     sink.write(ByteBuffer.wrap(bytes));
 * }                                           // B reads the rest, then -1
 * // process B
 * try (SharedRing ring = SharedRing.open(Path.of("/dev/shm/events"));
 *      RingSource source = ring.source()) {
 *     while (source.read(buf) >= 0) { ... }
 * }
 * }</pre>
 *
 * <p>This class owns the file mapping and a {@link Ring} laid over it; everything else (the
 * lock-free protocol, roles, peer-death detection) is the ring core's:
 * <ul>
 *   <li>Ends: {@link #sink()} and {@link #source()} claim the producer and consumer end with a
 *       kernel open-file-description record lock ({@code fcntl F_OFD_SETLK}) on one byte of the
 *       end's header block, held through this handle's own descriptor of the file. A live holder
 *       (another process, another handle, this one included) makes the claim fail with an
 *       {@link IllegalStateException} naming the pid the header records; the kernel drops the lock
 *       when its holder dies, however and in whatever PID namespace, and the next claimer takes the
 *       end over. The pid in the header is informational (for {@code ring stat}).</li>
 *   <li>Peer death: a blocked reader whose writer process died gets EOF (-1) once the ring is
 *       drained, a blocked writer whose reader died fails with "broken pipe"; both notice within
 *       about 100 ms of starting to wait and within 500 ms at worst (the core polls the holder's
 *       liveness while waiting: 100 ms into the wait, then at intervals doubling to 500 ms, so that
 *       an end asleep for long wakes twice a second).</li>
 *   <li>Sleeping: through {@link FutexDoorbell}, a futex on Linux x86_64/aarch64, timed polling
 *       elsewhere ({@link #doorbellDescription()} says which).</li>
 *   <li>Truncation: if another process truncates the file under the mapping, the next operation
 *       fails with an {@link IOException} saying so; the JVM does not crash. Unless this handle
 *       chose native copy ({@link RingOptions#withNativeCopy(boolean)}, {@link #open(Path, boolean)}):
 *       then a write into the lost pages ends the JVM with SIGBUS.</li>
 * </ul>
 *
 * <p>Thread safety: as for {@link Ring}; one thread at a time per end. {@link #close()} closes the
 * ends this object opened, waits for its threads to leave any futex wait, then unmaps.
 */
public final class SharedRing implements AutoCloseable {

    private final RingFile<Ring> shared;
    private final MappedFile file;
    private final Ring ring;

    /** Opened by {@link #openReadOnly}: stats and end status only. */
    private final boolean readOnly;

    private SharedRing(RingFile<Ring> shared) {
        this(shared, false);
    }

    private SharedRing(RingFile<Ring> shared, boolean readOnly) {
        this.shared = shared;
        this.file = shared.file;
        this.ring = shared.ring;
        this.readOnly = readOnly;
    }

    /** The mode a ring file gets unless the caller asks for another: owner read/write ({@code 0600}). */
    public static final Set<PosixFilePermission> DEFAULT_MODE =
            Collections.unmodifiableSet(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    /**
     * {@link #create(Path, int, RingOptions, Set, boolean)} with {@link RingOptions#defaults()}
     * (BLOCK, BLOCK), mode {@code 0600}, replacing only a ring file.
     *
     * @param file the ring file's path
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @return the new ring, mapped, with no ends open
     * @throws IOException as {@link #create(Path, int, RingOptions, Set, boolean)}
     */
    public static SharedRing create(Path file, int capacity) throws IOException {
        return create(file, capacity, RingOptions.defaults());
    }

    /**
     * {@link #create(Path, int, RingOptions, Set, boolean)} with mode {@code 0600}, replacing only a ring file.
     *
     * @param file the ring file's path
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header; native copy
     *                (off unless chosen, see {@link RingOptions#withNativeCopy(boolean)}) for this handle only
     * @return the new ring, mapped, with no ends open
     * @throws IOException as {@link #create(Path, int, RingOptions, Set, boolean)}
     */
    public static SharedRing create(Path file, int capacity, RingOptions options) throws IOException {
        return create(file, capacity, options, DEFAULT_MODE, false);
    }

    /**
     * {@link #create(Path, int, RingOptions, Set, boolean)} replacing only a ring file.
     *
     * @param file the ring file's path
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header; native copy
     *                (off unless chosen, see {@link RingOptions#withNativeCopy(boolean)}) for this handle only
     * @param mode the file's permissions; must include owner read and write, no execute bits
     * @return the new ring, mapped, with no ends open
     * @throws IOException as {@link #create(Path, int, RingOptions, Set, boolean)}
     */
    public static SharedRing create(Path file, int capacity, RingOptions options, Set<PosixFilePermission> mode)
            throws IOException {
        return create(file, capacity, options, mode, false);
    }

    /**
     * Creates the ring file, or replaces the ring file there. The new file is sized to
     * {@link Ring#requiredBytes(int)}, formatted under a temporary name in the same directory and
     * then renamed over {@code file}: a process that opens the path sees either the old ring or the
     * whole new one, and processes still using the old ring keep it (they hold the old file).
     *
     * <p>Who may attach: whoever may read and write the file. The file is created with exactly
     * {@code mode} (given at creation, so it is never wider, then set again explicitly, since the
     * umask may have narrowed it); the default {@link #DEFAULT_MODE} lets only the owner in. Give
     * {@code 0660} ({@code rw-rw----}) to share a ring with a group. On a file system without POSIX
     * permissions the mode is not applied.
     *
     * <p>What is refused, before anything is written: a symbolic link at {@code file} (dangling or
     * not: a planted link is never written through, nor replaced), something that is not a regular
     * file (a directory, a fifo), and, unless {@code force} is true, a regular file that does not
     * start with the ring magic.
     *
     * <p>Memory: the file's whole size ({@link Ring#requiredBytes(int)}) is taken from its file
     * system at creation (for {@code /dev/shm}, that much memory), not as the ring first fills:
     * every page is faulted in before the ring is handed out, and {@link #open} populates each
     * opener's own mapping, so that no write or read pays for a first touch (a 64 MiB ring moved
     * 27 MB/s without this, against 1,734 MB/s with every page in place).
     *
     * @param file the ring file's path
     * @param capacity data bytes: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header; native copy
     *                (off unless chosen, see {@link RingOptions#withNativeCopy(boolean)}) for this handle only
     * @param mode  the file's permissions; must include owner read and write, no execute bits
     * @param force replace an existing regular file even when it is not a ring
     * @return the new ring, mapped, with no ends open
     * @throws IllegalArgumentException   when capacity is not a power of two in 4096 .. 2^30, or
     *                                    mode is not a valid ring-file mode
     * @throws FileAlreadyExistsException when a file that is not a ring is there and force is false
     * @throws IOException                when the path is a symbolic link or not a regular file, when
     *                                    the file cannot be made, or its file system lacks the space
     */
    public static SharedRing create(Path file, int capacity, RingOptions options, Set<PosixFilePermission> mode,
                                    boolean force) throws IOException {
        return new SharedRing(RingFile.create(file, capacity, options, mode, force, Ring::format));
    }

    /**
     * Maps an existing ring file and validates every header field against the file's size before
     * touching the data. Nothing in the file is changed: opening never resets state that another
     * process is using.
     *
     * <p>Symbolic links are followed (opening writes only into an existing ring), but the path must
     * end at a regular file: a directory, fifo or device is refused before it is opened.
     *
     * @param file the ring file's path
     * @return the ring the file holds, mapped
     * @throws NoSuchFileException  when there is no file (or the link at the path dangles)
     * @throws RingFormatException  when the file holds a message ring (naming both kinds: open it with
     *                              {@link SharedMessageRing#open}); when the path is not a regular file; naming the field when the file is empty, short, truncated, not a
     *                              ring, of another layout version, or of a size its header does not
     *                              describe
     * @throws IOException          when the file cannot be opened read-write
     */
    public static SharedRing open(Path file) throws IOException {
        return new SharedRing(RingFile.open(file, RingFile.Kind.BYTES, Ring::attach));
    }

    /**
     * As {@link #open(Path)}, choosing native copy for this handle's sink
     * ({@link RingOptions#withNativeCopy(boolean)}; {@link #open(Path)} leaves it off). Native copy is
     * a per-process choice that the file does not record, so each process that opens the file makes
     * its own; the wait strategy and overflow policy are the file's.
     *
     * <p><b>Read the trade-off first:</b> with native copy on, a copy into this file after another
     * process truncated it ends this JVM with SIGBUS, where {@link #open(Path)}'s Java copy fails
     * with an {@link IOException} saying the file was truncated. Turn it on only when every process
     * that may write the file is trusted not to truncate it.
     *
     * @param file the ring file's path
     * @param nativeCopy copy pieces of a few KiB or more into the ring with the C library's
     *                   {@code memcpy} (honoured where {@code org.ringipc.core} has native access;
     *                   {@link #nativeCopy()} says whether it is)
     * @return the ring the file holds, mapped
     * @throws IOException as {@link #open(Path)}
     */
    public static SharedRing open(Path file, boolean nativeCopy) throws IOException {
        return new SharedRing(RingFile.open(file, RingFile.Kind.BYTES,
                (memory, doorbell, locks) -> Ring.attach(memory, doorbell, locks, nativeCopy)));
    }

    /**
     * Opens a ring file for looking only: {@link #stats()}, {@link #producerEnd()},
     * {@link #consumerEnd()}, {@link #registerMXBean}. Needs read permission only (a monitoring
     * user); the file is mapped read-only and validated as by {@link #open(Path)}.
     * {@link #sink()} and {@link #source()} are refused.
     *
     * @param file the ring file
     * @return a handle that can look at the ring, not take an end
     * @throws java.nio.file.NoSuchFileException when there is no file
     * @throws RingFormatException               as {@link #open(Path)}
     * @throws IOException                       when the file cannot be opened for reading
     */
    public static SharedRing openReadOnly(Path file) throws IOException {
        return new SharedRing(RingFile.open(file, RingFile.Kind.BYTES, Ring::attach, true), true);
    }

    private void checkWritable(String end) {
        if (readOnly) {
            throw new IllegalStateException("file=" + file.path() + " was opened read-only (openReadOnly): no "
                    + end + " can be taken; use SharedRing.open");
        }
    }

    /**
     * Claims the producer end for this process.
     *
     * @return the producer end
     * @throws IllegalStateException naming the pid when a live process (this one included) holds it
     */
    public RingSink sink() {
        checkWritable("sink");
        return new SharedSink(ring.sink(), file);
    }

    /**
     * Claims the consumer end for this process.
     *
     * @return the consumer end
     * @throws IllegalStateException naming the pid when a live process (this one included) holds it
     */
    public RingSource source() {
        checkWritable("source");
        return new SharedSource(ring.source(), file);
    }

    /**
     * A snapshot of the counters in the file's header, the same one every process sees.
     *
     * @return the current counters
     * @throws UncheckedIOException when the file was truncated under the mapping
     */
    public RingStats stats() {
        return shared.stats(ring::stats);
    }

    /**
     * Registers this ring's stats (read from the shared header, so they include the other
     * process's counters) as the MXBean {@code org.ringipc:type=Ring,name=<name>}, kind
     * {@code SharedRing}. Opt-in; {@link #close()} unregisters it.
     *
     * @param name the {@code name} key of the object name
     * @return the object name the MXBean is registered under
     * @throws IllegalStateException when that name is taken, this ring is already registered, or
     *                               it is closed
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return shared.registerMXBean("SharedRing", name, ring::stats);
    }

    /**
     * Who holds the producer end, read from the header.
     *
     * @return the producer end's state, holder pid and liveness
     */
    public EndStatus producerEnd() {
        return end(stats().producerPid(), "producerState", Doorbell.Side.PRODUCER);
    }

    /**
     * Who holds the consumer end, read from the header and the end's lock.
     *
     * @return the consumer end's state, holder pid and liveness
     */
    public EndStatus consumerEnd() {
        return end(stats().consumerPid(), "consumerState", Doorbell.Side.CONSUMER);
    }

    private EndStatus end(long pid, String stateField, Doorbell.Side side) {
        return shared.end(pid, stateField, side);
    }

    /**
     * Data bytes the ring holds.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return ring.capacity();
    }

    /**
     * The options recorded in the file's header by its creator, with this handle's choice of
     * native copy (not recorded in the file).
     *
     * @return the wait strategy, overflow policy and native-copy choice
     */
    public RingOptions options() {
        return ring.options();
    }

    /**
     * Whether this handle's sink copies pieces of a few KiB or more in with the C library's
     * {@code memcpy}: asked for ({@link RingOptions#withNativeCopy(boolean)} at create,
     * {@link #open(Path, boolean)}) and available in this JVM. Never on unless asked for: see the
     * SIGBUS trade-off there.
     *
     * @return true when copies in go through {@code memcpy}
     */
    public boolean nativeCopy() {
        return ring.nativeCopy();
    }

    /**
     * The ring file (absolute).
     *
     * @return the absolute path of the file
     */
    public Path path() {
        return file.path();
    }

    /**
     * How BLOCK ends sleep here: {@code "futex"}, or {@code "polling (...)"} with the reason.
     *
     * @return a short description of the waiting, for diagnostics
     */
    public String doorbellDescription() {
        return shared.doorbell.toString();
    }

    /**
     * Closes the ends this object opened (the peer sees EOF or broken pipe), wakes this process's
     * threads out of any futex wait on the file, and unmaps it. The file stays. Idempotent.
     *
     * @throws IllegalStateException when a thread stays inside a futex wait on the mapping for
     *                               seconds (it cannot: waits are woken and time out in 500 ms)
     * @throws UncheckedIOException  when the file was truncated under the mapping (it is unmapped
     *                               all the same, and a second close does nothing)
     */
    @Override
    public void close() {
        shared.close(Ring::close);
    }

    @Override
    public String toString() {
        return "SharedRing[file=" + file.path() + ", capacity=" + ring.capacity() + "]";
    }
}
