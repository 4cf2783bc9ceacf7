// The experiment behind the jctools lane's padded pool (README, "Quick mode, third pass"): the
// lane's pattern (byte[] chunks through an SpscArrayQueue and back through a second one), 12 runs of
// 150 ms, 32-byte chunks, producer pinned to CPU 0 and consumer to CPU 1, printing each run's
// messages/s and the queue's mean fill. "packed" allocates the chunks back to back (48-byte objects,
// the lane before); "spaced" allocates an 80-byte dummy after each (chunks 128 bytes apart).
//
//   J=/usr/lib/jvm/temurin-25-jdk-amd64/bin; CP=ring-bench/target/ring-bench.jar
//   $J/javac -cp $CP -d target/jx ring-bench/tools/JctoolsPoolLayout.java
//   $J/java --enable-native-access=ALL-UNNAMED -cp $CP:target/jx JctoolsPoolLayout packed   (or spaced)
//
// Run org.ringipc.bench.Placement 1 before it: the figures mean little unless the two CPUs are far apart.
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import org.jctools.queues.SpscArrayQueue;

public class JctoolsPoolLayout {
    static final MethodHandle SET = Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("sched_setaffinity").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    static void pin(int cpu) throws Throwable {
        try (Arena a = Arena.ofConfined()) { MemorySegment m = a.allocate(128); m.set(ValueLayout.JAVA_BYTE, 0, (byte) (1 << cpu)); int r = (int) SET.invokeExact(0, 128L, m); }
    }
    public static void main(String[] args) throws Throwable {
        pin(0);
        int chunk = 32, slots = (1 << 20) / chunk;
        boolean spaced = args.length > 0 && args[0].equals("spaced");
        Object[] keep = new Object[slots];
        for (int run = 0; run < 12; run++) {
            SpscArrayQueue<byte[]> full = new SpscArrayQueue<>(slots), free = new SpscArrayQueue<>(slots);
            for (int i = 0; i < slots; i++) { free.offer(new byte[chunk]); if (spaced) keep[i] = new byte[80]; }
            MemorySegment src = Arena.ofAuto().allocate(chunk).fill((byte) 1);
            MemorySegment dst = Arena.ofAuto().allocate(1 << 16);
            byte[] END = new byte[0];
            long[] took = new long[1];
            Thread c = Thread.ofPlatform().start(() -> {
                try { pin(1); } catch (Throwable t) {}
                long n = 0; long at = 0;
                while (true) {
                    byte[] b = full.poll();
                    if (b == null) { Thread.onSpinWait(); continue; }
                    if (b == END) break;
                    if (at + b.length > dst.byteSize()) at = 0;
                    MemorySegment.copy(b, 0, dst, ValueLayout.JAVA_BYTE, at, b.length); at += b.length; n++;
                    free.offer(b);
                }
                took[0] = n;
            });
            long sent = 0, fillSum = 0, fillN = 0;
            long t0 = System.nanoTime(), end = t0 + 150_000_000L;
            while (System.nanoTime() < end) {
                for (int k = 0; k < 128; k++) {
                    byte[] b; while ((b = free.poll()) == null) Thread.onSpinWait();
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, b, 0, chunk);
                    while (!full.offer(b)) Thread.onSpinWait();
                    sent++;
                }
                if ((sent & 4095) == 0) { fillSum += full.size(); fillN++; }
            }
            while (!full.offer(END)) Thread.onSpinWait();
            c.join();
            long ns = System.nanoTime() - t0;
            System.out.printf("%s run %2d: %6.1f M/s, mean fill %6.0f of %d%n", spaced ? "spaced" : "packed", run, sent * 1e3 / ns, (double) fillSum / Math.max(1, fillN), slots);
        }
    }
}
