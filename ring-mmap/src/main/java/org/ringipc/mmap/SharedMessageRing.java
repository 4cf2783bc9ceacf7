package org.ringipc.mmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.ringipc.core.Doorbell;
import org.ringipc.core.MessageRing;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;
import org.ringipc.core.RingFormatException;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingStats;

/**
 * A {@link MessageRing} in a shared file: framed messages between two processes, boundaries kept,
 * with everything {@link SharedRing} gives a byte ring: the file is created {@code 0600} and never
 * through a symbolic link, opening validates every header field, each end is claimed by a kernel
 * record lock (refused naming the holder's pid, taken over when its holder dies), a peer's death
 * shows as EOF or "broken pipe", BLOCK ends sleep in a futex, and stats, the MXBean and
 * {@link #producerEnd()}/{@link #consumerEnd()} read the shared header.
 *
 * <pre>{@code
 * // process A
 * try (SharedMessageRing ring = SharedMessageRing.create(Path.of("/dev/shm/orders"), 1 << 20);
 *      MessageSink sink = ring.sink()) {
 *     sink.write(header, body);                    // one message from two buffers, no copy between
 * }                                                // B handles the rest, then -1
 * // process B
 * try (SharedMessageRing ring = SharedMessageRing.open(Path.of("/dev/shm/orders"));
 *      MessageSource source = ring.source()) {
 *     while (source.take(msg -> handle(msg)) > 0) { }
 * }
 * }</pre>
 *
 * <p>The file says which kind of ring it holds (the header's {@code flags}):
 * {@link SharedRing#open} refuses a message ring and {@link #open} a byte ring, with a
 * {@link RingFormatException} naming both kinds. A message holds at most {@link #maxMessageLength()}
 * bytes ({@code capacity / 2 - 8}).
 *
 * <p>Thread safety: one thread at a time per end. {@link #close()} closes the ends this object
 * opened, waits for its threads to leave any futex wait, then unmaps.
 */
public final class SharedMessageRing implements AutoCloseable {

    private final RingFile<MessageRing> shared;
    private final MessageRing ring;

    private SharedMessageRing(RingFile<MessageRing> shared) {
        this.shared = shared;
        this.ring = shared.ring;
    }

    /**
     * {@link #create(Path, int, RingOptions, Set, boolean)} with the defaults (BLOCK, BLOCK), mode {@code 0600}.
     *
     * @param file the ring file's path
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @return the new message ring, mapped, with no ends open
     * @throws IOException as {@link #create(Path, int, RingOptions, Set, boolean)}
     */
    public static SharedMessageRing create(Path file, int capacity) throws IOException {
        return create(file, capacity, RingOptions.defaults());
    }

    /**
     * {@link #create(Path, int, RingOptions, Set, boolean)} with mode {@code 0600}, replacing only a ring file.
     *
     * @param file the ring file's path
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header
     * @return the new message ring, mapped, with no ends open
     * @throws IOException as {@link #create(Path, int, RingOptions, Set, boolean)}
     */
    public static SharedMessageRing create(Path file, int capacity, RingOptions options) throws IOException {
        return create(file, capacity, options, SharedRing.DEFAULT_MODE, false);
    }

    /**
     * Creates the message-ring file, or replaces the ring file there, exactly as
     * {@link SharedRing#create(Path, int, RingOptions, Set, boolean)} does (formatted under a
     * temporary name and renamed over {@code file}; mode applied exactly; links, non-regular files
     * and, without {@code force}, non-ring files refused), and taking the file's whole size from
     * its file system at creation (every page faulted in, see {@link SharedRing#create(Path, int,
     * RingOptions, Set, boolean)}).
     *
     * @param file the ring file's path
     * @param capacity data bytes, framing included: a power of two in 4096 .. 2^30
     * @param options the wait strategy and overflow policy, recorded in the header
     * @param mode the file's permissions; must include owner read and write, no execute bits
     * @param force replace an existing regular file even when it is not a ring
     * @return the new message ring, mapped, with no ends open
     * @throws IllegalArgumentException   when capacity is not a power of two in 4096 .. 2^30, or
     *                                    mode is not a valid ring-file mode
     * @throws FileAlreadyExistsException when a file that is not a ring is there and force is false
     * @throws IOException                when the path is a symbolic link or not a regular file, or
     *                                    the file cannot be made
     */
    public static SharedMessageRing create(Path file, int capacity, RingOptions options,
                                           Set<PosixFilePermission> mode, boolean force) throws IOException {
        return new SharedMessageRing(RingFile.create(file, capacity, options, mode, force, MessageRing::format));
    }

    /**
     * Maps an existing message-ring file and validates it as {@link SharedRing#open} does, and that
     * its positions sit on record boundaries. Nothing in the file is changed.
     *
     * @param file the ring file's path
     * @return the message ring the file holds, mapped
     * @throws NoSuchFileException when there is no file
     * @throws RingFormatException naming the field that is wrong; for a byte ring, naming both kinds
     */
    public static SharedMessageRing open(Path file) throws IOException {
        return new SharedMessageRing(RingFile.open(file, RingFile.Kind.MESSAGES, MessageRing::attach));
    }

    /**
     * Claims the producer end for this process.
     *
     * @return the producer end
     * @throws IllegalStateException naming the pid when a live process (this one included) holds it
     */
    public MessageSink sink() {
        return new SharedMessageSink(ring.sink(), shared.file);
    }

    /**
     * Claims the consumer end for this process.
     *
     * @return the consumer end
     * @throws IllegalStateException naming the pid when a live process (this one included) holds it
     */
    public MessageSource source() {
        return new SharedMessageSource(ring.source(), shared.file);
    }

    /**
     * A snapshot of the counters in the file's header (bytes are framed ring bytes, operations are
     * messages), the same one every process sees.
     *
     * @return the current counters
     * @throws UncheckedIOException when the file was truncated under the mapping
     */
    public RingStats stats() {
        return shared.stats(ring::stats);
    }

    /**
     * Registers this ring's stats as the MXBean {@code org.ringipc:type=Ring,name=<name>}, kind
     * {@code SharedMessageRing}. Opt-in; {@link #close()} unregisters it.
     *
     * @param name the {@code name} key of the object name
     * @return the object name the MXBean is registered under
     * @throws IllegalStateException when that name is taken, or this ring is registered or closed
     */
    public javax.management.ObjectName registerMXBean(String name) {
        return shared.registerMXBean("SharedMessageRing", name, ring::stats);
    }

    /**
     * Who holds the producer end, read from the header and the end's lock.
     *
     * @return the producer end's state, holder pid and liveness
     */
    public EndStatus producerEnd() {
        return shared.end(stats().producerPid(), "producerState", Doorbell.Side.PRODUCER);
    }

    /**
     * Who holds the consumer end, read from the header and the end's lock.
     *
     * @return the consumer end's state, holder pid and liveness
     */
    public EndStatus consumerEnd() {
        return shared.end(stats().consumerPid(), "consumerState", Doorbell.Side.CONSUMER);
    }

    /**
     * Data bytes the ring holds, framing included.
     *
     * @return the capacity in bytes
     */
    public int capacity() {
        return ring.capacity();
    }

    /**
     * The largest message in bytes: {@code capacity / 2 - 8}.
     *
     * @return the largest payload length, in bytes
     */
    public int maxMessageLength() {
        return ring.maxMessageLength();
    }

    /**
     * The options recorded in the file's header by its creator.
     *
     * @return the wait strategy and overflow policy
     */
    public RingOptions options() {
        return ring.options();
    }

    /**
     * The ring file (absolute).
     *
     * @return the absolute path of the file
     */
    public Path path() {
        return shared.file.path();
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
     * Closes the ends this object opened (the peer sees EOF or broken pipe; a pending claim is given
     * up), wakes this process's threads out of any futex wait on the file, and unmaps it. The file
     * stays. Idempotent.
     *
     * @throws UncheckedIOException when the file was truncated under the mapping (unmapped all the same)
     */
    @Override
    public void close() {
        shared.close(MessageRing::close);
    }

    @Override
    public String toString() {
        return "SharedMessageRing[file=" + shared.file.path() + ", capacity=" + ring.capacity() + "]";
    }
}
