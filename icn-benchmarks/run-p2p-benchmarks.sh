#!/usr/bin/env bash
# p2p figures for docs/benchmarks.md ("p2p: Noise + Yamux throughput"): one 50 MiB stream over TCP + Noise +
# Yamux on loopback, Java->Java, Java->js and js->Java beside js->js (js-libp2p 3.3 from interop/js) in the same
# run, interleaved per round, on JDK 17 and on JDK 25 (whose ChaCha20 and Poly1305 intrinsics the JDK 17 build
# lacks, and where the host therefore uses its own Vector API ChaCha20-Poly1305), then the AEAD alone on 64 KiB frames
# (io.icn.benchmarks.p2p.AeadLoad: ours, the JDK's, BouncyCastle's). The load tools (P2pThroughputLoad, AeadLoad)
# take the JMH lock (/tmp/jmh.lock) for each run; both run with --add-modules jdk.incubator.vector, as bin/icn-node.
#
#   icn-benchmarks/run-p2p-benchmarks.sh
#
# Environment: ROUNDS (default 7), BYTES (default 52428800), AEAD_ROUNDS (default 7; 0 skips AeadLoad),
# JDK17, JDK25 (JDK homes), SKIP_BUILD=1 to use the
# benchmarks.jar already built. Needs node and npm (interop/js is installed if node_modules is missing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/bench-lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
JAR="$ROOT/icn-benchmarks/target/benchmarks.jar"
JDK17=${JDK17:-$(bench_default_jdk)}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=${ROUNDS:-7}
BYTES=${BYTES:-52428800}
AEAD_ROUNDS=${AEAD_ROUNDS:-7}
VECTOR=(--add-modules jdk.incubator.vector)
bench_build "$JDK17" -B -q -pl icn-benchmarks -am package -DskipTests
[[ -d "$ROOT/interop/js/node_modules" ]] || (cd "$ROOT/interop/js" && npm install --no-audit --no-fund)
bench_machine_basics
echo "node: $(node --version)"
for jdk in "$JDK17" "$JDK25"; do
    [[ -x "$jdk/bin/java" ]] || { log "skipping $jdk: no java there"; continue; }
    log "$("$jdk/bin/java" -version 2>&1 | head -n 1)"
    "$jdk/bin/java" "${VECTOR[@]}" -cp "$JAR" io.icn.benchmarks.p2p.P2pThroughputLoad --interop "$ROOT/interop/js" \
        --bytes "$BYTES" --rounds "$ROUNDS"
done
if (( AEAD_ROUNDS > 0 )); then
    for jdk in "$JDK17" "$JDK25"; do
        [[ -x "$jdk/bin/java" ]] || continue
        log "AEAD alone: $("$jdk/bin/java" -version 2>&1 | head -n 1)"
        "$jdk/bin/java" "${VECTOR[@]}" -cp "$JAR" io.icn.benchmarks.p2p.AeadLoad --rounds "$AEAD_ROUNDS"
    done
fi
