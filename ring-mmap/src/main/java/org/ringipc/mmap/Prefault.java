package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Faults a ring file's pages in before the ring is used, so that no write or read in the timed life
 * of the ring pays for a first touch. A 64 MiB ring moved 27 MB/s as created against 1,734 MB/s
 * with its pages written once beforehand (README, "Benchmarks"): each first touch of a tmpfs page
 * allocates and zeroes it inside the copy that touched it.
 *
 * <p>Each process populates its own mapping with {@code madvise(MADV_POPULATE_WRITE)} (Linux 5.14+):
 * the kernel allocates the file's pages and fills this process's page tables writable, without
 * writing a byte, so it is safe while another process uses the ring. It is a system call, not a
 * memory access: past the end of a file truncated meanwhile it fails with an error code, never with
 * SIGBUS. Then it reads one byte of every page, in Java: on a virtual machine whose host backs guest
 * memory lazily, a page that the guest's kernel populated still cost about 8 µs at its first access
 * (measured on the 2-vCPU KVM guest this project runs on: a 64 MiB ring's first copy ran at 0.65
 * GB/s per CPU second after {@code madvise} alone, 17 GB/s after the reads too); reading changes
 * nothing, so it is safe while another process writes. Where {@code madvise} is refused (an older
 * kernel, no native access, not Linux), the creator instead writes each page's first byte with the
 * value already there, only on the freshly created file that no other process has mapped yet; an
 * opener then reads its pages in as above.
 *
 * <p>The cost: the file's whole size is taken from its file system (for {@code /dev/shm}, memory) at
 * creation, not as the ring first fills.
 */
final class Prefault {

    /** {@code MADV_POPULATE_WRITE} from {@code <linux/mman.h>} (Linux 5.14). */
    private static final int MADV_POPULATE_WRITE = 23;
    private static final int EPERM = 1;
    private static final int EINVAL = 22;
    private static final int ENOSYS = 38;
    /** The smallest page there is; touching every 4 KiB covers larger pages too. */
    private static final int PAGE_BYTES = 4096;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    /** {@code int madvise(void *addr, size_t length, int advice)}, or null where it cannot be linked. */
    private static final MethodHandle MADVISE = link();

    /** Where {@link #readEveryPage} leaves its sum; never read. */
    @SuppressWarnings("unused")
    private static int readSum;

    private Prefault() {
    }

    @SuppressWarnings("restricted") // as Futex: the launcher enables native access
    private static MethodHandle link() {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(linker.defaultLookup().findOrThrow("madvise"),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT),
                    Linker.Option.captureCallState("errno"));
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Populates the mapping of a file this process just created and nobody else has mapped: by
     * {@code madvise}, or else by touching every page.
     *
     * @param mapping the whole mapping (page-aligned, as every mapping starts)
     * @throws IOException when the file system cannot give the file its pages (it is full)
     */
    static void created(MemorySegment mapping) throws IOException {
        int errno = populate(mapping);
        if (errno != 0 && errno != EINVAL && errno != ENOSYS && errno != EPERM && errno != -1) {
            throw new IOException("size=" + mapping.byteSize() + " bytes could not be given to the ring file: "
                    + "madvise(MADV_POPULATE_WRITE) failed with errno=" + errno + " (full file system?)");
        }
        try {
            if (errno == 0) {
                readEveryPage(mapping);
                return;
            }
            for (long at = 0; at < mapping.byteSize(); at += PAGE_BYTES) {
                // plain: the file is ours alone until it is renamed into place; the value written is
                // the one there, so the write changes nothing but the page's presence
                mapping.set(ValueLayout.JAVA_BYTE, at, mapping.get(ValueLayout.JAVA_BYTE, at));
            }
        } catch (InternalError e) {
            // tmpfs had no page to give: the fault surfaced as an error in the access
            throw new IOException("size=" + mapping.byteSize() + " bytes could not be given to the ring file:"
                    + " its file system ran out of room while the pages were touched", e);
        }
    }

    /**
     * Populates this process's mapping of a file another process may be using: by {@code madvise}
     * and by reading a byte of every page, never by writing. A hint: any failure leaves the pages
     * to fault in on first use, as without it (a file truncated meanwhile is reported by the ring's
     * first access past its end).
     *
     * @param mapping the whole mapping, read-write
     */
    static void opened(MemorySegment mapping) {
        populate(mapping);
        try {
            readEveryPage(mapping);
        } catch (InternalError e) {
            // truncated under us: the ring's own accesses say so, with the file's name
        }
    }

    /** Reads one byte of every page; the sum goes to a field so that the reads cannot be elided. */
    private static void readEveryPage(MemorySegment mapping) {
        int sum = 0;
        for (long at = 0; at < mapping.byteSize(); at += PAGE_BYTES) {
            sum += mapping.get(ValueLayout.JAVA_BYTE, at);
        }
        readSum = sum;
    }

    /** {@code madvise(MADV_POPULATE_WRITE)} over {@code mapping}: 0, the errno, or -1 when it cannot be called. */
    private static int populate(MemorySegment mapping) {
        if (MADVISE == null) {
            return -1;
        }
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE);
            int r = (int) MADVISE.invokeExact(capture, mapping, mapping.byteSize(), MADV_POPULATE_WRITE);
            return r == 0 ? 0 : (int) ERRNO.get(capture, 0L);
        } catch (Throwable t) {
            // IllegalCallerException where native access is denied; anything else is no reason to fail
            return -1;
        }
    }
}
