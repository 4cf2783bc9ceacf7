package org.ringipc.mmap;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.ringipc.core.MessageSink;
import org.ringipc.core.RecordLayout;
import org.ringipc.core.RingLayout;

/**
 * A Java producer killed mid-record, for the takeover interop test (run in a child JVM):
 * {@code JavaCrashWriter FILE COUNT} opens the message ring's producer end, publishes COUNT messages
 * "m0", "m1", ..., then leaves the state a producer killed between its release of {@code head} and its
 * record's header word leaves (the library's window is a few instructions wide, so it is written by
 * hand here, through the file's header): a payload above head, {@code publishing} at the record's
 * start and {@code head} past it, the word 0. It prints "stopped" and waits to be killed.
 */
final class JavaCrashWriter {

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    static final int LENGTH = 4;

    public static void main(String[] args) throws Exception {
        JavaMessageRingFile ring = JavaMessageRingFile.open(Path.of(args[0]));
        MessageSink sink = ring.ring.sink();
        for (int i = 0; i < Integer.parseInt(args[1]); i++) {
            sink.write(MemorySegment.ofArray(("m" + i).getBytes(StandardCharsets.US_ASCII)));
        }
        MemorySegment header = ring.memory.asSlice(0, RingLayout.HEADER_BYTES);
        MemorySegment data = ring.memory.asSlice(RingLayout.HEADER_BYTES);
        long headOffset = RingLayout.offset("producer", "head");
        long head = (long) LONG.getVolatile(header, headOffset);
        int index = (int) (head & (data.byteSize() - 1));
        data.asSlice(index + RecordLayout.HEADER_BYTES, LENGTH).fill((byte) 'x');
        // plain, then release: the order RecordProducer.publish stores them in
        LONG.set(header, RingLayout.offset("producer", "publishing"), head);
        LONG.setRelease(header, headOffset, head + RecordLayout.recordBytes(LENGTH));
        System.out.println("stopped");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
