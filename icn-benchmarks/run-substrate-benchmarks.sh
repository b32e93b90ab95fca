#!/usr/bin/env bash
# Substrate adapter figures for docs/benchmarks.md ("Substrate reads"): the load tool
# io.icn.benchmarks.chain.SubstrateReadLoad (benchmarks.jar) beside polkadot.js (interop/chain/bench-deals.mjs,
# bench-audits.mjs) doing the same JSON-RPC reads against the same chopsticks chain, in the same run, alternating.
#
#   icn-benchmarks/run-substrate-benchmarks.sh
#
# Environment: DEALS (PinningDeals entries seeded, default 5000), AUDITS (PendingAudits entries, default 200),
# REPS (reads per tool per round, default 3), ROUNDS (alternations, default 2), SKIP_BUILD=1 to use the jar built.
# Needs interop/chain/node_modules (icn-chain's build installs it). Takes the JMH lock (/tmp/jmh.lock) while
# measuring. Starts one chopsticks process on 127.0.0.1 (an OS-chosen port) and stops it on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=bench-lib.sh
source "$HERE/bench-lib.sh"
DEALS=${DEALS:-5000}
AUDITS=${AUDITS:-200}
REPS=${REPS:-3}
ROUNDS=${ROUNDS:-2}
JDK=${JDK:-$(bench_default_jdk)}
JAR="$ROOT/icn-benchmarks/target/benchmarks.jar"
CHAIN="$ROOT/interop/chain"
bench_build "$JDK" -q -o -pl icn-benchmarks -am install -DskipTests

log "machine"
bench_machine_basics
echo "jdk: $("$JDK/bin/java" -version 2>&1 | head -1); node: $(node --version)"

cd "$CHAIN"
rm -f chopsticks-0.log
./run-chopsticks.sh 0 3600 > /dev/null
PID=$(cat chopsticks-0.pid)
trap 'pkill -P "$PID" 2>/dev/null || true; kill "$PID" 2>/dev/null || true; kill "${BENCH_LOCKER_PID:-}" 2>/dev/null || true' EXIT
URL=$(grep -o 'ws://127.0.0.1:[0-9]*' chopsticks-0.log | tail -1)
log "chopsticks at $URL: seeding $DEALS deals and $AUDITS pending audits"
timeout 1800 node bench-deals.mjs "$URL" seed "$DEALS"; echo
timeout 600 node seed-pinning.mjs "$URL" "0x$(printf '11%.0s' $(seq 1 32))" 0 "$AUDITS" > /dev/null

bench_jmh_lock 1800 30 "waiting for /tmp/jmh.lock"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock ($BENCH_LOCK_STATE)" >&2; exit 1; }
for round in $(seq 1 "$ROUNDS"); do
    log "round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "java deals:   $("$JDK/bin/java" -Xmx2g -cp "$JAR" io.icn.benchmarks.chain.SubstrateReadLoad deals "$URL" "$REPS")"
    echo "polkadot deals: $(timeout 1800 node bench-deals.mjs "$URL" read 1000 "$REPS")"
    echo "java audits:  $("$JDK/bin/java" -Xmx1g -cp "$JAR" io.icn.benchmarks.chain.SubstrateReadLoad audits "$URL" "$REPS")"
    echo "polkadot audits: $(timeout 600 node bench-audits.mjs "$URL" "$REPS")"
done
