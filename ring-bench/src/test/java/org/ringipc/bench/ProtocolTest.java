package org.ringipc.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void warmUpIsNotSettledBeforeItHasTwoSlices() {
        assertFalse(Protocol.settled(Double.NaN, 650));
    }

    @Test
    void warmUpIsNotSettledWhileTheInterpreterRunsTheWaitLoop() {
        // 53 µs interpreted, then 651 ns compiled: the jump the fixed 150 ms warm-up measured
        assertFalse(Protocol.settled(53_375, 651));
    }

    @Test
    void warmUpIsSettledWhenTwoSlicesAgreeWithinFifteenPercent() {
        assertTrue(Protocol.settled(651, 700));
        assertFalse(Protocol.settled(651, 760));
    }

    @Test
    void aFreshPeerIsWarmOnlyWhenAQuietSliceAgreesWithTheOneBefore() {
        assertFalse(Protocol.warmedUp(true, true, Double.NaN, 651));
        assertFalse(Protocol.warmedUp(false, true, 651, 660));
        assertTrue(Protocol.warmedUp(true, true, 651, 660));
    }

    @Test
    void aReusedPeerIsWarmAfterOneQuietSlice() {
        assertTrue(Protocol.warmedUp(true, false, Double.NaN, 651));
        // a compile during the slice: its rate says nothing yet
        assertFalse(Protocol.warmedUp(false, false, Double.NaN, 651));
    }
}
