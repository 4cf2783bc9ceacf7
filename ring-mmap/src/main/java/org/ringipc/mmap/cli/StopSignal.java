package org.ringipc.mmap.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl+C (SIGINT) and SIGTERM for the long-running subcommands ({@code dma}, {@code consume},
 * {@code stat --watch}): a shutdown hook that asks the command to stop and then waits for it to
 * finish, so the command's own thread closes the ring and prints its telemetry before the JVM
 * halts.
 *
 * <p>The command runs on its thread, checks {@link #stopRequested()} or waits in {@link #await},
 * and calls {@link #close()} once its output is printed; the hook returns then (or after
 * {@link #GRACE}, so a stuck command cannot keep a signalled JVM alive). One instance per command
 * run; {@code close()} also removes the hook when the command ends on its own.
 */
final class StopSignal implements AutoCloseable {

    /** How long a signalled JVM waits for the command to print its telemetry. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile Runnable onStop = () -> { };

    private StopSignal() {
        hook = new Thread(this::signalled, "ring-stop");
    }

    /** Installs the shutdown hook. */
    static StopSignal install() {
        StopSignal signal = new StopSignal();
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Runs {@code action} on the hook's thread when a stop is requested (e.g. to wake a blocked read). */
    void onStop(Runnable action) {
        onStop = action;
    }

    private void signalled() {
        request();
        try {
            finished.await(GRACE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks the command to stop, as a signal would. */
    void request() {
        if (stop.getCount() > 0) {
            stop.countDown();
            onStop.run();
        }
    }

    /** True once Ctrl+C / SIGTERM arrived (or {@link #request()} was called). */
    boolean stopRequested() {
        return stop.getCount() == 0;
    }

    /**
     * Waits until a stop is requested or {@code timeout} passed ({@code null}: no limit).
     *
     * @return true when a stop was requested
     */
    boolean await(Duration timeout) throws InterruptedException {
        if (timeout == null) {
            stop.await();
            return true;
        }
        return stop.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The command is done (its output printed): lets a signalled JVM halt, or removes the hook. */
    @Override
    public void close() {
        finished.countDown();
        if (!stopRequested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting: the hook will find `finished` counted down
            }
        }
    }
}
