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
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.ringipc.core.Doorbell;
import org.ringipc.core.EndLocks;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingLayout;
import org.ringipc.core.RingMXBeans;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingStats;

/**
 * The file side of a shared ring, whatever its kind: creating the file (0600, never through a
 * symbolic link, formatted under a temporary name and renamed into place), opening and validating
 * it, the end locks on its descriptor, the futex doorbell, the MXBean slot, and closing (close the
 * ring's ends, wake this process's futex sleepers, unmap, drop the locks). {@link SharedRing} and
 * {@link SharedMessageRing} are thin façades over one of these, each with its core ring {@code R}.
 */
final class RingFile<R> {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Which kind of ring a file holds: the header's {@link RingLayout#FLAG_MESSAGES} bit. */
    enum Kind {
        BYTES("a byte ring", "bytes", "SharedRing.open", "ring create FILE"),
        MESSAGES("a message ring", "messages", "SharedMessageRing.open", "ring create --messages FILE");

        final String phrase;
        /** The word {@code ring stat} prints. */
        final String word;
        final String opener;
        final String creator;

        Kind(String phrase, String word, String opener, String creator) {
            this.phrase = phrase;
            this.word = word;
            this.opener = opener;
            this.creator = creator;
        }

        static Kind ofFlags(int flags) {
            return (flags & RingLayout.FLAG_MESSAGES) != 0 ? MESSAGES : BYTES;
        }
    }

    /** Lays a fresh ring of the façade's kind into the mapped file. */
    interface Formatter<R> {
        R format(MemorySegment memory, int capacity, RingOptions options, Doorbell doorbell, EndLocks locks);
    }

    /** Validates the mapped file as a ring of the façade's kind. */
    interface Attacher<R> {
        R attach(MemorySegment memory, Doorbell doorbell, EndLocks locks) throws RingFormatException;
    }

    /** Closes the core ring's ends (the peer sees EOF or broken pipe). */
    interface Closer<R> {
        void close(R ring);
    }

    final MappedFile file;
    final R ring;
    final FutexDoorbell doorbell;
    /** The ends' locks: record locks on this handle's descriptor, or owner words where FFM is denied. */
    final EndLocks locks;
    /** Null where record locks are unavailable; closed last, which drops any lock still held. */
    private final RecordLocks recordLocks;
    private final RingMXBeans.Slot mxBean = new RingMXBeans.Slot();

    private RingFile(MappedFile file, R ring, FutexDoorbell doorbell, EndLocks locks, RecordLocks recordLocks) {
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
    private static RecordLocks recordLocks(Path path) throws IOException {
        return recordLocks(path, false);
    }

    private static RecordLocks recordLocks(Path path, boolean readOnly) throws IOException {
        return RecordLocks.unavailableReason() == null ? RecordLocks.open(path, readOnly) : null;
    }

    private static EndLocks endLocks(RecordLocks record, MappedFile mapped) {
        return record != null ? record : EndLocks.ownerWord(mapped.segment());
    }

    /** Runs {@code body} with the caller's interrupt status cleared, then restores it. */
    static <T> T uninterrupted(IoSupplier<T> body) throws IOException {
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

    interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** See {@link SharedRing#create(Path, int, RingOptions, Set, boolean)}: the one implementation. */
    static <R> RingFile<R> create(Path file, int capacity, RingOptions options, Set<PosixFilePermission> mode,
                                  boolean force, Formatter<R> formatter) throws IOException {
        return uninterrupted(() -> doCreate(file, capacity, options, mode, force, formatter));
    }

    private static <R> RingFile<R> doCreate(Path file, int capacity, RingOptions options,
                                            Set<PosixFilePermission> mode, boolean force, Formatter<R> formatter)
            throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        checkMode(mode);
        long size = RingLayout.requiredBytes(capacity);
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
            // before the format: no copy in the ring's life pays for a first touch (Prefault)
            Prefault.created(mapped.segment());
            // the temporary name is ours alone: the locks' descriptor is on the file just mapped
            record = recordLocks(tmp);
            EndLocks locks = endLocks(record, mapped);
            R ring = formatter.format(mapped.segment(), capacity, options, doorbell, locks);
            // rename(2) replaces whatever is at the path (a link planted since the check included)
            // and never writes through it
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new RingFile<>(mapped, ring, doorbell, locks, record);
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
     * The kind of ring in {@code file}, read from its header without mapping or locking it; null
     * when the file does not start with a ring header of this build's version (opening it says why).
     */
    static Kind kindOf(Path file) throws IOException {
        ByteBuffer identity = ByteBuffer.allocate(RingLayout.BLOCK_BYTES).order(ByteOrder.nativeOrder());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (identity.hasRemaining() && ch.read(identity) >= 0) {
                // a short file ends the loop with bytes remaining
            }
        }
        if (identity.hasRemaining() || identity.getLong(0) != RingLayout.MAGIC
                || identity.getInt((int) RingLayout.offset("identity", "version")) != RingLayout.VERSION) {
            return null;
        }
        return Kind.ofFlags(identity.getInt((int) RingLayout.offset("identity", "flags")));
    }

    /** See {@link SharedRing#open(Path)}: the one implementation; {@code kind} is what the caller reads. */
    static <R> RingFile<R> open(Path file, Kind kind, Attacher<R> attacher) throws IOException {
        return open(file, kind, attacher, false);
    }

    /**
     * As {@link #open(Path, Kind, Attacher)}; when {@code readOnly}, the file is opened and mapped
     * for reading only (stats and end status: a monitoring user needs read permission alone) and
     * its lock descriptor can only ask whether an end is held.
     */
    static <R> RingFile<R> open(Path file, Kind kind, Attacher<R> attacher, boolean readOnly) throws IOException {
        Objects.requireNonNull(file, "file");
        return uninterrupted(() -> doOpen(file, kind, attacher, readOnly));
    }

    private static <R> RingFile<R> doOpen(Path file, Kind kind, Attacher<R> attacher, boolean readOnly)
            throws IOException {
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
            long largest = RingLayout.requiredBytes(RingLayout.MAX_CAPACITY);
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
            checkKind(mapped.segment(), kind);
            EndLocks locks = endLocks(record, mapped);
            R ring = attacher.attach(mapped.segment(), doorbell, locks);
            int capacity = (int) INT.getAcquire(mapped.segment(), RingLayout.offset("identity", "capacity"));
            long required = RingLayout.requiredBytes(capacity);
            if (size != required) {
                throw new RingFormatException("size=" + size + " does not match capacity=" + capacity
                        + ", which needs " + required + " bytes");
            }
            if (!readOnly) {
                // a valid ring only: no first touch in this process's copies either (Prefault)
                Prefault.opened(mapped.segment());
            }
            return new RingFile<>(mapped, ring, doorbell, locks, record);
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

    /**
     * Refuses a ring of the other kind, naming both, before the core's own checks (which would say
     * the same in terms of the flag bit); a file that is no ring at all is left to those checks.
     */
    private static void checkKind(MemorySegment memory, Kind wanted) throws RingFormatException {
        if (memory.byteSize() < RingLayout.HEADER_BYTES
                || memory.get(ValueLayout.JAVA_LONG, 0) != RingLayout.MAGIC
                || memory.get(ValueLayout.JAVA_INT, RingLayout.offset("identity", "version")) != RingLayout.VERSION) {
            return;
        }
        int flags = memory.get(ValueLayout.JAVA_INT, RingLayout.offset("identity", "flags"));
        Kind found = Kind.ofFlags(flags);
        if (found != wanted) {
            throw new RingFormatException(String.format(
                    "kind: the file holds %s (flags=0x%x), not %s; open it with %s (%s makes %s)",
                    found.phrase, flags, wanted.phrase, found.opener, wanted.creator, wanted.phrase));
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

    /** Runs {@code stats} on the mapping, turning a fault past a truncated end into an unchecked IOException. */
    RingStats stats(Supplier<RingStats> stats) {
        try {
            return stats.get();
        } catch (InternalError e) {
            throw new UncheckedIOException(file.translate(e));
        }
    }

    javax.management.ObjectName registerMXBean(String kind, String name, Supplier<RingStats> stats) {
        return mxBean.register(kind, name, () -> stats(stats));
    }

    /** Who holds {@code side}'s end: the pid from the header, its state, and whether its lock is held. */
    EndStatus end(long pid, String stateField, Doorbell.Side side) {
        // acquire: a reader in another process; pairs with the release of the end's state when
        // the core claims or gives up an end
        int state = (int) INT.getAcquire(file.segment(), RingLayout.offset("signal", stateField));
        return EndStatus.of(pid, state, locks.isHeld(side));
    }

    /**
     * Closes the ends this handle opened, wakes this process's threads out of any futex wait on the
     * file, unmaps it, then drops the locks. Idempotent.
     *
     * @throws UncheckedIOException when the file was truncated under the mapping (it is unmapped
     *                              all the same, and a second close does nothing)
     */
    void close(Closer<R> closer) {
        if (!file.isMapped()) {
            return;
        }
        // unregister first: the bean reads the mapping
        mxBean.close();
        IOException truncated = null;
        try {
            closer.close(ring);
        } catch (InternalError e) {
            // the file was cut under us: the ends could not record that they closed; unmap anyway
            truncated = file.translate(e);
        } catch (RuntimeException | Error e) {
            // whatever went wrong giving the ends back, the mapping and the descriptor still go
            unmapAndDropLocks();
            throw e;
        }
        unmapAndDropLocks();
        if (truncated != null) {
            throw new UncheckedIOException(truncated);
        }
    }

    private void unmapAndDropLocks() {
        MemorySegment header = file.segment();
        try {
            file.unmap(() -> {
                doorbell.ring(Doorbell.Side.PRODUCER, header.asSlice(RingLayout.PRODUCER_WAKE_SEQ_OFFSET, Integer.BYTES));
                doorbell.ring(Doorbell.Side.CONSUMER, header.asSlice(RingLayout.CONSUMER_WAKE_SEQ_OFFSET, Integer.BYTES));
            });
        } finally {
            // last: the ends released their locks; closing the descriptor drops any left
            closeQuietly(recordLocks);
        }
    }
}
