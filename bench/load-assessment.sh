#!/usr/bin/env bash
# Assessment load test: CLIENTS concurrent simulated respondents (default 256) complete
# assessments for SECONDS (default 60) against a release build, on SQLite and then on
# PostgreSQL (a throwaway server on loopback). Afterwards the stored answers are counted and
# compared with the answers the server accepted; /healthz is measured with wrk in the same run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/release/securebase"
load="$root/build/release/assessment_load"
clients="${CLIENTS:-256}"
seconds="${SECONDS_PER_RUN:-60}"
work="$(mktemp -d /tmp/securebase-load.XXXXXX)"
chmod 755 "$work"
pg_bin=/usr/lib/postgresql/15/bin
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null || true
  [[ -f "$work/pg/postmaster.pid" ]] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

run_one() {  # run_one NAME DATABASE-URL COUNT-COMMAND...
  local name=$1 url=$2
  shift 2
  local port=$((30000 + RANDOM % 10000))
  "$bin" migrate --database "$url" >/dev/null
  [[ -f "$work/data.key" ]] || "$bin" admin create-key --out "$work/data.key" >/dev/null
  "$bin" serve --database "$url" --port "$port" --content "$root/content" --no-access-log --insecure-cookies --data-key "$work/data.key" \
    --pool-size 16 >"$work/server-$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  echo "== $name: $clients respondents for ${seconds}s on $(nproc) cores"
  # First with a person's pace (about a second per question), then with no pause at all.
  out_paced=$("$load" "$port" "$clients" "$seconds" "${THINK_MS:-1000}" || true)
  echo "$out_paced"
  out=$("$load" "$port" "$clients" "$seconds" 0 || true)
  echo "$out"
  stored=$("$@")
  accepted=$(( $(grep -oP 'answers_accepted \K[0-9]+' <<<"$out_paced") + $(grep -oP 'answers_accepted \K[0-9]+' <<<"$out") ))
  echo "answers stored: $stored (accepted: $accepted) -> $([[ $stored == "$accepted" ]] && echo 'each stored exactly once' || echo MISMATCH)"
  wrk -t2 -c64 -d10s "http://127.0.0.1:$port/healthz" | awk '/Requests\/sec/ {print "healthz requests/s (64 connections, same run): " $2}'
  kill -TERM "$server"; wait "$server" || true; server=
}

run_one sqlite "sqlite://$work/load.db" sqlite3 "$work/load.db" "SELECT COUNT(*) FROM assessment_answers"

mkdir -p "$work/pg"
[[ $(id -u) -eq 0 ]] && chown postgres "$work/pg"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U securebase -A trust >/dev/null
pg_port=$((40000 + RANDOM % 10000))
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/log" -w -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
run_one postgresql "postgresql://securebase@127.0.0.1:$pg_port/postgres" \
  psql -h 127.0.0.1 -p "$pg_port" -U securebase -d postgres -tAc "SELECT COUNT(*) FROM assessment_answers"
