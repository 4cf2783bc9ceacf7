package org.ringipc.mmap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

import org.ringipc.core.RingSink;
import org.ringipc.core.RingSource;

/**
 * The other process of the cross-process tests (started by {@link ChildJvm}). Prints one line per
 * event on stdout: {@code ready}, {@code crc VALUE BYTES}.
 *
 * <pre>
 *   write FILE TOTAL MAXCHUNK SEED   writes TOTAL random bytes in chunks of 1..MAXCHUNK, closes, prints crc
 *   read FILE                        reads until EOF, prints crc
 *   hold-sink FILE BYTES             claims the sink, writes BYTES, prints ready, then sleeps until killed
 *   hold-source FILE                 claims the source, prints ready, then sleeps until killed
 *   echo FILE_IN FILE_OUT            copies FILE_IN's ring to FILE_OUT's ring a read at a time until EOF
 * </pre>
 */
public final class Peer {

    private Peer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "write" -> write(Path.of(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
            case "read" -> read(Path.of(args[1]));
            case "hold-sink" -> holdSink(Path.of(args[1]), Integer.parseInt(args[2]));
            case "hold-source" -> holdSource(Path.of(args[1]));
            case "echo" -> echo(Path.of(args[1]), Path.of(args[2]));
            default -> throw new IllegalArgumentException("mode=" + args[0]);
        }
    }

    /** Writes {@code total} bytes of a random 1 MiB block in random-sized chunks; prints their CRC. */
    static void write(Path file, long total, int maxChunk, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        random.nextBytes(block);
        CRC32C crc = new CRC32C();
        try (SharedRing ring = SharedRing.open(file); RingSink sink = ring.sink()) {
            long done = 0;
            int at = 0;
            while (done < total) {
                int n = (int) Math.min(Math.min(1 + random.nextInt(maxChunk), total - done), block.length - at);
                ByteBuffer chunk = ByteBuffer.wrap(block, at, n);
                crc.update(chunk.duplicate());
                sink.write(chunk);
                done += n;
                at = (at + n) % block.length;
            }
        }
        System.out.println("crc " + crc.getValue() + " " + total);
    }

    static void read(Path file) throws IOException {
        try (SharedRing ring = SharedRing.open(file); RingSource source = ring.source()) {
            long[] result = readAll(source);
            System.out.println("crc " + result[0] + " " + result[1]);
        }
    }

    /** Reads until EOF: {CRC32C, bytes}. */
    static long[] readAll(RingSource source) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        long bytes = 0;
        int n;
        while ((n = source.read(buf)) >= 0) {
            buf.flip();
            crc.update(buf);
            buf.clear();
            bytes += n;
        }
        return new long[] {crc.getValue(), bytes};
    }

    static void holdSink(Path file, int bytes) throws Exception {
        SharedRing ring = SharedRing.open(file);
        RingSink sink = ring.sink();
        sink.write(ByteBuffer.allocate(bytes));
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }

    static void holdSource(Path file) throws Exception {
        SharedRing ring = SharedRing.open(file);
        ring.source();
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }

    static void echo(Path in, Path out) throws IOException {
        try (SharedRing a = SharedRing.open(in); SharedRing b = SharedRing.open(out);
             RingSource source = a.source(); RingSink sink = b.sink()) {
            System.out.println("ready");
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            while (source.read(buf) >= 0) {
                buf.flip();
                sink.write(buf);
                buf.clear();
            }
        }
    }
}
