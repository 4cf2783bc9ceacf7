package org.ringipc.core;

import java.io.IOException;

/**
 * Memory or a file that is not a ring this version can use: a wrong magic, version, capacity,
 * header size, flags, or a header that does not match the size of its memory. The message names
 * the field, the value found and what was expected.
 */
public class RingFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message says which header field was wrong.
     *
     * @param message names the field, e.g. {@code "version=2: this build reads version 1"}
     */
    public RingFormatException(String message) {
        super(message);
    }
}
