#!/usr/bin/env bash
# Load test of the HTTP server with wrk (Debian's package): GET /healthz and GET / at 64 and
# 512 connections, each for DURATION seconds, against a release build on a throwaway SQLite
# store on loopback. Prints one line per run: path, connections, requests/s, p99.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/release/securebase"
duration="${DURATION:-10}"
threads="${WRK_THREADS:-2}"
work="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
command -v wrk >/dev/null || { echo "wrk is missing: scripts/bootstrap --test installs it"; exit 1; }

port=$((30000 + RANDOM % 10000))
"$bin" migrate --database "sqlite://$work/bench.db" >/dev/null
"$bin" admin create-key --out "$work/data.key" >/dev/null
"$bin" serve --database "sqlite://$work/bench.db" --port "$port" --content "$root/content" \
  --no-access-log --insecure-cookies --data-key "$work/data.key" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

echo "cores: $(nproc); wrk threads: $threads; duration: ${duration}s; server and wrk share the machine"
printf '%-10s %6s %12s %10s\n' path conns 'requests/s' p99
for conns in 64 512; do
  for path in /healthz /; do
    out=$(wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "http://127.0.0.1:$port$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
    printf '%-10s %6s %12s %10s %s\n' "$path" "$conns" "$rps" "$p99" "$errors"
  done
done
