package org.ringipc.mmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import org.ringipc.core.Doorbell;
import org.ringipc.core.EndLocks;
import org.ringipc.core.Ring;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingMXBeans;
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
 *       about 100 ms (the core polls the holder's liveness while waiting).</li>
 *   <li>Sleeping: through {@link FutexDoorbell}, a futex on Linux x86_64/aarch64, timed polling
 *       elsewhere ({@link #doorbellDescription()} says which).</li>
 *   <li>Truncation: if another process truncates the file under the mapping, the next operation
 *       fails with an {@link IOException} saying so; the JVM does not crash.</li>
 * </ul>
 *
 * <p>Thread safety: as for {@link Ring}; one thread at a time per end. {@link #close()} closes the
 * ends this object opened, waits for its threads to leave any futex wait, then unmaps.
 */
public final class SharedRing implements AutoCloseable {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MappedFile file;
    private final Ring ring;
    private final FutexDoorbell doorbell;
    /** The ends' locks: record locks on this handle's descriptor, or owner words where FFM is denied. */
    private final EndLocks locks;
    /** Null where record locks are unavailable; closed last, which drops any lock still held. */
    private final RecordLocks recordLocks;
    private final RingMXBeans.Slot mxBean = new RingMXBeans.Slot();

    /** Opened by {@link #openReadOnly}: stats and end status only. */
    private final boolean readOnly;

    private SharedRing(MappedFile file, Ring ring, FutexDoorbell doorbell, EndLocks locks, RecordLocks recordLocks) {
        this(file, ring, doorbell, locks, recordLocks, false);
    }

    private SharedRing(MappedFile file, Ring ring, FutexDoorbell doorbell, EndLocks locks, RecordLocks recordLocks,
                       boolean readOnly) {
        this.readOnly = readOnly;
        this.file = file;
        this.ring = ring;
        this.doorbell = doorbell;
        this.locks = locks;
        this.recordLocks = recordLocks;
    }

    /**
     * Record locks on {@code path} (which must name the file being mapped), or null where they
     * cannot be used; then the ends fall back to owner words (liveness by pid, one PID namespace).
     */
    private static RecordLocks recordLocks(Path path, boolean readOnly) throws IOException {
        return RecordLocks.unavailableReason() == null ? RecordLocks.open(path, readOnly) : null;
    }

    private static EndLocks endLocks(RecordLocks record, MappedFile mapped) {
        return record != null ? record : EndLocks.ownerWord(mapped.segment());
    }

    /** Runs {@code body} with the caller's interrupt status cleared, then restores it. */
    private static <T> T uninterrupted(IoSupplier<T> body) throws IOException {
        // a FileChannel refuses to open (ClosedByInterruptException) for an interrupted thread;
        // as Pipe.open, creating or opening a ring succeeds and leaves the status set
        boolean interrupted = Thread.interrupted();
        try {
            return body.get();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** The mode a ring file gets unless the caller asks for another: owner read/write ({@code 0600}). */
    public static final Set<PosixFilePermission> DEFAULT_MODE =
            Collections.unmodifiableSet(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    /**
     * {@link #create(Path, int, RingOptions, Set, boolean)} with {@link RingOptions#defaults()}
     * (BLOCK, BLOCK), mode {@code 0600}, replacing only a ring file.
     */
    public static SharedRing create(Path file, int capacity) throws IOException {
        return create(file, capacity, RingOptions.defaults());
    }

    /** {@link #create(Path, int, RingOptions, Set, boolean)} with mode {@code 0600}, replacing only a ring file. */
    public static SharedRing create(Path file, int capacity, RingOptions options) throws IOException {
        return create(file, capacity, options, DEFAULT_MODE, false);
    }

    /** {@link #create(Path, int, RingOptions, Set, boolean)} replacing only a ring file. */
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
     * @param mode  the file's permissions; must include owner read and write, no execute bits
     * @param force replace an existing regular file even when it is not a ring
     * @throws IllegalArgumentException   when capacity is not a power of two in 4096 .. 2^30, or
     *                                    mode is not a valid ring-file mode
     * @throws FileAlreadyExistsException when a file that is not a ring is there and force is false
     * @throws IOException                when the path is a symbolic link or not a regular file, when
     *                                    the file cannot be made, or its file system lacks the space
     */
    public static SharedRing create(Path file, int capacity, RingOptions options, Set<PosixFilePermission> mode,
                                    boolean force) throws IOException {
        return uninterrupted(() -> doCreate(file, capacity, options, mode, force));
    }

    private static SharedRing doCreate(Path file, int capacity, RingOptions options, Set<PosixFilePermission> mode,
                                       boolean force) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        checkMode(mode);
        long size = Ring.requiredBytes(capacity);
        Path target = file.toAbsolutePath();
        checkReplaceable(target, force);
        Path dir = target.getParent();
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < size) {
            // tmpfs hands out pages on first touch: a short one would fault in the middle of a write
            throw new IOException("file=" + target + " needs size=" + size + " bytes but its file system has "
                    + usable + " bytes free");
        }
        Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
        FutexDoorbell doorbell = new FutexDoorbell();
        MappedFile mapped = null;
        RecordLocks record = null;
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), attrs)) {
                if (posix) {
                    // the umask may have taken bits away from the mode given at creation
                    Files.setPosixFilePermissions(tmp, mode);
                }
                mapped = MappedFile.map(target, ch, size);
            }
            // the temporary name is ours alone: the locks' descriptor is on the file just mapped
            record = recordLocks(tmp, false);
            EndLocks locks = endLocks(record, mapped);
            Ring ring = Ring.format(mapped.segment(), capacity, options, doorbell, locks);
            // rename(2) replaces whatever is at the path (a link planted since the check included)
            // and never writes through it
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new SharedRing(mapped, ring, doorbell, locks, record);
        } catch (IOException | RuntimeException | Error e) {
            if (mapped != null) {
                mapped.unmap(() -> { });
            }
            if (record != null) {
                record.close();
            }
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static void checkMode(Set<PosixFilePermission> mode) {
        Objects.requireNonNull(mode, "mode");
        String text = PosixFilePermissions.toString(mode);
        if (!mode.contains(PosixFilePermission.OWNER_READ) || !mode.contains(PosixFilePermission.OWNER_WRITE)) {
            throw new IllegalArgumentException("mode=" + text + " lacks owner read/write (rw-------), which the creator needs");
        }
        if (mode.contains(PosixFilePermission.OWNER_EXECUTE) || mode.contains(PosixFilePermission.GROUP_EXECUTE)
                || mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            throw new IllegalArgumentException("mode=" + text + " has execute bits; a ring file is data (e.g. rw-rw----)");
        }
    }

    /** Refuses a link, a non-regular file, and (without force) a regular file that is not a ring. */
    private static void checkReplaceable(Path target, boolean force) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (attrs.isSymbolicLink()) {
            throw new IOException("file=" + target + " is a symbolic link; refusing to write through it");
        }
        if (!attrs.isRegularFile()) {
            throw new IOException("file=" + target + " is " + kind(attrs) + ", not a regular file; refusing to replace it");
        }
        if (!force && !startsWithMagic(target)) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "exists and is not a ring file (no ring magic in its first 8 bytes); create with force"
                            + " (ring create --force) to replace it");
        }
    }

    private static boolean startsWithMagic(Path target) throws IOException {
        ByteBuffer first = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (first.hasRemaining() && ch.read(first) >= 0) {
                // a file shorter than 8 bytes ends the loop with bytes remaining
            }
        }
        return !first.hasRemaining() && first.getLong(0) == RingLayout.MAGIC;
    }

    private static String kind(BasicFileAttributes attrs) {
        if (attrs.isDirectory()) {
            return "a directory";
        }
        if (attrs.isSymbolicLink()) {
            return "a symbolic link";
        }
        return "a special file (fifo, socket or device)";
    }

    /**
     * Maps an existing ring file and validates every header field against the file's size before
     * touching the data. Nothing in the file is changed: opening never resets state that another
     * process is using.
     *
     * <p>Symbolic links are followed (opening writes only into an existing ring), but the path must
     * end at a regular file: a directory, fifo or device is refused before it is opened.
     *
     * @throws NoSuchFileException  when there is no file (or the link at the path dangles)
     * @throws RingFormatException  when the path is not a regular file; naming the field when the file is empty, short, truncated, not a
     *                              ring, of another layout version, or of a size its header does not
     *                              describe
     * @throws IOException          when the file cannot be opened read-write
     */
    public static SharedRing open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return uninterrupted(() -> doOpen(file, false));
    }

    /**
     * Opens a ring file for looking only: {@link #stats()}, {@link #producerEnd()},
     * {@link #consumerEnd()}, {@link #registerMXBean}. Needs read permission only (a monitoring
     * user); the file is mapped read-only and validated as by {@link #open(Path)}.
     * {@link #sink()} and {@link #source()} are refused.
     *
     * @throws NoSuchFileException  when there is no file
     * @throws RingFormatException  as {@link #open(Path)}
     * @throws IOException          when the file cannot be opened for reading
     */
    public static SharedRing openReadOnly(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return uninterrupted(() -> doOpen(file, true));
    }

    private static SharedRing doOpen(Path file, boolean readOnly) throws IOException {
        Path target = file.toAbsolutePath();
        checkRegularFile(target);
        FutexDoorbell doorbell = new FutexDoorbell();
        MappedFile mapped;
        long size;
        RecordLocks record;
        try {
            record = recordLocks(target, readOnly);
        } catch (IOException e) {
            if (!Files.exists(target)) {
                throw new NoSuchFileException(target.toString(), null, "no such ring file");
            }
            throw e;
        }
        // map the very file the locks' descriptor has open, even if the path is renamed over meanwhile
        Path viaFd = record != null ? Path.of("/proc/self/fd/" + record.fd()) : null;
        Path mapPath = viaFd != null && Files.exists(viaFd) ? viaFd : target;
        Set<OpenOption> access = readOnly ? Set.of(StandardOpenOption.READ)
                : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
        try (FileChannel ch = FileChannel.open(mapPath, access)) {
            size = ch.size();
            if (size == 0) {
                throw new RingFormatException("file=" + target + ": size=0, the file is empty (not a ring)");
            }
            long largest = Ring.requiredBytes(RingLayout.MAX_CAPACITY);
            if (size > largest) {
                throw new RingFormatException("file=" + target + ": size=" + size
                        + " is larger than any ring (" + largest + " bytes): not a ring");
            }
            mapped = MappedFile.map(target, ch, size,
                    readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE);
        } catch (NoSuchFileException e) {
            closeQuietly(record);
            throw new NoSuchFileException(target.toString(), null, "no such ring file");
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(record);
            throw e;
        }
        try {
            EndLocks locks = endLocks(record, mapped);
            Ring ring = Ring.attach(mapped.segment(), doorbell, locks);
            long required = Ring.requiredBytes(ring.capacity());
            if (size != required) {
                throw new RingFormatException("size=" + size + " does not match capacity=" + ring.capacity()
                        + ", which needs " + required + " bytes");
            }
            return new SharedRing(mapped, ring, doorbell, locks, record, readOnly);
        } catch (RingFormatException e) {
            mapped.unmap(() -> { });
            closeQuietly(record);
            throw new RingFormatException("file=" + target + ": " + e.getMessage());
        } catch (InternalError e) {
            mapped.unmap(() -> { });
            closeQuietly(record);
            throw mapped.translate(e);
        } catch (RuntimeException e) {
            mapped.unmap(() -> { });
            closeQuietly(record);
            throw e;
        }
    }

    private static void closeQuietly(RecordLocks record) {
        if (record != null) {
            record.close();
        }
    }

    /**
     * Follows links (a link to a ring is fine) but must end at a regular file: opening a fifo would
     * block, a directory or device is never a ring.
     */
    private static void checkRegularFile(Path target) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(target, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            String why = Files.isSymbolicLink(target) ? "a dangling symbolic link, no ring file" : "no such ring file";
            throw new NoSuchFileException(target.toString(), null, why);
        }
        if (!attrs.isRegularFile()) {
            String via = Files.isSymbolicLink(target) ? " (through a symbolic link)" : "";
            throw new RingFormatException("file=" + target + via + " is " + kind(attrs) + ", not a ring file");
        }
    }

    /**
     * Claims the producer end for this process.
     *
     * @throws IllegalStateException naming the pid when a live process (this one included) holds it
     */
    public RingSink sink() {
        checkWritable("sink");
        return new SharedSink(ring.sink(), file);
    }

    /**
     * Claims the consumer end for this process.
     *
     * @throws IllegalStateException naming the pid when a live process (this one included) holds it
     */
    public RingSource source() {
        checkWritable("source");
        return new SharedSource(ring.source(), file);
    }

    private void checkWritable(String end) {
        if (readOnly) {
            throw new IllegalStateException("file=" + file.path() + " was opened read-only (openReadOnly): no "
                    + end + " can be taken; use SharedRing.open");
        }
    }

    /**
     * A snapshot of the counters in the file's header, the same one every process sees.
     *
     * @throws UncheckedIOException when the file was truncated under the mapping
     */
    public RingStats stats() {
        try {
            return ring.stats();
        } catch (InternalError e) {
            throw new UncheckedIOException(file.translate(e));
        }
    }

    /**
     * Registers this ring's stats (read from the shared header, so they include the other
     * process's counters) as the MXBean {@code org.ringipc:type=Ring,name=<name>}, kind
     * {@code SharedRing}. Opt-in; {@link #close()} unregisters it.
     *
     * @throws IllegalStateException when that name is taken, this ring is already registered, or
     *                               it is closed
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return mxBean.register("SharedRing", name, this::stats);
    }

    /** Who holds the producer end, read from the header. */
    public EndStatus producerEnd() {
        return end(stats().producerPid(), "producerState", Doorbell.Side.PRODUCER);
    }

    /** Who holds the consumer end, read from the header and the end's lock. */
    public EndStatus consumerEnd() {
        return end(stats().consumerPid(), "consumerState", Doorbell.Side.CONSUMER);
    }

    private EndStatus end(long pid, String stateField, Doorbell.Side side) {
        // acquire: a reader in another process; pairs with the release of the end's state when
        // the core claims or gives up an end
        int state = (int) INT.getAcquire(file.segment(), RingLayout.offset("signal", stateField));
        return EndStatus.of(pid, state, locks.isHeld(side));
    }

    /** Data bytes the ring holds. */
    public int capacity() {
        return ring.capacity();
    }

    /** The options recorded in the file's header by its creator. */
    public RingOptions options() {
        return ring.options();
    }

    /** The ring file (absolute). */
    public Path path() {
        return file.path();
    }

    /** How BLOCK ends sleep here: {@code "futex"}, or {@code "polling (...)"} with the reason. */
    public String doorbellDescription() {
        return doorbell.toString();
    }

    /**
     * Closes the ends this object opened (the peer sees EOF or broken pipe), wakes this process's
     * threads out of any futex wait on the file, and unmaps it. The file stays. Idempotent.
     *
     * @throws IllegalStateException when a thread stays inside a futex wait on the mapping for
     *                               seconds (it cannot: waits are woken and time out in 100 ms)
     * @throws UncheckedIOException  when the file was truncated under the mapping (it is unmapped
     *                               all the same, and a second close does nothing)
     */
    @Override
    public void close() {
        if (!file.isMapped()) {
            return;
        }
        // unregister first: the bean reads the mapping
        mxBean.close();
        IOException truncated = null;
        try {
            ring.close();
        } catch (InternalError e) {
            // the file was cut under us: the ends could not record that they closed; unmap anyway
            truncated = file.translate(e);
        }
        MemorySegment header = file.segment();
        file.unmap(() -> {
            doorbell.ring(Doorbell.Side.PRODUCER, header.asSlice(RingLayout.PRODUCER_WAKE_SEQ_OFFSET, Integer.BYTES));
            doorbell.ring(Doorbell.Side.CONSUMER, header.asSlice(RingLayout.CONSUMER_WAKE_SEQ_OFFSET, Integer.BYTES));
        });
        // last: the ends released their locks; closing the descriptor drops any left (a truncated file)
        closeQuietly(recordLocks);
        if (truncated != null) {
            throw new UncheckedIOException(truncated);
        }
    }

    @Override
    public String toString() {
        return "SharedRing[file=" + file.path() + ", capacity=" + ring.capacity() + "]";
    }
}
