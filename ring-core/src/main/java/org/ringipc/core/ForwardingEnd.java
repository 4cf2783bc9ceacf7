package org.ringipc.core;

import java.nio.channels.Channel;

/**
 * A channel that forwards every call to a ring end of this package, adding only its own error
 * translation (ring-mmap's shared ends do: a fault in a truncated file becomes an
 * {@link java.io.IOException}). {@code RingSelector} registers the end it forwards to, whose
 * readiness and wake-up words it needs.
 */
public interface ForwardingEnd {

    /**
     * The end every call is forwarded to.
     *
     * @return the wrapped end
     */
    Channel forwardsTo();
}
