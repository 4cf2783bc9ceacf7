package org.ringipc.core;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The C library's {@code memcpy} through an FFM downcall: the copy into a ring that
 * {@link RingOptions#withNativeCopy(boolean)} asks for.
 *
 * <p>Why: between processes on far-apart cores, {@code MemorySegment.copy} stores with ordinary
 * vector stores, and each one needs a read-for-ownership of a line that the consumer on the other
 * core has just read; glibc's {@code memcpy} copies large blocks with {@code rep movsb}, whose
 * stores do not wait for that. The cost is the one README states: native code that touches a page
 * of a mapped file that another process truncated kills the JVM with SIGBUS, where
 * {@code MemorySegment.copy} throws an {@code InternalError} the ring turns into an
 * {@code IOException}.
 *
 * <p>Available only when this module has native access ({@code --enable-native-access=org.ringipc.core},
 * or {@code =ALL-UNNAMED} on the class path) and the linker finds {@code memcpy}: the handle is
 * never linked otherwise, so a library that nobody granted native access prints no JVM warning.
 * Without it, {@link #AVAILABLE} is false and rings copy with {@code MemorySegment.copy}.
 *
 * <p>The downcall is {@linkplain Linker.Option#critical(boolean) critical} with heap access, so a
 * {@code byte[]}-backed source is copied in place; a critical call holds off the GC while it runs,
 * so one call copies at most {@link #CHUNK} bytes.
 */
final class NativeCopy {

    /**
     * Copies shorter than this go through {@code MemorySegment.copy}. Below about 2 KiB glibc's
     * {@code memcpy} stores with the same vector stores as the Java copy ({@code x86_rep_movsb_threshold}
     * is 2,112 bytes on this machine: {@code ld.so --list-tunables}), so a downcall cannot help
     * there; from 4 KiB it uses {@code rep movsb}. A single-thread run of {@code ring-bench}'s
     * {@code CopyThresholdBenchmark} found the critical downcall no slower than
     * {@code MemorySegment.copy} at 1 KiB and within the noise from 2 to 16 KiB: one thread cannot
     * show the gain, which is in the stores' traffic with a far core.
     */
    static final int THRESHOLD = 4096;

    /**
     * The most one critical downcall copies, so that it never holds off the GC for long (about
     * 20 µs); below glibc's {@code rep_movsb_stop_threshold} (1 MiB on this machine's x86-64:
     * {@code ld.so --list-diagnostics}), above which its {@code memcpy} leaves {@code rep movsb}
     * for vector stores again, the very stores native copy is meant to avoid.
     */
    static final int CHUNK = 1 << 19;

    /** {@code void *memcpy(void *dst, const void *src, size_t n)}, its result ignored; null when unavailable. */
    private static final MethodHandle MEMCPY = link();

    /** Whether {@link #copy} may be called: native access granted and {@code memcpy} found. */
    static final boolean AVAILABLE = MEMCPY != null;

    private NativeCopy() {
    }

    private static MethodHandle link() {
        // checked before anything restricted runs: downcallHandle without native access prints a warning
        if (!NativeCopy.class.getModule().isNativeAccessEnabled()) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MemorySegment> memcpy = linker.defaultLookup().find("memcpy");
            if (memcpy.isEmpty()) {
                return null;
            }
            return linker.downcallHandle(memcpy.get(),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                    Linker.Option.critical(true));
        } catch (RuntimeException | LinkageError e) {
            return null;   // no native linker on this platform, or it refuses the descriptor: copy in Java
        }
    }

    /**
     * Copies {@code n} bytes as {@code MemorySegment.copy(src, srcOffset, dst, dstOffset, n)} does,
     * bounds checks included (through {@code asSlice}), in calls of at most {@link #CHUNK} bytes.
     * The segments' arenas stay alive for each call; ranges must not overlap (memcpy). Only when {@link #AVAILABLE}, and only into a writable {@code dst}: unlike
     * {@code MemorySegment.copy}, nothing here refuses a read-only one.
     */
    static void copy(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long n) {
        for (long done = 0; done < n; ) {
            long part = Math.min(CHUNK, n - done);
            MemorySegment to = dst.asSlice(dstOffset + done, part);
            MemorySegment from = src.asSlice(srcOffset + done, part);
            try {
                MEMCPY.invokeExact(to, from, part);
            } catch (RuntimeException | Error e) {
                throw e;   // a closed arena's IllegalStateException, as MemorySegment.copy throws it
            } catch (Throwable e) {
                throw new AssertionError("memcpy downcall threw a checked exception", e);
            }
            done += part;
        }
    }
}
