package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Both ends of a message-ring link over real ring files (here in one process, one end per role). */
class MessageRingLinkTest {

    @Test
    @Timeout(30)
    void eachSendArrivesAsOneWholeMessageOfItsLengthEitherWay(@TempDir Path dir) throws Exception {
        try (MessageRingLink harness = MessageRingLink.create(dir, Transport.MESSAGE_RING_SPIN, 1 << 20);
             MessageRingLink peer = MessageRingLink.open(dir, 1 << 20)) {
            for (int length : new int[] {1, 4096, 1 << 20}) {
                harness.buffer().fill((byte) length);
                harness.marker(Protocol.GO);
                harness.send(length);
                peer.receive(length);
                assertEquals(Protocol.GO, peer.marker());
                assertEquals((byte) length, peer.buffer().get(ValueLayout.JAVA_BYTE, length - 1));
            }
            peer.marker(Protocol.STOP);
            peer.send(1);
            harness.receive(1);
            assertEquals(Protocol.STOP, harness.marker());
        }
    }

    @Test
    @Timeout(30)
    void aMessageOfAnotherLengthThanTheProtocolExpectsIsAClearError(@TempDir Path dir) throws Exception {
        try (MessageRingLink harness = MessageRingLink.create(dir, Transport.MESSAGE_RING_BLOCK, 4096);
             MessageRingLink peer = MessageRingLink.open(dir, 4096)) {
            harness.send(100);
            IOException e = assertThrows(IOException.class, () -> peer.receive(1));
            assertEquals("message of 100 bytes where the protocol expects 1", e.getMessage());
        }
    }

    @Test
    @Timeout(30)
    void theOtherEndClosingIsEndOfFile(@TempDir Path dir) throws Exception {
        MessageRingLink harness = MessageRingLink.create(dir, Transport.MESSAGE_RING_BLOCK, 4096);
        try (MessageRingLink peer = MessageRingLink.open(dir, 4096)) {
            harness.close();
            EOFException e = assertThrows(EOFException.class, () -> peer.receive(1));
            assertEquals("peer closed the message ring", e.getMessage());
        } finally {
            harness.close();
        }
    }
}
