package org.ringipc.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ringipc.mmap.CliTest.ring;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ring create --messages}, and {@code ring write}/{@code ring read}/{@code ring stat} on a
 * message ring, each command in its own child JVM as in {@link CliTest}.
 */
class MessageCliTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void linesWrittenToAMessageRingAreReadBackOneMessagePerLineAndStatSaysMessages() throws Exception {
        Path ring = dir.resolve("lines");
        ring(dir, "create", ring.toString(), "--messages", "--capacity", "4k").assertOk();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append(i % 7 == 0 ? "" : " with some words").append('\n');
        }
        text.append("\n");                      // an empty message
        text.append("last line without newline");
        Path input = Files.writeString(dir.resolve("in.txt"), text);
        Path output = dir.resolve("out.txt");

        CliTest.Cli reader = CliTest.Cli.start(dir, null, output, "read", ring.toString());
        CliTest.Cli writer = CliTest.Cli.start(dir, input, null, "write", ring.toString());
        writer.finish().assertOk();
        reader.finish().assertOk();

        assertEquals(text + "\n", Files.readString(output));
        Map<String, Object> stat = CliTest.Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals("messages", stat.get("kind"));
        assertEquals(5002L, stat.get("writes"), "one message per line");
        assertEquals(5002L, stat.get("reads"));
    }

    @Test
    void u32FramingCarriesBinaryMessagesWithNewlinesAndEmptyOnes() throws Exception {
        Path ring = dir.resolve("framed");
        ring(dir, "create", ring.toString(), "--messages", "--capacity", "64k").assertOk();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        for (int i = 0; i < 300; i++) {
            byte[] msg = new byte[i * 7 % 2000];
            for (int j = 0; j < msg.length; j++) {
                msg[j] = (byte) (i + j);     // every byte value, newlines included
            }
            framed.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(msg.length).array());
            framed.writeBytes(msg);
        }
        Path input = Files.write(dir.resolve("in.bin"), framed.toByteArray());
        Path output = dir.resolve("out.bin");

        CliTest.Cli reader = CliTest.Cli.start(dir, null, output, "read", ring.toString(), "--framing", "u32");
        CliTest.Cli writer = CliTest.Cli.start(dir, input, null, "write", ring.toString(), "--framing", "u32");
        writer.finish().assertOk();
        reader.finish().assertOk();
        assertEquals(CliTest.sha256(input), CliTest.sha256(output));
        Map<String, Object> stat = CliTest.Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals(300L, stat.get("writes"));
    }

    @Test
    void aNulDelimiterCutsMessagesAtNulBytes() throws Exception {
        Path ring = dir.resolve("nul");
        ring(dir, "create", ring.toString(), "--messages", "--capacity", "4k").assertOk();
        Path input = Files.write(dir.resolve("in"), "a\nb\0c d\0".getBytes(StandardCharsets.UTF_8));
        Path output = dir.resolve("out");
        CliTest.Cli reader = CliTest.Cli.start(dir, null, output, "read", ring.toString(), "--delimiter", "\\0");
        CliTest.Cli.start(dir, input, null, "write", ring.toString(), "--delimiter", "0x00").finish().assertOk();
        reader.finish().assertOk();
        assertEquals("a\nb\0c d\0", Files.readString(output));
        Map<String, Object> stat = CliTest.Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals(2L, stat.get("writes"));
    }

    @Test
    void aByteRingStatSaysBytesAndAMultiByteDelimiterIsABadCommandLine() throws Exception {
        Path ring = dir.resolve("bytes");
        ring(dir, "create", ring.toString()).assertOk();
        Map<String, Object> stat = CliTest.Json.parse(ring(dir, "stat", ring.toString(), "--json").assertOk().out());
        assertEquals("bytes", stat.get("kind"));
        CliTest.Result bad = ring(dir, "read", ring.toString(), "--delimiter", "ab");
        assertTrue(bad.exit() != 0);
        assertTrue(bad.err().contains("--delimiter=ab"), bad.err());
    }
}
