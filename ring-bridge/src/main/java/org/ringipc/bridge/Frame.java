package org.ringipc.bridge;

/**
 * The bridge's Aeron message: one type byte, then the payload. Aeron keeps message boundaries
 * (fragments are reassembled by a {@link io.aeron.FragmentAssembler}), so a frame needs no length.
 */
final class Frame {
    /** A chunk of a byte ring's stream follows. */
    static final byte BYTES = 0;
    /** The writer closed its end (or died) and every byte or message before this frame was sent. */
    static final byte EOF = 1;
    /** One whole message of a message ring follows. */
    static final byte MESSAGE = 2;

    /** Bytes of the type byte before the payload. */
    static final int HEADER = 1;
    /** Aeron stream id used by both bridges. */
    static final int STREAM_ID = 1001;
    /** Payload bytes per frame from a byte ring; Aeron fragments and reassembles larger messages. */
    static final int CHUNK = 60 * 1024;

    private Frame() {
    }

    static String name(byte type) {
        return switch (type) {
            case BYTES -> "bytes";
            case EOF -> "eof";
            case MESSAGE -> "message";
            default -> "unknown(" + type + ")";
        };
    }
}
