package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/** Makes named pipes with libc's {@code mkfifo(3)}; the JDK has no call for it. */
final class Fifo {

    @SuppressWarnings("restricted")
    private static final MethodHandle MKFIFO = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("mkfifo").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final java.lang.foreign.StructLayout CALL_STATE = Linker.Option.captureStateLayout();

    private Fifo() {
    }

    /** Creates a named pipe at {@code path}, readable and writable by this user only. */
    static void make(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MKFIFO.invokeExact(state, arena.allocateFrom(path.toString()), 0600);
            if (rc != 0) {
                int errno = state.get(ValueLayout.JAVA_INT,
                        CALL_STATE.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
                throw new IOException("mkfifo " + path + " failed: errno=" + errno);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("mkfifo " + path + " failed", t);
        }
    }
}
