package org.ringipc.core;

import java.io.IOException;

/**
 * The shared header holds positions no honest peer could have written (a head that ran backwards,
 * more than a capacity of unread bytes, a tail past the head). The operation that noticed stops
 * without touching memory outside the data region.
 */
public class RingCorruptedException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message says which positions are impossible.
     *
     * @param message the positions found
     */
    public RingCorruptedException(String message) {
        super(message);
    }
}
