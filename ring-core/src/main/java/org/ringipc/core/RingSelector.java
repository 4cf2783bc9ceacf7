package org.ringipc.core;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.channels.Channel;
import java.nio.channels.ClosedSelectorException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread waits on many ring ends: {@code poll(2)} for rings. Register sources (for
 * {@link #OP_READ}) and sinks (for {@link #OP_WRITE}) of lock-free rings, in this process or in
 * shared files, then {@link #select} sleeps while every one is idle and returns when any is ready.
 * The shape is {@link java.nio.channels.Selector}'s (register, select with a timeout, selected
 * keys, wakeup), but it is not one: ring ends are not {@code SelectableChannel}s.
 *
 * <pre>{@code
 * try (RingSelector selector = RingSelector.open()) {
 *     for (Path p : files) {
 *         SharedRing ring = SharedRing.open(p);
 *         selector.register(ring.source(), RingSelector.OP_READ, ring);
 *     }
 *     ByteBuffer buf = ByteBuffer.allocate(65536);
 *     while (!selector.keys().isEmpty()) {
 *         selector.select();
 *         for (Iterator<RingKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
 *             RingKey key = it.next();
 *             it.remove();
 *             RingSource source = (RingSource) key.channel();
 *             int n;
 *             while ((n = source.tryRead(buf.clear())) > 0) { handle(buf.flip()); }
 *             if (n < 0) { source.close(); }               // EOF: the key goes with the channel
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>What can be registered.</b> The ends of {@link Ring}, {@link MessageRing} and their
 * shared-file forms ({@code SharedRing}, {@code SharedMessageRing}): {@link RingSource} and
 * {@link MessageSource} for {@link #OP_READ}, {@link RingSink} and {@link MessageSink} for
 * {@link #OP_WRITE}. {@link LockedRing}'s ends are refused (they wait on a mutex's conditions, not on
 * a wake word). One selector per end, and the selecting thread is the end's thread: it calls the
 * channel's methods after {@code select} (the selector reads the end's thread-confined state).
 *
 * <p><b>Ready.</b> A source is readable when a read would not wait: data is there, or EOF (the
 * sink closed, or its process died: noticed within 250 ms to 1 s, see below), or
 * an error to report. A sink is writable when at least {@code min(4096, capacity / 2)} bytes are
 * free (as {@code poll(2)} reports a pipe writable with {@code PIPE_BUF} bytes free), or when a write
 * would fail at once ("broken pipe"). A closed channel's key is dropped, not reported.
 *
 * <p><b>How it sleeps.</b> The selector runs each end's own sleeping protocol (announce, full
 * fence, re-check: see {@link WaitStrategy#BLOCK}) on every registered end at once, so the peers'
 * publishes ring it as they ring a blocked reader, then sleeps once:
 * <ul>
 *   <li>Rings in shared files (futex doorbells), up to {@value #MAX_WAIT_WORDS} ends: one Linux
 *       {@code futex_waitv} system call over every end's wake word and the selector's own
 *       {@link #wakeup()} word (kernel 5.16+). That is 127 ends; the selector's word is the 128th.</li>
 *   <li>In-process rings (parking doorbells): the thread parks; any ring's publish unparks it.</li>
 *   <li>Otherwise (more than 127 shared ends, in-process and shared ends mixed, or a kernel that
 *       refuses {@code futex_waitv}): timed polling of the words, parking 10 µs at first and then
 *       doubling to at most 1 ms; a wake-up then takes up to 1 ms and an idle selector wakes about
 *       1000 times a second. {@link #waitDescription()} says which one the last sleep used.</li>
 * </ul>
 * Ends whose ring uses a SPIN, YIELD or BACKOFF strategy have peers that never ring: the selector
 * sleeps in slices of at most 1 ms while any such end is registered.
 * Every sleep lasts at most until the next check of the peers for death (one lock query per end),
 * then it sleeps again. The first check comes 250 ms after a select found a key ready; while every
 * key stays idle the checks grow apart, doubling to one a second (each costs a system call per end:
 * an idle selector of 100 rings then wakes once a second). So a dead peer's key becomes ready
 * within about 250 ms on a busy selector and within about 1 s on an idle one.
 *
 * <p><b>Threads.</b> {@code select} and the selected-key set belong to one thread at a time.
 * {@link #register}, {@link RingKey#cancel()}, {@link #wakeup()} and closing a channel may come
 * from any thread while a select runs: the select takes the change at once (it is woken).
 * Selecting on a virtual thread pins its carrier while it sleeps in the kernel.
 */
public final class RingSelector implements AutoCloseable {

    /** Interest in reading: for sources ({@link java.nio.channels.SelectionKey#OP_READ}'s value). */
    public static final int OP_READ = 1;
    /** Interest in writing: for sinks ({@link java.nio.channels.SelectionKey#OP_WRITE}'s value). */
    public static final int OP_WRITE = 4;
    /** The most words one {@code futex_waitv} call sleeps on (the kernel's limit). */
    public static final int MAX_WAIT_WORDS = 128;

    /**
     * How often an idle selector asks whether the peers' processes live (one lock query per end):
     * longer than a blocked end's {@link Waiter#PEER_POLL_NANOS}, because it is paid per end.
     */
    static final long PEER_POLL_NANOS = 250_000_000;
    /** The longest gap between peer checks, reached by doubling while every key stays idle. */
    static final long MAX_PEER_POLL_NANOS = 1_000_000_000;
    private static final long SPINNING_PEER_SLICE_NANOS = 1_000_000;
    private static final long MIN_POLL_NANOS = 10_000;
    private static final long MAX_POLL_NANOS = 1_000_000;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final Arena arena = Arena.ofShared();
    /** Bumped by {@link #wakeup} and by any change of the key set; one of the words every sleep watches. */
    private final MemorySegment wakeWord = arena.allocate(Integer.BYTES, Integer.BYTES);
    private final ConcurrentLinkedQueue<RingKey> registered = new ConcurrentLinkedQueue<>();
    /** Owned by the selecting thread. */
    private final List<RingKey> keys = new ArrayList<>();
    private final Set<RingKey> selected = new LinkedHashSet<>();
    private final Set<RingKey> publicKeys = Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile boolean wakeupPending;
    private volatile Thread selecting;
    /** The doorbell the current sleep uses, for {@link #wakeup} to ring; null when not sleeping in one. */
    private volatile Doorbell sleepingWith;
    private volatile boolean closed;
    private volatile String waitDescription = "none yet";
    private long lastPeerPoll = System.nanoTime();
    /** The gap to the next peer check: {@link #PEER_POLL_NANOS} after activity, doubling while idle. */
    private long peerPollNanos = PEER_POLL_NANOS;
    /** Whether the last {@link #collectReady()} found any key ready (new to the selected set or not). */
    private boolean sawReady;
    /** The sleep's words and their expected values; grown as keys come, owned by the selecting thread. */
    private MemorySegment[] words = new MemorySegment[8];
    private int[] expected = new int[8];

    private RingSelector() {
    }

    /**
     * A new selector with no keys.
     *
     * @return a new open selector
     */
    public static RingSelector open() {
        return new RingSelector();
    }

    /**
     * Watches {@code channel} for {@code ops}; the key appears in the selected set when the channel
     * is ready. May be called while another thread selects (that select takes the key at once).
     *
     * @param channel a source or sink of a {@link Ring}, {@link MessageRing} or their shared-file kin
     * @param attachment an object to carry on the key, may be null
     * @param ops {@link #OP_READ} for a source, {@link #OP_WRITE} for a sink
     * @return the new key
     * @throws IllegalArgumentException naming the channel or ops when the channel is not an end of a
     *                                  lock-free ring, or ops do not suit its direction
     * @throws ClosedSelectorException  when this selector is closed
     * @throws java.nio.channels.ClosedChannelException when the channel is closed
     */
    public RingKey register(Channel channel, int ops, Object attachment) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (closed) {
            throw new ClosedSelectorException();
        }
        Channel inner = channel instanceof ForwardingEnd f ? f.forwardsTo() : channel;
        if (!(inner instanceof RingEnd end)) {
            throw new IllegalArgumentException("channel=" + channel + " is not an end of a lock-free ring"
                    + " (Ring, MessageRing, SharedRing, SharedMessageRing); LockedRing ends cannot be selected");
        }
        int allowed = end.side == HeaderSide.CONSUMER ? OP_READ : OP_WRITE;
        if (ops != allowed) {
            throw new IllegalArgumentException("ops=" + ops + " does not suit channel=" + channel + ": a "
                    + (allowed == OP_READ ? "source takes OP_READ (1)" : "sink takes OP_WRITE (4)"));
        }
        if (!end.isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        RingKey key = new RingKey(this, channel, end, ops, attachment);
        publicKeys.add(key);
        registered.add(key);
        nudge();
        return key;
    }

    /**
     * {@link #register(Channel, int, Object)} with no attachment.
     *
     * @param channel a source or sink of a lock-free ring
     * @param ops {@link #OP_READ} for a source, {@link #OP_WRITE} for a sink
     * @return the new key
     * @throws IOException as {@link #register(Channel, int, Object)}
     */
    public RingKey register(Channel channel, int ops) throws IOException {
        return register(channel, ops, null);
    }

    /**
     * Waits until at least one key is ready, {@link #wakeup()} is called or the thread is
     * interrupted (the interrupt stays set, as with {@link java.nio.channels.Selector}).
     *
     * @return the number of keys added to the selected set (0 after a wakeup or interrupt)
     * @throws IOException declared as by {@link java.nio.channels.Selector#select()}; a broken ring
     *     is reported as a ready key instead, whose next read or write throws
     */
    public int select() throws IOException {
        return select(-1);
    }

    /**
     * As {@link #select()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest wait, in {@code unit}s; not negative
     * @param unit the unit of {@code timeout}
     * @return the number of keys added to the selected set; 0 when the timeout passed
     * @throws IllegalArgumentException when timeout is negative
     * @throws IOException as {@link #select()}
     */
    public int select(long timeout, TimeUnit unit) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout=" + timeout + " is negative");
        }
        return select(Math.max(1, unit.toNanos(timeout)));
    }

    /**
     * Never waits: the number of keys added to the selected set now.
     *
     * @return the number of keys added to the selected set; 0 when none was ready
     * @throws IOException as {@link #select()}
     */
    public int selectNow() throws IOException {
        return select(0);
    }

    /** @param timeoutNanos -1: forever; 0: do not wait */
    private int select(long timeoutNanos) throws IOException {
        if (closed) {
            throw new ClosedSelectorException();
        }
        selecting = Thread.currentThread();
        try {
            final long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                update();
                int found = collectReady();
                // a ready key already in the selected set ends the select too (with 0), as in NIO:
                // sleeping on a ring that is ready would wake at once, again and again
                if (found > 0 || sawReady) {
                    peerPollNanos = PEER_POLL_NANOS;  // activity: check the peers soon again
                }
                if (found > 0 || sawReady || timeoutNanos == 0 || wakeupPending
                        || Thread.currentThread().isInterrupted()) {
                    wakeupPending = false;
                    return found;
                }
                long now = System.nanoTime();
                long left = timeoutNanos < 0 ? Long.MAX_VALUE : deadline - now;
                if (left <= 0) {
                    return 0;
                }
                if (now - lastPeerPoll >= peerPollNanos) {
                    lastPeerPoll = now;
                    pollPeers();
                    // idle since the last check (a ready key would have returned): the next one later
                    peerPollNanos = Math.min(2 * peerPollNanos, MAX_PEER_POLL_NANOS);
                    continue;
                }
                sleep(Math.min(left, Math.max(1, peerPollNanos - (now - lastPeerPoll))));
            }
        } finally {
            selecting = null;
        }
    }

    /** Takes in new keys, drops cancelled ones and those whose channel closed. */
    private void update() {
        for (RingKey key; (key = registered.poll()) != null; ) {
            keys.add(key);
        }
        keys.removeIf(key -> {
            boolean gone = key.isCancelled() || !key.end.isOpen();
            if (gone) {
                selected.remove(key);
                publicKeys.remove(key);
            }
            return gone;
        });
    }

    /** Puts the ready keys in the selected set; returns how many were not in it before. */
    private int collectReady() {
        int added = 0;
        sawReady = false;
        for (RingKey key : keys) {
            if (ready(key)) {
                sawReady = true;
                key.readyOps = key.interestOps;
                if (selected.add(key)) {
                    added++;
                }
            }
        }
        return added;
    }

    private static boolean ready(RingKey key) {
        RingEnd end = key.end;
        try {
            if (end instanceof ProducerEnd producer) {
                return producer.readyFor(Math.min(LockedRing.PIPE_BUF, producer.capacity / 2));
            }
            return end.ready();
        } catch (RuntimeException | InternalError e) {
            // the ring's memory is gone (unmapped, truncated): the channel's own call reports it
            return true;
        }
    }

    /** Asks every end whether its peer's process still lives: a dead one makes its key ready. */
    private void pollPeers() {
        for (RingKey key : keys) {
            try {
                key.end.pollPeer();
            } catch (RuntimeException | InternalError e) {
                // reported by ready(), as above
            }
        }
    }

    /** Announce on every end, fence, re-check, sleep once over every word, retract. */
    private void sleep(long maxNanos) {
        int n = keys.size();
        if (words.length < n + 1) {
            words = new MemorySegment[2 * (n + 1)];
            expected = new int[2 * (n + 1)];
        }
        MemorySegment[] words = this.words;
        int[] expected = this.expected;
        Doorbell common = null;
        boolean mixed = false;
        boolean spinningPeer = false;
        int announced = 0;
        try {
            for (; announced < n; announced++) {
                Waiter waiter = keys.get(announced).end.waiter;
                expected[announced] = waiter.announce();
                words[announced] = waiter.ownWakeSeq();
                Doorbell bell = waiter.doorbell();
                if (common == null) {
                    common = bell;
                } else if (common.getClass() != bell.getClass()) {
                    mixed = true;
                }
                spinningPeer |= !waiter.peerMaySleep();
            }
        } catch (RuntimeException | InternalError e) {
            retract(announced);
            return;  // a ring's memory went away under us: the next round reports that key ready
        }
        try {
            // acquire: read before the re-check, so a nudge after this read changes the word
            expected[n] = (int) INT.getAcquire(wakeWord, 0L);
            words[n] = wakeWord;
            // StoreLoad (Dekker, sleeper's half for every end at once): our waiting flags must be
            // visible before we re-read the peers' positions; pairs with the fence in Waiter.wakePeer
            VarHandle.fullFence();
            if (collectReadyWouldFind() || wakeupPending || !registered.isEmpty() || Thread.currentThread().isInterrupted()) {
                return;
            }
            long slice = spinningPeer ? Math.min(maxNanos, SPINNING_PEER_SLICE_NANOS) : maxNanos;
            if (common == null) {
                waitDescription = "park (no keys)";
                LockSupport.parkNanos(this, slice);
            } else if (!mixed && sleepAny(common, words, expected, n + 1, slice)) {
                waitDescription = common.getClass().getSimpleName() + ".sleepAny over " + (n + 1) + " words";
            } else {
                waitDescription = "polling " + (n + 1) + " words (" + (mixed ? "mixed doorbells" : "more than "
                        + MAX_WAIT_WORDS + " words, or the kernel refused futex_waitv") + ")";
                poll(words, expected, n + 1, slice);
            }
        } finally {
            retract(n);
            java.util.Arrays.fill(words, 0, n + 1, null);  // keep no closed ring's memory reachable
        }
    }

    private boolean sleepAny(Doorbell bell, MemorySegment[] words, int[] expected, int count, long nanos) {
        sleepingWith = bell;
        try {
            // the nudge word is the last: a wakeup rings it through this doorbell
            return bell.sleepAny(words, expected, count, nanos);
        } finally {
            sleepingWith = null;
        }
    }

    private boolean collectReadyWouldFind() {
        for (RingKey key : keys) {
            if (!key.isCancelled() && (ready(key) || !key.end.isOpen())) {
                return true;
            }
        }
        return false;
    }

    private void retract(int count) {
        for (int i = 0; i < count; i++) {
            try {
                keys.get(i).end.waiter.retract();
            } catch (RuntimeException | InternalError e) {
                // the memory is gone: nobody reads the flag any more
            }
        }
    }

    /** Timed polling of the words: 10 µs, doubling to 1 ms, until one changed or the time is up. */
    private void poll(MemorySegment[] words, int[] expected, int count, long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        long pause = MIN_POLL_NANOS;
        while (true) {
            for (int i = 0; i < count; i++) {
                try {
                    // acquire: a bump we see means a peer published before it rang
                    if ((int) INT.getAcquire(words[i], 0L) != expected[i]) {
                        return;
                    }
                } catch (RuntimeException | InternalError e) {
                    return;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || Thread.currentThread().isInterrupted()) {
                return;
            }
            LockSupport.parkNanos(this, Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
    }

    /**
     * Makes the select in progress (or the next one, if none runs) return at once, with 0 unless
     * keys are ready. Any thread.
     *
     * @return this selector
     */
    public RingSelector wakeup() {
        wakeupPending = true;
        nudge();
        return this;
    }

    /** Wakes a sleeping select so that it re-reads the key set, without making it return. */
    void nudge() {
        if (!arena.scope().isAlive()) {
            return;
        }
        // the bump comes before the wake: a sleeper that read the old value is woken, one that
        // reads the new value does not sleep
        INT.getAndAdd(wakeWord, 0L, 1);
        Doorbell bell = sleepingWith;
        if (bell != null) {
            bell.ring(Doorbell.Side.CONSUMER, wakeWord);
        }
        Thread t = selecting;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Every valid key (a snapshot; registrations and cancellations are taken by the next select).
     *
     * @return the registered keys that are still valid
     */
    public Set<RingKey> keys() {
        synchronized (publicKeys) {
            return Set.copyOf(publicKeys);
        }
    }

    /**
     * The keys found ready, as in {@link java.nio.channels.Selector#selectedKeys()}: select adds to
     * it and never removes a ready key; the caller removes the keys it handled. Selecting thread only.
     *
     * @return the live selected-key set, from which the caller removes keys
     */
    public Set<RingKey> selectedKeys() {
        return selected;
    }

    /**
     * How the last sleep waited: one {@code futex_waitv}, a park, or timed polling with the reason.
     *
     * @return a short description of the last sleep, for diagnostics
     */
    public String waitDescription() {
        return waitDescription;
    }

    /** {@return false once this selector is closed} */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Closes the selector: its keys are cancelled (their channels stay open) and a select in
     * progress returns. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wakeup();
        for (int spins = 0; selecting != null && spins < 10_000; spins++) {
            nudge();
            LockSupport.parkNanos(100_000);
        }
        publicKeys.clear();
        // the wake word may still be in a kernel wait list only while a select runs; it returned
        arena.close();
    }
}
