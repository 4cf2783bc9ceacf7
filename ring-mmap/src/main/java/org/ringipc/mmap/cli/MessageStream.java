package org.ringipc.mmap.cli;

import org.ringipc.mmap.SharedMessageRing;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageSink;
import org.ringipc.core.MessageSource;

/**
 * {@code ring write} and {@code ring read} on a message ring: the shell's byte stream cut into
 * messages and joined again. {@link Framing#LINES} (the default): one message per line, the
 * delimiter (default {@code \n}) not part of the message, a last line without one still a message.
 * {@link Framing#U32}: each message is a 4-byte little-endian length, then that many bytes.
 */
final class MessageStream {

    /** How messages are framed on stdin/stdout. */
    enum Framing {
        /** One message per line: LINES ({@code lines}) in picocli's completion list. */
        LINES,
        /** A 4-byte little-endian length, then the bytes: {@code u32}. */
        U32
    }

    /** {@code --framing} and {@code --delimiter}, shared by {@code ring write} and {@code ring read}. */
    static final class Options {
        @picocli.CommandLine.Option(names = "--framing", paramLabel = "FRAMING", defaultValue = "LINES",
                description = "On a message ring: LINES (one message per line, the default) or U32"
                        + " (a 4-byte little-endian length, then the message). 'ring read' of several files"
                        + " (or --tag) frames every record so, a byte ring's lines too.")
        Framing framing;

        @picocli.CommandLine.Option(names = "--delimiter", paramLabel = "BYTE", defaultValue = "\\n",
                converter = Delimiter.class,
                description = "On a message ring with LINES framing: the byte that ends a message"
                        + " (default \\n; also \\0, \\t or 0xNN). 'ring read' of several files (or --tag)"
                        + " also cuts byte rings into records at it.")
        byte delimiter;
    }

    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private MessageStream() {
    }

    /** Cuts {@code in} into messages and writes each into the ring's sink, which it closes at end of input. */
    static void write(Path file, InputStream input, Framing framing, byte delimiter) throws IOException {
        try (SharedMessageRing ring = SharedMessageRing.open(file); MessageSink sink = ring.sink()) {
            int max = ring.maxMessageLength();
            // claim the largest message, read into the ring in place, commit what the message holds
            InputStream in = new BufferedInputStream(input, 64 * 1024);
            while (true) {
                MemorySegment slot = sink.claim(max);
                int length = framing == Framing.LINES ? readLine(in, slot, delimiter) : readFramed(in, slot);
                if (length < 0) {
                    sink.abort();
                    return;
                }
                sink.commit(length);
            }
        }
    }

    /** One line into {@code slot}: its length, or -1 at end of input with nothing read. */
    private static int readLine(InputStream in, MemorySegment slot, byte delimiter) throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0 && b != (delimiter & 0xFF)) {
            if (n == slot.byteSize()) {
                throw new IOException("a line longer than the largest message (maxMessageLength="
                        + slot.byteSize() + "); use a larger ring (ring create --messages --capacity)");
            }
            slot.set(ValueLayout.JAVA_BYTE, n++, (byte) b);
        }
        return b < 0 && n == 0 ? -1 : n;
    }

    /** One length-prefixed message into {@code slot}: its length, or -1 at end of input between messages. */
    private static int readFramed(InputStream in, MemorySegment slot) throws IOException {
        byte[] prefix = in.readNBytes(Integer.BYTES);
        if (prefix.length == 0) {
            return -1;
        }
        if (prefix.length < Integer.BYTES) {
            throw new EOFException("input ended inside a 4-byte length prefix");
        }
        long length = MemorySegment.ofArray(prefix).get(U32_LE, 0) & 0xFFFF_FFFFL;
        if (length > slot.byteSize()) {
            throw new IOException("length=" + length + " is longer than the largest message (maxMessageLength="
                    + slot.byteSize() + ")");
        }
        for (int i = 0; i < length; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("input ended inside a message of length=" + length + " after " + i + " bytes");
            }
            slot.set(ValueLayout.JAVA_BYTE, i, (byte) b);
        }
        return (int) length;
    }

    /** Writes every message to {@code output}, framed, until EOF. */
    static void read(Path file, OutputStream output, Framing framing, byte delimiter) throws IOException {
        try (SharedMessageRing ring = SharedMessageRing.open(file); MessageSource source = ring.source()) {
            RecordOut out = new RecordOut(new BufferedOutputStream(output, 64 * 1024), framing, delimiter);
            byte[] noTag = new byte[0];
            MessageHandler emit = msg -> out.emit(noTag, msg);
            try {
                while (true) {
                    int n = source.poll(emit, 1024);
                    if (n < 0) {
                        break;
                    }
                    if (n == 0) {
                        out.flush();  // idle: hand what we have to the next program before we wait
                        if (source.take(emit) < 0) {
                            break;
                        }
                    }
                }
                out.flush();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    /** {@code --delimiter}: one byte, written as itself or as {@code \n}, {@code \t}, {@code \0} or {@code 0xNN}. */
    static final class Delimiter implements picocli.CommandLine.ITypeConverter<Byte> {
        @Override
        public Byte convert(String value) {
            switch (value) {
                case "\\n":
                    return (byte) '\n';
                case "\\t":
                    return (byte) '\t';
                case "\\0":
                    return (byte) 0;
                default:
                    break;
            }
            if (value.matches("0[xX][0-9a-fA-F]{1,2}")) {
                return (byte) Integer.parseInt(value.substring(2), 16);
            }
            byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (bytes.length != 1) {
                throw new picocli.CommandLine.TypeConversionException("--delimiter=" + value
                        + " is not one byte (a single ASCII character, \\n, \\t, \\0 or 0xNN)");
            }
            return bytes[0];
        }
    }
}
