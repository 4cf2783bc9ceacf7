#!/usr/bin/env bash
# ./ring: the ringipc command-line tool, from the repository root.
#
#   ./ring create|write|read|stat|dma|consume ...   the ring command (ring-mmap/target/ring.jar)
#   ./ring bench ARGS                                the comparison harness (ring-bench)
#   ./ring jmh ARGS                                  JMH benchmarks (ring-bench)
#   ./ring bridge send|receive ARGS                  a ring to another host over Aeron (ring-bridge)
#
# Finds a JDK 25 or newer, since the classes are Java 25 class files (JAVA_HOME if it is new enough,
# else /usr/lib/jvm/* and the other usual install folders), builds the jar it needs when it is missing or older than the sources (quietly:
# Maven's output goes to target/ring-build.log and is shown only on failure), then runs it with
# native access enabled, so no restricted-method warning reaches the user.
# RING_NO_BUILD=1 never builds: it runs the jar that is there (and fails if there is none).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MIN_JAVA=25

die() {
    echo "ring: $*" >&2
    exit 1
}

# The feature version of the JDK at $1 ("25" for 25.0.3; "1" for 1.8, which is < 25 anyway):
# from its release file, else by asking its java.
java_version() {
    local v=""
    if [[ -f "$1/release" ]]; then
        v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release" | head -n 1)"
    fi
    if [[ -z "$v" ]]; then
        v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)"
    fi
    echo "${v%%.*}"
}

find_java_home() {
    local candidates=() dir v
    if [[ -n "${JAVA_HOME:-}" ]]; then
        candidates+=("$JAVA_HOME")
    fi
    for dir in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home \
               "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
        [[ -d "$dir" ]] && candidates+=("$dir")
    done
    if command -v java > /dev/null 2>&1; then
        candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    fi
    # JAVA_HOME first if it is new enough; otherwise the newest JDK found
    local best="" best_v=0
    for dir in "${candidates[@]}"; do
        [[ -x "$dir/bin/java" && -x "$dir/bin/javac" ]] || continue
        v="$(java_version "$dir")"
        [[ "$v" =~ ^[0-9]+$ ]] || continue
        if [[ -n "${JAVA_HOME:-}" && "$dir" == "$JAVA_HOME" && "$v" -ge "$MIN_JAVA" ]]; then
            echo "$dir"
            return
        fi
        if (( v >= MIN_JAVA && v > best_v )); then
            best="$dir"
            best_v="$v"
        fi
    done
    [[ -n "$best" ]] || die "no JDK $MIN_JAVA or newer found (JAVA_HOME=${JAVA_HOME:-unset}, /usr/lib/jvm); install one, e.g. Temurin 25"
    echo "$best"
}

# True when jar $1 is missing or older than any pom or source file of the modules $2...
stale() {
    local jar="$1"
    shift
    [[ -f "$jar" ]] || return 0
    local newer
    newer="$(cd "$ROOT" && find pom.xml "$@" \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit 2> /dev/null)"
    [[ -n "$newer" ]]
}

# Builds module $1 (and what it needs) quietly when jar $2 is stale.
build() {
    local module="$1" jar="$2"
    shift 2
    stale "$jar" "$@" || return 0
    if [[ -n "${RING_NO_BUILD:-}" ]]; then
        [[ -f "$jar" ]] || die "$jar is missing and RING_NO_BUILD is set: build it with mvn package"
        return 0
    fi
    command -v mvn > /dev/null 2>&1 || die "$jar is missing or stale and mvn (Maven 3.8+) is not on the PATH"
    local log="$ROOT/target/ring-build.log"
    mkdir -p "$ROOT/target"
    echo "ring: building $module (log: target/ring-build.log) ..." >&2
    # Maven runs on the JDK found above: the jar plugin's module-info step runs inside Maven's JVM.
    # Tests of the module being built are the build's business (mvn verify), not the launcher's.
    if ! (cd "$ROOT" && JAVA_HOME="$JAVA_HOME_FOUND" mvn -B -q -ntp -Dmaven.test.skip=true \
            -pl "$module" -am package > "$log" 2>&1); then
        cat "$log" >&2
        die "building $module failed (log: target/ring-build.log)"
    fi
    [[ -f "$jar" ]] || die "building $module did not produce $jar (log: target/ring-build.log)"
}

# The C programs of the bench's c-ring and c-to-java lanes (ring-c/target/cring-peer), when a C
# compiler is there; quiet on success. Without one the bench skips those lanes and says why.
build_c() {
    [[ -z "${RING_NO_BUILD:-}" ]] || return 0
    command -v "${CC:-cc}" > /dev/null 2>&1 || command -v gcc > /dev/null 2>&1 \
        || command -v clang > /dev/null 2>&1 || return 0
    local log="$ROOT/target/ring-c-build.log"
    mkdir -p "$ROOT/target"
    if ! (cd "$ROOT/ring-c" && sh src/build/build-c.sh) > "$log" 2>&1; then
        echo "ring: building ring-c's C programs failed (log: target/ring-c-build.log); the bench skips c-ring and c-to-java" >&2
    fi
}

JAVA_HOME_FOUND="$(find_java_home)"
JAVA="$JAVA_HOME_FOUND/bin/java"
NATIVE=(--enable-native-access=ALL-UNNAMED)

case "${1:-}" in
    bench | jmh)
        BENCH_JAR="$ROOT/ring-bench/target/ring-bench.jar"
        build ring-bench "$BENCH_JAR" ring-core ring-mmap ring-bridge ring-bench
        [[ "$1" != bench ]] || build_c
        cmd="$1"
        shift
        # JMH calls sun.misc.Unsafe: allow it here so that JDK 25 prints no warning
        flags=("${NATIVE[@]}" --sun-misc-unsafe-memory-access=allow)
        if [[ "$cmd" == bench ]]; then
            exec "$JAVA" "${flags[@]}" -cp "$BENCH_JAR" org.ringipc.bench.BenchMain "$@"
        fi
        exec "$JAVA" "${flags[@]}" -cp "$BENCH_JAR" org.openjdk.jmh.Main "$@"
        ;;
    bridge)
        BRIDGE_JAR="$ROOT/ring-bridge/target/ring-bridge.jar"
        build ring-bridge "$BRIDGE_JAR" ring-core ring-mmap ring-bridge
        shift
        # Agrona (under Aeron) calls sun.misc.Unsafe: allow it so that JDK 25 prints no warning
        exec "$JAVA" "${NATIVE[@]}" --sun-misc-unsafe-memory-access=allow -jar "$BRIDGE_JAR" "$@"
        ;;
    *)
        RING_JAR="$ROOT/ring-mmap/target/ring.jar"
        build ring-mmap "$RING_JAR" ring-core ring-mmap
        # A `ring read` or `ring write` may sleep for hours on an idle ring, and on this project's
        # machine every wake-up of any JVM thread costs about 0.3 ms of CPU. These flags remove the
        # JVM's own periodic wake-ups that a small command does not need: monitor deflation checks
        # 4 times a second and the service thread's cleanup once a second (both every 10 s
        # instead), and G1's service thread (the serial collector has none). With
        # ring-bench/tools/idle-reader.sh 20 10, this launcher and the one before, alternating, 4
        # runs each: those threads used 0.07-0.15% of a core before and 0.005-0.017% after; the
        # blocked reader process 0.25-0.40% (median 0.31%) before, 0.22-0.33% (0.28%) after, the
        # rest being the reader's own wake-ups and the JIT compiling its wait.
        # IgnoreUnrecognizedVMOptions: the two interval flags are diagnostic ones, which a later
        # JDK may drop; the command must still start there.
        IDLE=(-XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions
              -XX:AsyncDeflationInterval=10000 -XX:ServiceThreadCleanupInterval=10000 -XX:+UseSerialGC)
        exec "$JAVA" "${NATIVE[@]}" "${IDLE[@]}" -jar "$RING_JAR" "$@"
        ;;
esac
