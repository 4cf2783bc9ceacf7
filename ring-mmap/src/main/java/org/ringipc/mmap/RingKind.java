package org.ringipc.mmap;

import java.io.IOException;
import java.nio.file.Path;

/** What a ring file holds: a byte stream ({@link SharedRing}) or framed messages ({@link SharedMessageRing}). */
public enum RingKind {
    /** A byte ring: open it with {@link SharedRing#open(Path)}. */
    BYTES,
    /** A message ring: open it with {@link SharedMessageRing#open(Path)}. */
    MESSAGES;

    /**
     * The kind of ring in {@code file}, read from its header without mapping or locking it.
     *
     * @param file a ring file
     * @return its kind, or null when the file does not start with a ring header of this build's
     *         version (opening it says why)
     * @throws IOException when the file cannot be read
     */
    public static RingKind of(Path file) throws IOException {
        RingFile.Kind kind = RingFile.kindOf(file);
        return kind == null ? null : kind == RingFile.Kind.MESSAGES ? MESSAGES : BYTES;
    }

    /**
     * The word {@code ring stat} prints for this kind.
     *
     * @return {@code "bytes"} or {@code "messages"}
     */
    public String word() {
        return this == MESSAGES ? RingFile.Kind.MESSAGES.word : RingFile.Kind.BYTES.word;
    }
}
