package org.ringipc.core;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR events of ringipc, all disabled by default like the JDK's own; enable them in a JFR
 * settings file or with {@code jfr configure}, e.g.
 * {@code -XX:StartFlightRecording:settings=profile,+org.ringipc.Wait#enabled=true}. Names:
 * {@code org.ringipc.Wait}, {@code org.ringipc.Drop}, {@code org.ringipc.PeerDeath},
 * {@code org.ringipc.Takeover}.
 */
public final class RingEvents {

    private RingEvents() {
    }

    /** A BLOCK wait that went to sleep: how long the side slept before it was woken or timed out. */
    @Name("org.ringipc.Wait")
    @Label("Ring Wait")
    @Category({"ringipc"})
    @Description("A ring end slept waiting for its peer (BLOCK strategy)")
    @Enabled(false)
    @StackTrace(false)
    public static final class Wait extends Event {
        /** {@code producer} (waiting for room) or {@code consumer} (waiting for data). */
        @Label("Side")
        public String side;
        /** Ring capacity, to tell rings apart. */
        @Label("Capacity")
        @DataAmount
        public long capacity;

        /** An empty event: set its fields, then {@code commit()} it (JFR drops it unless enabled). */
        public Wait() {
        }
    }

    /** A write discarded whole because it did not fit (DROP policy or a refused offer). */
    @Name("org.ringipc.Drop")
    @Label("Ring Drop")
    @Category({"ringipc"})
    @Description("A write did not fit and was discarded whole")
    @Enabled(false)
    @StackTrace(false)
    public static final class Drop extends Event {
        /** Bytes discarded. */
        @Label("Bytes")
        @DataAmount
        public long bytes;
        /** Ring capacity. */
        @Label("Capacity")
        @DataAmount
        public long capacity;

        /** An empty event: set its fields, then {@code commit()} it (JFR drops it unless enabled). */
        public Drop() {
        }

        /** Emits one drop of {@code bytes} from a ring of {@code capacity}, when the event is enabled. */
        static void emit(long bytes, long capacity) {
            Drop event = new Drop();
            if (event.shouldCommit()) {
                event.bytes = bytes;
                event.capacity = capacity;
                event.commit();
            }
        }
    }

    /** An end noticed that its peer's process is gone while the peer's end was still open. */
    @Name("org.ringipc.PeerDeath")
    @Label("Ring Peer Death")
    @Category({"ringipc"})
    @Description("The process holding the other end of a ring died")
    @Enabled(false)
    public static final class PeerDeath extends Event {
        /** The side that died: {@code producer} or {@code consumer}. */
        @Label("Side")
        public String side;
        /** Its pid. */
        @Label("Pid")
        public long pid;

        /** An empty event: set its fields, then {@code commit()} it (JFR drops it unless enabled). */
        public PeerDeath() {
        }
    }

    /** This process took over an end whose holder had died. */
    @Name("org.ringipc.Takeover")
    @Label("Ring Takeover")
    @Category({"ringipc"})
    @Description("An end held by a dead process was taken over")
    @Enabled(false)
    public static final class Takeover extends Event {
        /** The side taken over: {@code producer} or {@code consumer}. */
        @Label("Side")
        public String side;
        /** The dead holder's pid. */
        @Label("Previous pid")
        public long previousPid;

        /** An empty event: set its fields, then {@code commit()} it (JFR drops it unless enabled). */
        public Takeover() {
        }
    }
}
