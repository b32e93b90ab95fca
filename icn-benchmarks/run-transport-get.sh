#!/usr/bin/env bash
# `icn-node get` of one 50 MB chunk from an idle local node, as a user types it (JVM start included), for
# docs/benchmarks.md (issue 16): the node runs pinned to core 0, each `get` to core 1; the UDP receive-buffer
# errors of `netstat -su` are printed before and after each fetch, and each get's user and system CPU time
# (/usr/bin/time).
#
#   icn-benchmarks/run-transport-get.sh [WORK_DIR]
#
# Environment: ROUNDS (default 5). Needs icn-node-launcher/target/icn-node.jar (bin/icn-node builds it if
# missing). Takes /tmp/jmh.lock.
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/icn-transport-get}
ROUNDS=${ROUNDS:-5}
# JMH's own lock (a POSIX record lock, as JMH and the other run-*.sh scripts take it; flock(1) would not exclude them)
bench_jmh_lock "${LOCK_WAIT:-3600}" 30 "another benchmark run holds /tmp/jmh.lock; waiting"
[[ "$BENCH_LOCK_STATE" == locked ]] || { echo "could not take /tmp/jmh.lock within ${LOCK_WAIT:-3600} s" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK"
cat > "$WORK/node.toml" <<TOML
storage_path = "$WORK/data"
quic_port = 19402
quic_bind = "127.0.0.1"
metrics_port = 0
admin_port = 19403
p2p_enabled = false
TOML
udp_rcvbuf() { netstat -su | awk '/receive buffer errors/ { print $1; exit }'; }
taskset -c 0 bin/icn-node run --config "$WORK/node.toml" > "$WORK/node.log" 2>&1 &
NODE=$!
trap 'kill $NODE "$BENCH_LOCKER_PID" 2>/dev/null || true; wait $NODE 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do bin/icn-node status --config "$WORK/node.toml" >/dev/null 2>&1 && break; sleep 1; done
head -c 50000000 /dev/urandom > "$WORK/in.bin"
CID=$(bin/icn-node put --config "$WORK/node.toml" "$WORK/in.bin" | grep -o 'baf[a-z0-9]*' | head -1)
echo "# chunk $CID (50,000,000 bytes); load average $(cut -d' ' -f1-3 /proc/loadavg)"
TIME=()
[[ -x /usr/bin/time ]] && TIME=(/usr/bin/time -f '%U %S' -o "$WORK/cpu.txt")
for r in $(seq 1 "$ROUNDS"); do
    before=$(udp_rcvbuf)
    s0=$(date +%s.%N)
    echo "n/a n/a" > "$WORK/cpu.txt"   # without GNU time (/usr/bin/time) the CPU columns say n/a
    "${TIME[@]}" taskset -c 1 bin/icn-node get --config "$WORK/node.toml" "$CID" -o "$WORK/out.bin" > /dev/null 2>&1
    s1=$(date +%s.%N)
    cmp -s "$WORK/in.bin" "$WORK/out.bin" || { echo "round $r: output differs"; exit 1; }
    read -r user sys < "$WORK/cpu.txt"
    awk -v a="$s0" -v b="$s1" -v r="$r" -v be="$before" -v af="$(udp_rcvbuf)" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
        -v u="$user" -v s="$sys" \
        'BEGIN { printf "GET round=%d seconds=%.3f cpu_user=%s cpu_sys=%s udp_rcvbuf_errors_before=%s after=%s load=%s\n", r, b - a, u, s, be, af, l }'
    rm -f "$WORK/out.bin"
done
