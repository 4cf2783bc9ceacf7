package org.ringipc.mmap;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.ringipc.core.MessageHandler;
import org.ringipc.core.MessageSource;

/**
 * The consumer end of a {@link SharedMessageRing}: the ring core's message source, with the
 * failures of a mapped access (in the core or in a handler) turned into {@link IOException}s (see
 * {@link MappedFile}).
 */
final class SharedMessageSource implements MessageSource, org.ringipc.core.ForwardingEnd {

    private final MessageSource source;
    private final MappedFile file;

    SharedMessageSource(MessageSource source, MappedFile file) {
        this.source = source;
        this.file = file;
    }

    @Override
    public java.nio.channels.Channel forwardsTo() {
        return source;
    }

    @Override
    public int poll(MessageHandler handler, int limit) throws IOException {
        return file.guard(() -> source.poll(handler, limit));
    }

    @Override
    public int take(MessageHandler handler, long timeout, TimeUnit unit) throws IOException {
        return file.guard(() -> source.take(handler, timeout, unit));
    }

    @Override
    public int take(MessageHandler handler, int limit, long timeout, TimeUnit unit) throws IOException {
        return file.guard(() -> source.take(handler, limit, timeout, unit));
    }

    @Override
    public int take(MessageHandler handler) throws IOException {
        return file.guard(() -> source.take(handler));
    }

    @Override
    public void close() throws IOException {
        file.guard(() -> {
            source.close();
            return null;
        });
    }

    @Override
    public boolean isOpen() {
        return source.isOpen();
    }
}
