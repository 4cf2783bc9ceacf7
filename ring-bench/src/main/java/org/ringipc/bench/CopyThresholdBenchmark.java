package org.ringipc.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where ring-core's native copy starts to pay, one thread: {@code MemorySegment.copy} against the
 * C library's {@code memcpy} through a critical FFM downcall made as ring-core's {@code NativeCopy}
 * makes it (heap access allowed, both segments sliced per call), into a 1 MiB native region like a
 * ring's data (the destination offset walks through it), from a native or a heap source. The
 * smallest size where the downcall is not slower is {@code NativeCopy.THRESHOLD}. This measures the
 * fixed cost of the downcall only; the gain native copy is for (stores that do not wait for a
 * read-for-ownership from a far core) shows only between processes.
 *
 * <p>How to run: {@code ./ring jmh CopyThresholdBenchmark -f 1 -wi 3 -i 3 -w 1 -r 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@State(Scope.Thread)
public class CopyThresholdBenchmark {

    private static final int REGION = 1 << 20;

    /** {@code memcpy(dst, src, n)}, critical with heap access, its result ignored: as in ring-core. */
    private static final MethodHandle MEMCPY = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("memcpy").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.critical(true));

    /** Bytes per copy. */
    @Param({"256", "512", "1024", "2048", "4096", "8192", "16384", "65536"})
    public int bytes;

    /** Where the source lives: {@code native} (a MemorySegment) or {@code heap} (a byte[]). */
    @Param({"native", "heap"})
    public String source;

    private Arena arena;
    private MemorySegment region;
    private MemorySegment src;
    private long at;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        region = arena.allocate(REGION, 4096);
        region.fill((byte) 1);
        src = "heap".equals(source) ? MemorySegment.ofArray(new byte[bytes]) : arena.allocate(bytes, 64);
        src.fill((byte) 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    private long next() {
        long offset = at;
        at = (at + bytes) & (REGION - 1);
        return offset;
    }

    /** The Java copy ring-core uses below the threshold (and always without native copy). */
    @Benchmark
    public MemorySegment segmentCopy() {
        MemorySegment.copy(src, 0, region, next(), bytes);
        return region;
    }

    /** The native copy, as ring-core's {@code NativeCopy.copy} does one piece. */
    @Benchmark
    public MemorySegment memcpy() throws Throwable {
        MEMCPY.invokeExact(region.asSlice(next(), bytes), src.asSlice(0, bytes), (long) bytes);
        return region;
    }
}
