package org.ringipc.mmap;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;

/**
 * The other process of the message-ring tests (started by {@link ChildJvm}). Message {@code seq}
 * is {@link #message}: an 8-byte sequence number then {@code seq % 1000} bytes derived from it, so a
 * reader checks every boundary and every byte. Prints one line per event on stdout.
 *
 * <pre>
 *   write FILE COUNT       writes messages 0 .. COUNT-1 (each gathered from two buffers), closes, prints "sent COUNT"
 *   read FILE              reads until EOF, checking each message; prints "ok COUNT" or "bad SEQ why"
 *   hold-sink FILE COUNT   claims the sink, writes COUNT messages, prints ready, sleeps until killed
 *   hold-source FILE       claims the source, prints ready, sleeps until killed
 * </pre>
 */
public final class MessagePeer {

    private MessagePeer() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[1]);
        switch (args[0]) {
            case "write" -> {
                int count = Integer.parseInt(args[2]);
                try (SharedMessageRing ring = SharedMessageRing.open(file); MessageSink sink = ring.sink()) {
                    writeAll(sink, 0, count);
                }
                System.out.println("sent " + count);
            }
            case "read" -> {
                try (SharedMessageRing ring = SharedMessageRing.open(file); MessageSource source = ring.source()) {
                    System.out.println(readAll(source));
                }
            }
            case "hold-sink" -> {
                SharedMessageRing ring = SharedMessageRing.open(file);
                writeAll(ring.sink(), 0, Integer.parseInt(args[2]));
                System.out.println("ready");
                Thread.sleep(Long.MAX_VALUE);
            }
            case "hold-source" -> {
                SharedMessageRing.open(file).source();
                System.out.println("ready");
                Thread.sleep(Long.MAX_VALUE);
            }
            default -> throw new IllegalArgumentException("mode=" + args[0]);
        }
    }

    /** Message {@code seq}: its sequence number, then {@code seq % 1000} bytes {@code (seq + i) & 0xff}. */
    static byte[] body(long seq) {
        byte[] body = new byte[(int) (seq % 1000)];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (seq + i);
        }
        return body;
    }

    /** Writes messages {@code from .. from + count - 1}, each gathered from a header and a body buffer. */
    static void writeAll(MessageSink sink, long from, long count) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long seq = from; seq < from + count; seq++) {
            header.clear();
            header.putLong(0, seq);
            sink.write(header, ByteBuffer.wrap(body(seq)));
        }
    }

    /** Null when {@code msg} is message {@code seq}, else what is wrong. */
    static String check(MemorySegment msg, long seq) {
        byte[] body = body(seq);
        if (msg.byteSize() != Long.BYTES + body.length) {
            return "length=" + msg.byteSize() + ", expected " + (Long.BYTES + body.length);
        }
        long got = msg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (got != seq) {
            return "seq=" + got;
        }
        for (int i = 0; i < body.length; i++) {
            if (msg.get(ValueLayout.JAVA_BYTE, Long.BYTES + i) != body[i]) {
                return "byte " + i + " differs";
            }
        }
        return null;
    }

    /** Reads until EOF checking each message: {@code "ok COUNT"} or {@code "bad SEQ why"}. */
    static String readAll(MessageSource source) throws IOException {
        long[] seq = {0};
        String[] bad = {null};
        while (source.take(msg -> {
            String why = check(msg, seq[0]);
            if (why != null && bad[0] == null) {
                bad[0] = "bad " + seq[0] + " " + why;
            }
            seq[0]++;
        }) > 0) {
            // each take hands one message to the check above
        }
        return bad[0] != null ? bad[0] : "ok " + seq[0];
    }
}
