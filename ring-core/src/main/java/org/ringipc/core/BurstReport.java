package org.ringipc.core;

/**
 * What {@link BurstVerifier#verify} found in a stream of DMA bursts.
 *
 * @param bursts  bursts received whole with a good CRC32C, in sequence order
 * @param bytes   bytes of those bursts, headers included
 * @param gaps    sequence numbers never received (or received corrupt): with an honest ring, exactly
 *                the bursts the producer dropped ({@link BurstProducer#burstsDropped()})
 * @param corrupt bursts whose CRC32C, length or sequence order was wrong, and bytes left over at EOF
 *                that are not a whole burst; must be 0
 */
public record BurstReport(long bursts, long bytes, long gaps, long corrupt) {
}
