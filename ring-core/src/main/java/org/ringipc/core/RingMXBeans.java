package org.ringipc.core;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Registers rings with the platform MBean server. Registration is always explicit (a ring's
 * {@code registerMXBean(name)}), never a side effect of allocating a ring, and the ring undoes it
 * when it closes.
 */
public final class RingMXBeans {

    /** The JMX domain of every ring. */
    public static final String DOMAIN = "org.ringipc";

    private RingMXBeans() {
    }

    /**
     * The name a ring registered as {@code name} gets: {@code org.ringipc:type=Ring,name=<name>}.
     *
     * @param name the ring's name, quoted into the object name
     * @return the JMX object name
     */
    public static ObjectName objectName(String name) {
        Objects.requireNonNull(name, "name");
        try {
            return new ObjectName(DOMAIN + ":type=Ring,name=" + ObjectName.quote(name));
        } catch (JMException e) {
            throw new IllegalArgumentException("name=" + name + " does not make a JMX object name", e);
        }
    }

    /**
     * Registers a view of {@code stats} under {@link #objectName(String)}.
     *
     * @param name the ring's name, the {@code name} key of the object name
     * @param stats read afresh by every getter of the bean
     * @param kind  the ring's class name, shown as the {@code Kind} attribute
     * @return the registration; closing it unregisters the bean (idempotent)
     * @throws IllegalStateException when a bean of that name is already registered
     */
    public static Registration register(String kind, String name, Supplier<RingStats> stats) {
        ObjectName objectName = objectName(name);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(new View(kind, stats), objectName);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("an MXBean named " + objectName + " is already registered", e);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + objectName + ": " + e.getMessage(), e);
        }
        return new Registration(server, objectName);
    }

    /**
     * The at-most-one registration a ring holds: what each ring's {@code registerMXBean} uses, and
     * what its {@code close()} closes.
     */
    public static final class Slot implements AutoCloseable {

        private Registration registration;
        private boolean closed;

        /** An empty slot. */
        public Slot() {
        }

        /**
         * Registers {@code stats} as {@code org.ringipc:type=Ring,name=<name>}.
         *
         * @param kind the ring's class name, shown as the {@code Kind} attribute
         * @param name the ring's name, the {@code name} key of the object name
         * @param stats read afresh by every getter of the bean
         * @return the object name the bean is registered under
         * @throws IllegalStateException when this slot already holds a registration or is closed,
         *                               or the name is taken
         */
        public synchronized ObjectName register(String kind, String name, Supplier<RingStats> stats) {
            if (closed) {
                throw new IllegalStateException("ring is closed");
            }
            if (registration != null) {
                throw new IllegalStateException("ring is already registered as " + registration.objectName());
            }
            registration = RingMXBeans.register(kind, name, stats);
            return registration.objectName();
        }

        /** Unregisters the bean, if any; later registrations are refused. Idempotent. */
        @Override
        public void close() {
            Registration r;
            synchronized (this) {
                closed = true;
                r = registration;
                registration = null;
            }
            if (r != null) {
                r.close();
            }
        }
    }

    /** One registered bean; {@link #close()} unregisters it. */
    public static final class Registration implements AutoCloseable {

        private final MBeanServer server;
        private final ObjectName name;
        private boolean closed;

        private Registration(MBeanServer server, ObjectName name) {
            this.server = server;
            this.name = name;
        }

        /**
         * The name the bean is registered under.
         *
         * @return the bean's object name
         */
        public ObjectName objectName() {
            return name;
        }

        /** Unregisters the bean; idempotent. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                // already gone: unregistered by someone else, nothing left to undo
            }
        }
    }

    private record View(String kind, Supplier<RingStats> stats) implements RingMXBean {
        @Override public String getKind() { return kind; }
        @Override public long getCapacity() { return stats.get().capacity(); }
        @Override public long getUsed() { return stats.get().used(); }
        @Override public long getFree() { return stats.get().free(); }
        @Override public long getBytesWritten() { return stats.get().bytesWritten(); }
        @Override public long getBytesRead() { return stats.get().bytesRead(); }
        @Override public long getBytesDropped() { return stats.get().bytesDropped(); }
        @Override public long getWrites() { return stats.get().writes(); }
        @Override public long getReads() { return stats.get().reads(); }
        @Override public long getDrops() { return stats.get().drops(); }
        @Override public long getProducerSleeps() { return stats.get().producerSleeps(); }
        @Override public long getConsumerSleeps() { return stats.get().consumerSleeps(); }
        @Override public long getProducerPid() { return stats.get().producerPid(); }
        @Override public long getConsumerPid() { return stats.get().consumerPid(); }
    }
}
