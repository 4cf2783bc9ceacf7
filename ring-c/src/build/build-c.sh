#!/bin/sh
# Builds the C side into target/: ringcat-write, ringcat-read, cring-bench, cring-peer (the C end of
# ./ring bench's c-ring and c-to-java lanes), the C layout test, and the same
# programs under -fsanitize=address,undefined (target/asan/) and a two-thread C-to-C test under
# -fsanitize=thread (target/tsan/). Run by Maven (compile phase) from the ring-c directory.
set -eu
# Silent on success (so `mvn -q install -DskipTests` prints nothing); RING_C_VERBOSE=1 says what it did.
# Errors always go to stderr.
say() { if [ "${RING_C_VERBOSE:-0}" = 1 ]; then echo "$@"; fi; }
CC_CMD="${CC:-}"
if [ -z "$CC_CMD" ]; then
    for candidate in cc gcc clang; do
        if command -v "$candidate" >/dev/null 2>&1; then CC_CMD="$candidate"; break; fi
    done
fi
if [ -z "$CC_CMD" ] || ! command -v "$CC_CMD" >/dev/null 2>&1; then
    echo "ring-c: no C compiler found (CC=${CC:-unset}; looked for cc, gcc, clang on PATH=$PATH)." >&2
    echo "ring-c: install one (e.g. apt-get install gcc) or skip this module with -pl '!ring-c'." >&2
    exit 1
fi
# up to date when every output is newer than every source (and this script)
outputs="target/ringcat-write target/ringcat-read target/cring-bench target/cring-peer target/layout-test target/crash-writer target/asan/ringcat-write target/asan/ringcat-read target/tsan/threads-test"
sources="$0 include/ringipc.h src/main/c/ringcat-write.c src/main/c/ringcat-read.c src/test/c/layout_test.c src/test/c/threads_test.c src/test/c/crash_writer.c src/bench/c/cring_bench.c src/bench/c/cring_peer.c"
stale=""
for out in $outputs; do
    [ -e "$out" ] || { stale=yes; break; }
    for src in $sources; do
        [ "$src" -nt "$out" ] && { stale=yes; break 2; }
    done
done
if [ -z "$stale" ]; then
    say "ring-c: the C programs are up to date"
    exit 0
fi
FLAGS="-std=c11 -O2 -Wall -Wextra -Werror -Iinclude"
mkdir -p target/asan target/tsan
say "ring-c: building with $CC_CMD ($($CC_CMD --version 2>/dev/null | head -n 1))"
for p in ringcat-write ringcat-read; do
    $CC_CMD $FLAGS -o "target/$p" "src/main/c/$p.c"
    $CC_CMD $FLAGS -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
        -o "target/asan/$p" "src/main/c/$p.c"
done
$CC_CMD $FLAGS -o target/cring-bench src/bench/c/cring_bench.c
$CC_CMD $FLAGS -pthread -o target/cring-peer src/bench/c/cring_peer.c
$CC_CMD $FLAGS -o target/layout-test src/test/c/layout_test.c
$CC_CMD $FLAGS -o target/crash-writer src/test/c/crash_writer.c
# ThreadSanitizer does not model stand-alone fences (gcc warns -Wtsan); the fences here only order the
# Dekker wake-up handshake, and every data hand-over is an acquire/release pair TSan does see.
$CC_CMD $FLAGS -Wno-tsan -g -fsanitize=thread -o target/tsan/threads-test src/test/c/threads_test.c -lpthread
say "ring-c: built target/ringcat-write, target/ringcat-read, target/cring-bench, target/cring-peer, target/layout-test, target/crash-writer, target/asan/*, target/tsan/threads-test"
