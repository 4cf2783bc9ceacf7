package org.ringipc.core;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The split fence of {@link RingEnd#enter()} and {@link RingEnd#close()}: on Linux x86_64/aarch64
 * with native access (the build's test JVMs have it) a call pays only a compiler barrier, and
 * close() a membarrier. The ordering itself is checked by jcstress (CloseStress).
 */
class AsymmetricFenceTest {

    private static boolean linuxWithKnownArch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return System.getProperty("os.name", "").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    @Test
    void asymmetricOnLinuxWithNativeAccess() {
        assumeTrue(linuxWithKnownArch(), "membarrier is Linux x86_64/aarch64 only");
        assumeTrue(AsymmetricFenceTest.class.getModule().isNativeAccessEnabled(), "test JVM without native access");
        // a kernel or seccomp filter may refuse membarrier; anything else (linking, the syscall
        // numbers, the registration sequence) going wrong fails here
        assumeTrue(!AsymmetricFence.description().contains("kernel"), AsymmetricFence::description);
        assertTrue(AsymmetricFence.isAsymmetric(), AsymmetricFence::description);
    }

    @Test
    void bothHalvesRunAndTheHeavyOneRepeats() {
        for (int i = 0; i < 1_000; i++) {
            AsymmetricFence.light();
            assertDoesNotThrow(AsymmetricFence::heavy);
        }
        assertTrue(AsymmetricFence.description().startsWith(AsymmetricFence.isAsymmetric() ? "asymmetric" : "symmetric"),
                AsymmetricFence::description);
    }
}
