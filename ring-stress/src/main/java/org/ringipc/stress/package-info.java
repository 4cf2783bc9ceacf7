/**
 * Evidence that the ring keeps its promise: jcstress tests of the memory-ordering protocol (this
 * package, run by {@code org.openjdk.jcstress.Main} from the shaded {@code target/jcstress.jar}),
 * and, in the test sources, the multi-process soak and fault-injection tests.
 */
package org.ringipc.stress;
