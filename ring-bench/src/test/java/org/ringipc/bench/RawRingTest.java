package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every copy routine of the raw ring moves the bytes it is given, across the wrap, unchanged. */
class RawRingTest {

    @ParameterizedTest
    @EnumSource(RawRing.Copy.class)
    void bytesComeOutAsTheyWentInAcrossTheWrap(RawRing.Copy copy, @TempDir Path dir) throws Exception {
        RawRing.Tuning tuning = new RawRing.Tuning(copy, 0, true, 0, false);
        try (Arena arena = Arena.ofConfined()) {
            RawRing producer = RawRing.create(dir.resolve("ring"), 4096, arena, tuning);
            RawRing consumer = RawRing.open(dir.resolve("ring"), arena, tuning);
            MemorySegment src = arena.allocate(3000);
            MemorySegment dst = arena.allocate(3000);
            for (int pass = 0; pass < 3; pass++) {   // 9,000 bytes through 4,096: the second and third wrap
                for (int i = 0; i < 3000; i++) {
                    src.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + pass));
                }
                producer.write(src, 0, 3000);
                long got = 0;
                while (got < 3000) {
                    got += consumer.read(dst, got, 3000 - got);
                }
                assertEquals(-1L, src.mismatch(dst), copy + " pass " + pass);
            }
        }
    }
}
