#!/usr/bin/env bash
# Transport (QUIC) figures for docs/benchmarks.md: the load tool io.icn.benchmarks.transport.TransportLoad
# (in benchmarks.jar) against a ShardServer in its own JVM, and nginx serving the same shard files over HTTPS
# on loopback as the baseline. Installs Debian's nginx if missing; stops everything it started.
#
#   icn-benchmarks/run-transport-benchmarks.sh [WORK_DIR]
#
# Environment: PAYLOAD (QUIC max UDP payload, default 32768: loopback MTU is 64 KiB; the library default is 1350),
# IO_THREADS (server event loops = UDP sockets sharing the port, default: nproc), SERVER_HEAP (default 256m),
# REPEAT (default 20), SKIP_BUILD=1 to use the benchmarks.jar already built.
# Every section header carries the load average and the kernel's UDP receive-buffer drop counter
# (RcvbufErrors in /proc/net/snmp, machine-wide): other work on the machine moves these figures.
set -euo pipefail
# shellcheck source=bench-lib.sh
source "$(dirname "$0")/bench-lib.sh"
cd "$(dirname "$0")/.."
WORK=${1:-/tmp/icn-transport-bench}
PAYLOAD=${PAYLOAD:-32768}
SERVER_HEAP=${SERVER_HEAP:-256m}
REPEAT=${REPEAT:-20}
IO_THREADS=${IO_THREADS:-$(nproc)}
SHARD_BYTES=$((5 * 1024 * 1024))
CHUNKS=8                      # 8 chunks x 14 shards = 112 different 5 MiB shards
QUIC_PORT=19002
HTTPS_PORT=18443
mkdir -p "$WORK"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    ./mvnw -q -pl icn-benchmarks -am package -DskipTests
fi
CP="icn-benchmarks/target/benchmarks.jar"
JAVA_OPTS="-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector"
LOAD="io.icn.benchmarks.transport.TransportLoad"
udp_drops() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }
section() { echo "## $* [load average $(cut -d' ' -f1-3 /proc/loadavg); udp rcvbuf errors $(udp_drops)]"; }

echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(java -version 2>&1 | head -1)"
echo "# net.core.rmem_max=$(cat /proc/sys/net/core/rmem_max) wmem_max=$(cat /proc/sys/net/core/wmem_max); PAYLOAD=$PAYLOAD IO_THREADS=$IO_THREADS"

# ---- QUIC server in its own JVM, with a small fixed heap so heap growth is bounded by construction ----
rm -f "$WORK/ctl"; mkfifo "$WORK/ctl"
java $JAVA_OPTS -Xmx"$SERVER_HEAP" -cp "$CP" $LOAD serve "$WORK/store" $QUIC_PORT $CHUNKS $SHARD_BYTES $PAYLOAD $IO_THREADS \
    < "$WORK/ctl" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
exec 3>"$WORK/ctl"
NGINX_PID=""
cleanup() {
    echo quit >&3 2>/dev/null || true
    exec 3>&- || true
    wait "$SERVER_PID" 2>/dev/null || true
    if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; fi
    rm -f "$WORK/ctl"
}
trap cleanup EXIT
for _ in $(seq 1 600); do grep -q '^READY' "$WORK/server.log" && break; sleep 1; done
read -r _ PORT FP < <(grep '^READY' "$WORK/server.log")
grep '^# server' "$WORK/server.log"
stats() { echo stats >&3; sleep 1; tail -1 "$WORK/server.log"; }
reset() { echo reset >&3; sleep 1; }

# The nginx certificate is for CN=localhost while the URL says 127.0.0.1: the JDK client skips the host check.
run() { java $JAVA_OPTS -Xmx4g -Djdk.internal.httpclient.disableHostnameVerification=true -cp "$CP" $LOAD "$@"; }

section "1,000 concurrent 64 KiB range requests from 100 connections"
reset; run streams "$PORT" "$FP" "$WORK/store" 100 10 65536 "$PAYLOAD"; echo "server: $(stats)"
section "100 relays, each fetching a different 5 MiB shard at once"
reset; run relays "$PORT" "$FP" "$WORK/store" 100 "$PAYLOAD"; echo "server: $(stats)"
section "single connection, whole 5 MiB shards"
reset; run single "$PORT" "$FP" "$WORK/store" "$REPEAT" 1 "$PAYLOAD"
section "4 connections at once"
run single "$PORT" "$FP" "$WORK/store" "$REPEAT" 4 "$PAYLOAD"; echo "server: $(stats)"

# ---- nginx over HTTPS on the same files ----
bench_nginx_https "$WORK" "$HTTPS_PORT"
section "nginx HTTPS (TLS 1.3, HTTP/1.1), single connection, same 5 MiB shard files"
run https "https://127.0.0.1:$HTTPS_PORT" "$WORK/store" "$REPEAT" 1
section "nginx HTTPS, 4 connections at once"
run https "https://127.0.0.1:$HTTPS_PORT" "$WORK/store" "$REPEAT" 4
section "nginx HTTPS with curl (one process, one reused connection, 2 shards per chunk)"
URLS=()
while read -r cid; do
    for i in 00 01; do URLS+=("-o" "/dev/null" "https://127.0.0.1:$HTTPS_PORT/$cid/shard_$i.bin"); done
done < <(head -n $(( (REPEAT + 1) / 2 )) "$WORK/store/cids.txt")
curl -sk "${URLS[@]}" >/dev/null  # warm the page cache
START=$(date +%s.%N); curl -sk "${URLS[@]}"; END=$(date +%s.%N)
N=$(( ${#URLS[@]} / 3 ))
awk -v s="$START" -v e="$END" -v n="$N" -v b=$SHARD_BYTES \
    'BEGIN { printf "curl fetches=%d total_s=%.3f aggregate_MBps=%.1f\n", n, e - s, n * b / (e - s) / 1e6 }'
section "end"
