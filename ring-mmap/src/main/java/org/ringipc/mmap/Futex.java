package org.ringipc.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Linux futex wait and wake on a 4-byte word of shared memory, through a downcall to libc's
 * {@code syscall} function (glibc has no {@code futex()} wrapper).
 *
 * <p>The operations are the shared (not {@code FUTEX_PRIVATE_FLAG}) {@code FUTEX_WAIT} and
 * {@code FUTEX_WAKE}: the kernel keys a shared futex by the file page and offset, so a waiter and a
 * waker in two processes that map the same file ({@code MAP_SHARED}) meet on the same word.
 *
 * <pre>{@code
 * if (Futex.isAvailable()) {
 *     // waiter: sleeps only while the word still holds 0
 *     Futex.wait(word, 0, 100_000_000);
 *     // waker, in another thread or process: change the word first, then wake
 *     word.set(ValueLayout.JAVA_INT, 0, 1);
 *     Futex.wake(word, Integer.MAX_VALUE);
 * }
 * }</pre>
 *
 * <p>Availability: Linux on x86_64 (syscall 202) and aarch64 (syscall 98). Elsewhere, or when the
 * downcall cannot be linked (native access denied, no {@code syscall} symbol), or the kernel refuses
 * the call ({@code ENOSYS}, {@code EPERM} under seccomp), {@link #isAvailable()} is false and
 * {@link FutexDoorbell} falls back to timed polling of the word. The downcall is a restricted method:
 * run with {@code --enable-native-access=ALL-UNNAMED} (class path) or {@code =org.ringipc.mmap}.
 *
 * <p>The word's segment is kept alive (its arena acquired) for the whole of a wait: an arena
 * cannot be closed while a thread sleeps in {@link #wait} on one of its segments. Wake or time out
 * the sleepers first.
 */
public final class Futex {

    /** {@link #wait}: woken by a {@link #wake}, or a spurious wake-up; re-check the condition. */
    public static final int WOKEN = 0;
    /** {@link #wait}: the word did not hold {@code expected}, so it did not sleep. */
    public static final int VALUE_CHANGED = 1;
    /** {@link #wait}: the timeout passed. */
    public static final int TIMED_OUT = 2;
    /** {@link #wait}: a signal interrupted the sleep. */
    public static final int INTERRUPTED = 3;

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ETIMEDOUT = 110;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    /** Per call: a {@code struct timespec} (8-aligned, first) then the captured errno. */
    private static final long TIMESPEC_BYTES = 16;

    /** {@code futex_waitv} (Linux 5.16+): the same number on x86_64 and aarch64. */
    private static final long SYS_FUTEX_WAITV = 449;
    /** {@code struct futex_waitv { u64 val; u64 uaddr; u32 flags; u32 __reserved; }} */
    private static final StructLayout WAITV_ENTRY = MemoryLayout.structLayout(
            JAVA_LONG.withName("val"), JAVA_LONG.withName("uaddr"),
            ValueLayout.JAVA_INT.withName("flags"), ValueLayout.JAVA_INT.withName("reserved"));
    private static final long WAITV_VAL = WAITV_ENTRY.byteOffset(PathElement.groupElement("val"));
    private static final long WAITV_UADDR = WAITV_ENTRY.byteOffset(PathElement.groupElement("uaddr"));
    private static final long WAITV_FLAGS = WAITV_ENTRY.byteOffset(PathElement.groupElement("flags"));
    /** {@code FUTEX_32}, without {@code FUTEX_PRIVATE_FLAG}: shared files are matched across processes. */
    private static final int FUTEX_32 = 2;
    private static final int CLOCK_MONOTONIC = 1;
    /** The most entries one {@code futex_waitv} takes ({@code FUTEX_WAITV_MAX}). */
    public static final int WAITV_MAX = 128;
    private static final int ENOSYS = 38;
    private static final int EFAULT = 14;

    private static final long SYS_FUTEX;
    private static final MethodHandle WAIT;
    private static final MethodHandle WAKE;
    private static final MethodHandle WAITV;
    /** CLOCK_MONOTONIC minus {@link System#nanoTime()}, for the absolute timeout futex_waitv takes. */
    private static final long MONOTONIC_OFFSET;
    private static volatile boolean waitvAvailable;
    private static final String UNAVAILABLE_REASON;
    private static volatile boolean available;

    static {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        long nr = switch (arch) {
            case "amd64", "x86_64" -> 202;
            case "aarch64", "arm64" -> 98;
            default -> -1;
        };
        MethodHandle wait = null;
        MethodHandle wake = null;
        MethodHandle waitv = null;
        long offset = 0;
        String reason = null;
        if (!os.startsWith("Linux")) {
            reason = "os.name=" + os + " is not Linux";
        } else if (nr < 0) {
            reason = "os.arch=" + arch + " has no known futex syscall number (x86_64, aarch64)";
        } else {
            try {
                MethodHandle[] handles = link();
                wait = handles[0];
                wake = handles[1];
                waitv = handles[2];
                offset = monotonicOffset(handles[3]);
            } catch (RuntimeException | LinkageError e) {
                reason = "the futex downcall could not be linked: " + e;
                wait = null;
                wake = null;
            }
        }
        SYS_FUTEX = nr;
        WAIT = wait;
        WAKE = wake;
        WAITV = waitv;
        MONOTONIC_OFFSET = offset;
        waitvAvailable = reason == null;
        UNAVAILABLE_REASON = reason;
        available = reason == null;
    }

    /** The two downcalls to {@code syscall}: [FUTEX_WAIT with errno capture, FUTEX_WAKE]. */
    @SuppressWarnings("restricted") // the point of this class; the launcher enables native access
    private static MethodHandle[] link() {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsupportedOperationException("libc has no syscall symbol"));
        // long syscall(long number, ...): every variadic argument passed as a full register
        FunctionDescriptor waitFd = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
        FunctionDescriptor wakeFd = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG);
        return new MethodHandle[] {
            // not critical: FUTEX_WAIT blocks, and a critical call would hold off safepoints and GC
            linker.downcallHandle(syscall, waitFd,
                    Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno")),
            // FUTEX_WAKE never blocks: a critical call skips the thread-state transitions
            linker.downcallHandle(syscall, wakeFd, Linker.Option.firstVariadicArg(1), Linker.Option.critical(false)),
            // futex_waitv(waiters, count, flags, absolute timeout, clock): blocks, so not critical
            linker.downcallHandle(syscall,
                    FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG),
                    Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno")),
            // int clock_gettime(clockid_t, struct timespec *)
            linker.downcallHandle(linker.defaultLookup().find("clock_gettime")
                            .orElseThrow(() -> new UnsupportedOperationException("libc has no clock_gettime symbol")),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ADDRESS)),
        };
    }

    /** CLOCK_MONOTONIC - nanoTime, read once (HotSpot's nanoTime is CLOCK_MONOTONIC on Linux; checked, not assumed). */
    private static long monotonicOffset(MethodHandle clockGettime) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(TIMESPEC_BYTES, Long.BYTES);
            long before = System.nanoTime();
            int r;
            try {
                r = (int) clockGettime.invokeExact(CLOCK_MONOTONIC, ts);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            long after = System.nanoTime();
            if (r != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed");
            }
            long mono = ts.get(JAVA_LONG, 0) * NANOS_PER_SECOND + ts.get(JAVA_LONG, 8);
            return mono - (before + (after - before) / 2);
        }
    }

    private static final ThreadLocal<MemorySegment> WAITV_SCRATCH = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(TIMESPEC_BYTES + CAPTURE.byteSize() + WAITV_MAX * WAITV_ENTRY.byteSize(),
                    Long.BYTES));

    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(TIMESPEC_BYTES + CAPTURE.byteSize(), Long.BYTES));

    private Futex() {
    }

    /**
     * True when futex wait/wake works here: Linux on x86_64 or aarch64, the downcall linked.
     *
     * @return whether {@link #wait} and {@link #wake} can be called
     */
    public static boolean isAvailable() {
        return available;
    }

    /**
     * Why futexes are unavailable, or {@code "futex available"}.
     *
     * @return a one-line reason, for diagnostics
     */
    public static String describe() {
        return available ? "futex available (syscall " + SYS_FUTEX + ")"
                : "futex unavailable: " + (UNAVAILABLE_REASON != null ? UNAVAILABLE_REASON : "the kernel refused the call");
    }

    /**
     * Sleeps while {@code word} holds {@code expected}, for at most {@code timeoutNanos}
     * ({@code FUTEX_WAIT}). The kernel compares and sleeps atomically with respect to
     * {@link #wake}: a waker that changes the word and then wakes is never missed.
     *
     * <p>Not interruptible by {@link Thread#interrupt()}: keep timeouts short and re-check.
     *
     * @param expected the value to sleep on; a word holding another value returns
     *     {@link #VALUE_CHANGED} at once
     * @param word         a 4-byte, 4-aligned native segment (shared memory for cross-process use)
     * @param timeoutNanos at most this long; 0 or less returns {@link #TIMED_OUT} at once
     * @return {@link #WOKEN}, {@link #VALUE_CHANGED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     * @throws UnsupportedOperationException when {@link #isAvailable()} is false
     * @throws IllegalArgumentException      for a word that is not 4 bytes, native and 4-aligned
     * @throws IllegalStateException         for any other kernel error, naming the errno
     *                                       (EFAULT: the word's page is gone, e.g. a truncated file)
     */
    public static int wait(MemorySegment word, int expected, long timeoutNanos) {
        checkWord(word);
        if (timeoutNanos <= 0) {
            return TIMED_OUT;
        }
        ensureAvailable();
        MemorySegment scratch = SCRATCH.get();
        MemorySegment timespec = scratch.asSlice(0, TIMESPEC_BYTES);
        MemorySegment capture = scratch.asSlice(TIMESPEC_BYTES, CAPTURE.byteSize());
        timespec.set(JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
        timespec.set(JAVA_LONG, 8, timeoutNanos % NANOS_PER_SECOND);
        long r;
        try {
            r = (long) WAIT.invokeExact(capture, SYS_FUTEX, word, (long) FUTEX_WAIT, (long) expected, timespec);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r == 0) {
            return WOKEN;
        }
        int errno = (int) ERRNO.get(capture, 0L);
        return switch (errno) {
            case EAGAIN -> VALUE_CHANGED;
            case ETIMEDOUT -> TIMED_OUT;
            case EINTR -> INTERRUPTED;
            default -> {
                if (errno == 38 || errno == 1) { // ENOSYS, EPERM: no futexes for us (seccomp, emulation)
                    available = false;
                }
                throw new IllegalStateException("futex wait failed: errno=" + errno + " word=" + word);
            }
        };
    }

    /**
     * True when {@link #waitv} can be used: futexes work and the kernel has not refused futex_waitv.
     *
     * @return whether {@link #waitv} can be called
     */
    public static boolean isWaitvAvailable() {
        return available && waitvAvailable;
    }

    /**
     * Sleeps while every {@code words[i]} holds {@code expected[i]}, for at most {@code timeoutNanos}:
     * one {@code futex_waitv} system call (Linux 5.16+) over up to {@value #WAITV_MAX} words, woken by
     * a {@link #wake} on any of them (from any process sharing the word's file).
     *
     * <p>The words' addresses are handed to the kernel as numbers: a word whose mapping goes away
     * during the sleep is simply never woken through (the sleep ends at its timeout); one already
     * gone when the call starts makes it return {@link #VALUE_CHANGED} so that the caller re-checks.
     *
     * @param words 4-byte, 4-aligned native segments, as for {@link #wait}
     * @param expected the value to sleep on for each word, by index
     * @param count how many entries of {@code words} and {@code expected} to use: 1 ..
     *     {@value #WAITV_MAX}
     * @param timeoutNanos at most this long; 0 or less returns {@link #TIMED_OUT} at once
     * @return {@link #WOKEN}, {@link #VALUE_CHANGED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     * @throws UnsupportedOperationException when {@link #isWaitvAvailable()} is false (now or after
     *                                       the kernel refused the call: ENOSYS, EPERM)
     * @throws IllegalArgumentException      for a count outside 1 .. 128 or a bad word
     * @throws IllegalStateException         for any other kernel error, naming the errno
     */
    public static int waitv(MemorySegment[] words, int[] expected, int count, long timeoutNanos) {
        if (count < 1 || count > WAITV_MAX) {
            throw new IllegalArgumentException("count=" + count + " is not in 1 .. " + WAITV_MAX);
        }
        for (int i = 0; i < count; i++) {
            checkWord(words[i]);
        }
        if (timeoutNanos <= 0) {
            return TIMED_OUT;
        }
        if (!isWaitvAvailable()) {
            throw new UnsupportedOperationException(describe() + (available ? "; futex_waitv refused by the kernel" : ""));
        }
        // 8-aligned parts first: the entries, the timespec, then the 4-byte errno capture
        MemorySegment scratch = WAITV_SCRATCH.get();
        long entries = WAITV_MAX * WAITV_ENTRY.byteSize();
        MemorySegment waiters = scratch.asSlice(0, count * WAITV_ENTRY.byteSize());
        MemorySegment timespec = scratch.asSlice(entries, TIMESPEC_BYTES);
        MemorySegment capture = scratch.asSlice(entries + TIMESPEC_BYTES, CAPTURE.byteSize());
        for (int i = 0; i < count; i++) {
            long at = i * WAITV_ENTRY.byteSize();
            waiters.set(JAVA_LONG, at + WAITV_VAL, expected[i] & 0xFFFF_FFFFL);
            waiters.set(JAVA_LONG, at + WAITV_UADDR, words[i].address());
            waiters.set(ValueLayout.JAVA_INT, at + WAITV_FLAGS, FUTEX_32);
            waiters.set(ValueLayout.JAVA_INT, at + WAITV_FLAGS + Integer.BYTES, 0);
        }
        long deadline = System.nanoTime() + MONOTONIC_OFFSET + timeoutNanos;
        timespec.set(JAVA_LONG, 0, deadline / NANOS_PER_SECOND);
        timespec.set(JAVA_LONG, 8, deadline % NANOS_PER_SECOND);
        long r;
        try {
            r = (long) WAITV.invokeExact(capture, SYS_FUTEX_WAITV, waiters, (long) count, 0L, timespec,
                    (long) CLOCK_MONOTONIC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r >= 0) {
            return WOKEN;
        }
        int errno = (int) ERRNO.get(capture, 0L);
        return switch (errno) {
            case EAGAIN, EFAULT -> VALUE_CHANGED;
            case ETIMEDOUT -> TIMED_OUT;
            case EINTR -> INTERRUPTED;
            default -> {
                if (errno == ENOSYS || errno == 1) { // an older kernel, or seccomp: fall back for good
                    waitvAvailable = false;
                    throw new UnsupportedOperationException("futex_waitv refused: errno=" + errno);
                }
                throw new IllegalStateException("futex_waitv failed: errno=" + errno);
            }
        };
    }

    /**
     * Wakes up to {@code count} threads (of any process) sleeping in {@link #wait} on {@code word}
     * ({@code FUTEX_WAKE}). Change the word before waking, or a sleeper about to wait may miss it.
     *
     * @param word a 4-byte, 4-aligned native segment, the one the sleepers wait on
     * @param count the most threads to wake; positive
     * @return how many were woken, or -1 when the kernel refused (the word's page is gone)
     * @throws UnsupportedOperationException when {@link #isAvailable()} is false
     * @throws IllegalArgumentException for a count that is not positive, or a bad word
     */
    public static int wake(MemorySegment word, int count) {
        checkWord(word);
        if (count < 1) {
            throw new IllegalArgumentException("count=" + count + " is not positive");
        }
        ensureAvailable();
        try {
            return (int) (long) WAKE.invokeExact(SYS_FUTEX, word, (long) FUTEX_WAKE, (long) count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void ensureAvailable() {
        if (!available) {
            throw new UnsupportedOperationException(describe());
        }
    }

    private static void checkWord(MemorySegment word) {
        Objects.requireNonNull(word, "word");
        if (word.byteSize() != Integer.BYTES || !word.isNative() || word.address() % Integer.BYTES != 0) {
            throw new IllegalArgumentException("word=" + word + " is not a 4-byte, 4-aligned native segment");
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("futex downcall failed", t);
    }
}
