package org.ringipc.core;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A store-load fence split in two unequal halves, for a Dekker pair between threads of this process
 * where one side runs on every call and the other rarely: {@link RingEnd#enter()} (each call stores
 * the running thread, then reads {@code closed}) against {@link RingEnd#close()} (stores
 * {@code closed}, then reads the running thread).
 *
 * <p>Ordering argument. A Dekker pair needs a StoreLoad fence on both sides: otherwise both stores
 * may sit in store buffers while both loads read the old values, and the closer frees the end
 * under a running call. With Linux {@code membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)} the rare
 * side ({@link #heavy()}) makes every running thread of this process execute a full memory barrier
 * before the syscall returns, and the frequent side ({@link #light()}) needs only to keep the
 * compiler from moving its load above its store. For a thread between its store and its load when
 * the closer calls {@link #heavy()}: either the thread's barrier (forced by the syscall) comes after
 * its store, so the store is visible to the closer's later load, or it comes before the store, so
 * the thread's later load runs after the barrier, after the closer's store became visible (the
 * syscall orders the caller's earlier store before the barriers it forces), and sees it. A thread
 * that is not running has passed a full barrier at its last context switch. Either way one of the
 * two loads sees the other's store, as with two full fences.
 *
 * <p>Where membarrier is not available (not Linux, an unknown architecture, native access not
 * enabled for this module, a kernel or seccomp filter that refuses it) or
 * {@code -Dorg.ringipc.symmetricFence=true} asks for it, both halves are
 * {@link VarHandle#fullFence()}: correct, and the cost the split avoids. On this project's machine
 * (vCPUs far apart) a full fence per call waits for the stores still queued to lines the consumer
 * on the other core holds, about half the cost of a 32-byte message; see README, message rate.
 */
final class AsymmetricFence {

    private static final int MEMBARRIER_CMD_QUERY = 0;
    private static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
    private static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;

    /** The downcall to {@code syscall(SYS_membarrier, cmd, flags)}, or null when symmetric. */
    private static final MethodHandle MEMBARRIER;
    private static final long SYS_MEMBARRIER;
    /** Why the fence is symmetric, or null when it is not. */
    private static final String SYMMETRIC_REASON;

    static {
        long nr = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> 324;
            case "aarch64", "arm64" -> 283;
            default -> -1;
        };
        MethodHandle handle = null;
        String reason = null;
        if (Boolean.getBoolean("org.ringipc.symmetricFence")) {
            reason = "-Dorg.ringipc.symmetricFence=true";
        } else if (!System.getProperty("os.name", "").startsWith("Linux")) {
            reason = "not Linux";
        } else if (nr < 0) {
            reason = "os.arch=" + System.getProperty("os.arch") + " has no known membarrier syscall number";
        } else if (!AsymmetricFence.class.getModule().isNativeAccessEnabled()) {
            reason = "native access is not enabled for " + describe(AsymmetricFence.class.getModule());
        } else {
            try {
                handle = link();
                reason = register(handle, nr);
            } catch (RuntimeException | LinkageError e) {
                reason = "membarrier could not be linked: " + e;
            }
            if (reason != null) {
                handle = null;
            }
        }
        SYS_MEMBARRIER = nr;
        MEMBARRIER = handle;
        SYMMETRIC_REASON = reason;
    }

    private AsymmetricFence() {
    }

    @SuppressWarnings("restricted") // only reached when this module has native access
    private static MethodHandle link() {
        Linker linker = Linker.nativeLinker();
        MemorySegment syscall = linker.defaultLookup().find("syscall")
                .orElseThrow(() -> new UnsupportedOperationException("libc has no syscall symbol"));
        // long syscall(long number, ...): the variadic int arguments are passed as full registers;
        // not critical: the expedited command waits for the other CPUs' barriers (IPIs)
        return linker.downcallHandle(syscall, FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(1));
    }

    /** Queries and registers the expedited command; the reason it cannot be used, or null. */
    private static String register(MethodHandle membarrier, long nr) {
        long supported = call(membarrier, nr, MEMBARRIER_CMD_QUERY);
        if (supported < 0 || (supported & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) {
            return "the kernel does not offer MEMBARRIER_CMD_PRIVATE_EXPEDITED (query returned " + supported + ")";
        }
        long registered = call(membarrier, nr, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
        if (registered != 0) {
            return "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED returned " + registered;
        }
        long tried = call(membarrier, nr, MEMBARRIER_CMD_PRIVATE_EXPEDITED);
        return tried == 0 ? null : "MEMBARRIER_CMD_PRIVATE_EXPEDITED returned " + tried;
    }

    private static long call(MethodHandle membarrier, long nr, int cmd) {
        try {
            return (long) membarrier.invokeExact(nr, cmd, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static String describe(Module module) {
        return module.isNamed() ? module.getName() : "the unnamed module (--enable-native-access=ALL-UNNAMED)";
    }

    /** The frequent half: the store before it is ordered before the load after it. */
    static void light() {
        if (MEMBARRIER != null) {
            // a compiler barrier only (C2 moves no memory access across a MemBar; on x86 no
            // instruction): heavy() supplies the hardware StoreLoad ordering for this thread
            VarHandle.acquireFence();
        } else {
            VarHandle.fullFence();
        }
    }

    /** The rare half: a full fence here and, before it returns, in every running thread of the process. */
    static void heavy() {
        if (MEMBARRIER == null) {
            VarHandle.fullFence();
            return;
        }
        long r = call(MEMBARRIER, SYS_MEMBARRIER, MEMBARRIER_CMD_PRIVATE_EXPEDITED);
        if (r != 0) {
            // registered and tried at start: the kernel does not take it back, so this is a bug
            throw new IllegalStateException("membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) returned " + r);
        }
    }

    /** Whether the halves are unequal (membarrier in use). */
    static boolean isAsymmetric() {
        return MEMBARRIER != null;
    }

    /** For diagnostics: which fence this JVM uses, and why. */
    static String description() {
        return MEMBARRIER != null
                ? "asymmetric (membarrier PRIVATE_EXPEDITED)"
                : "symmetric (full fences): " + SYMMETRIC_REASON;
    }
}
