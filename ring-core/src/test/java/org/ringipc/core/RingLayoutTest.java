package org.ringipc.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The header layout is a file format shared between processes: these offsets must never move silently. */
class RingLayoutTest {

    @ParameterizedTest(name = "{0}.{1} is at offset {2}")
    @CsvSource({
            "identity, magic, 0", "identity, version, 8", "identity, capacity, 12",
            "identity, flags, 16", "identity, headerSize, 20",
            "producer, head, 128", "producer, writes, 136", "producer, bytesDropped, 144",
            "producer, drops, 152", "producer, sleeps, 160", "producer, owner, 168", "producer, epoch, 176",
            "consumer, tail, 256", "consumer, reads, 264", "consumer, sleeps, 272",
            "consumer, owner, 280", "consumer, batchEnd, 288", "consumer, lostRecords, 296", "consumer, lostBytes, 304",
            "signal, producerWaiting, 384", "signal, consumerWaiting, 388", "signal, producerWakeSeq, 392",
            "signal, consumerWakeSeq, 396", "signal, producerState, 400", "signal, consumerState, 404",
            "signal, streams, 408",
    })
    void headerFieldsSitAtPinnedOffsets(String block, String field, long offset) {
        assertEquals(offset, RingLayout.offset(block, field));
    }

    @Test
    void headerIsFourBlocksOf128BytesAndVersionTwo() {
        assertEquals(512, RingLayout.HEADER_BYTES);
        assertEquals(4 * RingLayout.BLOCK_BYTES, RingLayout.HEADER.byteSize());
        assertEquals(2, RingLayout.VERSION);
        // the bytes each end's record lock covers: the first byte of its own block
        assertEquals(128, RingLayout.PRODUCER_BLOCK_OFFSET);
        assertEquals(256, RingLayout.CONSUMER_BLOCK_OFFSET);
        assertEquals(RingLayout.offset("signal", "producerWakeSeq"), RingLayout.PRODUCER_WAKE_SEQ_OFFSET);
        assertEquals(RingLayout.offset("signal", "consumerWakeSeq"), RingLayout.CONSUMER_WAKE_SEQ_OFFSET);
    }

    @Test
    void producerAndConsumerPositionsNeverShareA128ByteBlock() {
        long head = RingLayout.offset("producer", "head");
        long tail = RingLayout.offset("consumer", "tail");
        long signal = RingLayout.offset("signal", "producerWaiting");
        assertTrue(head / 128 != tail / 128 && head / 128 != signal / 128 && tail / 128 != signal / 128);
    }

    @ParameterizedTest
    @ValueSource(longs = {4096, 8192, 1 << 20, 1 << 30})
    void powersOfTwoFrom4096To2Pow30AreValidCapacities(long capacity) {
        assertEquals(capacity, RingLayout.checkCapacity(capacity));
        assertEquals(512 + capacity, RingLayout.requiredBytes((int) capacity));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 1000, 2048, 4095, 4097, 12288, 1L << 31, -4096})
    void otherCapacitiesAreRefusedNamingTheValue(long capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingLayout.checkCapacity(capacity));
        assertEquals("capacity=" + capacity + " is not a power of two (4096 .. 2^30)", e.getMessage());
    }
}
