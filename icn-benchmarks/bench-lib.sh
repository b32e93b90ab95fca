# shellcheck shell=bash
# What the benchmark scripts share (run-node-benchmarks.sh, run-storage-benchmarks.sh, run-erasure-benchmarks.sh):
# each sets HERE to its own directory and sources this file, `source "$HERE/bench-lib.sh"`, then sets ROOT and
# JAR before calling bench_build. Defines functions only; nothing runs when sourced.

# A section line: blank line, "=== [HH:MM:SS] text" (UTC). A script may define its own log after sourcing.
log() { printf '\n=== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# The JDK of the load tools when none is given: /usr/lib/jvm/java-17-openjdk-amd64 if it has a java, else the
# JDK of the java on PATH. Use as JDK=${JDK:-$(bench_default_jdk)}.
bench_default_jdk() {
    if [[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ]]; then
        echo /usr/lib/jvm/java-17-openjdk-amd64
    else
        dirname "$(dirname "$(readlink -f "$(command -v java)")")"
    fi
}

# bench_jmh_lock WAIT_SECS POLL_SECS WAITING_MESSAGE
# Takes JMH's own lock, /tmp/jmh.lock (a POSIX record lock, as JMH takes it), in a python3 coprocess that holds
# it until this script exits (an EXIT trap kills it; its stdin closing ends it too), so that no other benchmark
# run that honours the lock measures beside this one; the JMH runs then pass -Djmh.ignoreLock=true, the lock
# being ours. Waits up to WAIT_SECS for a holder, polling every POLL_SECS and printing WAITING_MESSAGE to
# stderr at each poll. Sets BENCH_LOCK_STATE to "locked" when held, "timeout" when the wait ran out, or
# "gone" when the coprocess ended without a word; the caller decides what to say and whether to stop.
bench_jmh_lock() {
    local wait=$1 poll=$2 waiting=$3
    coproc LOCKER {
        exec python3 -u -c '
import fcntl, sys, time
deadline = time.time() + float(sys.argv[1])
f = open("/tmp/jmh.lock", "a")
while True:
    try:
        fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        break
    except OSError:
        if time.time() > deadline:
            print("timeout", flush=True)
            sys.exit(1)
        print(sys.argv[3], file=sys.stderr, flush=True)
        time.sleep(float(sys.argv[2]))
print("locked", flush=True)
sys.stdin.read()          # hold until the script ends (stdin closes) or kills us
' "$wait" "$poll" "$waiting"
    }
    BENCH_LOCKER_PID=$LOCKER_PID
    trap 'kill "$BENCH_LOCKER_PID" 2>/dev/null || true' EXIT
    read -r BENCH_LOCK_STATE <&"${LOCKER[0]}" || BENCH_LOCK_STATE=gone
}

# bench_build JDK MVNW_ARGS...
# Unless SKIP_BUILD=1: logs "build: ./mvnw MVNW_ARGS" and runs it in $ROOT with JAVA_HOME=JDK. Then $JAR must
# exist (else a message and exit 1).
bench_build() {
    local jdk=$1; shift
    if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
        log "build: ./mvnw $*"
        (cd "$ROOT" && JAVA_HOME="$jdk" ./mvnw "$@")
    fi
    [[ -f "$JAR" ]] || { echo "missing $JAR (run without SKIP_BUILD=1)" >&2; exit 1; }
}

# The first lines of machine.txt: the date, the CPU model with the core count, the memory.
bench_machine_basics() {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
}

# nginx serving $1/store over HTTPS (TLS 1.3, sendfile, one worker) on 127.0.0.1:$2 (BENCH_NGINX_HOST: another address), the baseline of the transport
# figures; installs Debian's nginx if missing. Extra arguments prefix the command (e.g. `taskset -c 0`). Sets
# NGINX_PID (the master) for the caller to stop.
bench_nginx_https() {
    local work=$1 port=$2
    shift 2
    if ! command -v nginx >/dev/null; then
        apt-get install -y nginx >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nginx >/dev/null; }
    fi
    [ -f "$work/nginx.crt" ] || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj /CN=localhost -keyout "$work/nginx.key" -out "$work/nginx.crt" 2>/dev/null
    mkdir -p "$work/nginx"
    cat > "$work/nginx/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    server {
        listen ${BENCH_NGINX_HOST:-127.0.0.1}:$port ssl;
        ssl_protocols TLSv1.3;
        ssl_certificate $work/nginx.crt;
        ssl_certificate_key $work/nginx.key;
        root $work/store;
    }
}
CONF
    "$@" nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
    NGINX_PID=$!
    sleep 1
}
