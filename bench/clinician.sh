#!/usr/bin/env bash
# A clinician's client list (200 clients, two years of shared measures), on SQLite and on a throwaway PostgreSQL 15
# (loopback), from the release build. See bench/clinician_bench.cc for what is seeded and timed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/build/release/clinician_bench"
work="$(mktemp -d /tmp/securebase-clinician.XXXXXX)"
chmod 755 "$work"
pg_bin=/usr/lib/postgresql/15/bin
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -f "$work/pg/postmaster.pid" ]] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== SQLite"
"$bench"
echo "== PostgreSQL 15"
port=$((30000 + RANDOM % 10000))
mkdir -p "$work/pg" "$work/sock"
[[ $(id -u) -eq 0 ]] && chown postgres "$work/pg" "$work/sock"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U securebase -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o \
  "-p $port -k $work/sock -c listen_addresses=127.0.0.1" start >/dev/null
SECUREBASE_BENCH_DATABASE="postgresql://securebase@127.0.0.1:$port/postgres" "$bench"
