package org.ringipc.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
import org.ringipc.core.LockedRing;
import org.ringipc.core.Ring;
import org.ringipc.core.RingOptions;
import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;
import org.ringipc.core.WaitStrategy;

/**
 * Bytes per second through the lock-free {@code Ring} and the mutex {@code LockedRing}, one producer
 * and one consumer thread, by chunk size and capacity. Both sides use the never-blocking calls, so
 * an iteration can end with either side stopped first; the {@code bytesTaken} counter is the rate,
 * {@code failedOffers}/{@code failedPolls} say how often a side found the ring full or empty.
 *
 * <p>How to run: {@code ./ring jmh ByteRingBenchmark} (or {@code java -jar
 * ring-bench/target/ring-bench.jar ByteRingBenchmark -p chunkBytes=65536}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class ByteRingBenchmark {

    /** The two ends of one ring and the buffers on either side. */
    @State(Scope.Group)
    public static class Ends {
        /** Bytes per write: the comparison's chunk sizes (a 1 MiB write into a 1 MiB ring goes in part by part). */
        @Param({"4096", "65536", "1048576"})
        public int chunkBytes;

        /** Ring capacity in bytes. */
        @Param({"1048576"})
        public int capacity;

        /** Which ring: the lock-free {@code ring} or the mutex {@code locked-ring}. */
        @Param({"ring", "locked-ring"})
        public String ring;

        RingSink sink;
        RingSource source;
        AutoCloseable owner;
        Arena arena;
        MemorySegment src;
        ByteBuffer dst;

        /** Makes the ring named by {@code ring}. */
        @Setup(Level.Trial)
        public void open() {
            switch (ring) {
                case "ring" -> {
                    Ring r = Ring.allocate(capacity, RingOptions.defaults().withWaitStrategy(WaitStrategy.SPIN));
                    sink = r.sink();
                    source = r.source();
                    owner = r;
                }
                case "locked-ring" -> {
                    LockedRing r = LockedRing.allocate(capacity);
                    sink = r.sink();
                    source = r.source();
                    owner = r;
                }
                default -> throw new IllegalArgumentException("ring=" + ring + " is not ring or locked-ring");
            }
            arena = Arena.ofShared();
            src = arena.allocate(chunkBytes, 64).fill((byte) 7);
            dst = ByteBuffer.allocateDirect(chunkBytes);
        }

        /** Closes both ends and frees the memory. */
        @TearDown(Level.Trial)
        public void close() throws Exception {
            sink.close();
            source.close();
            owner.close();
            arena.close();
        }
    }

    /** Producer: one non-blocking write of a chunk (it may go in partly). */
    @Benchmark
    @Group("bytes")
    @GroupThreads(1)
    public long write(Ends ends, JmhCounters.Producer counters) throws IOException {
        long n = ends.sink.tryWrite(ends.src);
        if (n == 0) {
            counters.failedOffers++;
        }
        counters.bytesOffered += n;
        return n;
    }

    /** Consumer: one non-blocking read of up to a chunk. */
    @Benchmark
    @Group("bytes")
    @GroupThreads(1)
    public int read(Ends ends, JmhCounters.Consumer counters) throws IOException {
        int n = ends.source.tryRead(ends.dst.clear());
        if (n <= 0) {
            counters.failedPolls++;
        } else {
            counters.bytesTaken += n;
        }
        return n;
    }
}
