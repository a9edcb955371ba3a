#!/usr/bin/env bash
# The therapist directory at a million listings, from the release build:
#  1. search: the in-memory index against SQLite's R*Tree and PostGIS (directory_bench, on a
#     throwaway PostgreSQL 15 with PostGIS 3 over loopback);
#  2. `securebase admin import-directory` of 1,000,000 NPPES-layout rows (the shared sample's
#     20,000 rows fifty times over, each copy with new, valid NPIs) into SQLite;
#  3. GET /therapists at 64 connections (wrk) on a server holding 1,000,000 demo listings.
# LISTINGS and DURATION change the sizes (defaults 1000000 and 20).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/release"
listings="${LISTINGS:-1000000}"
duration="${DURATION:-20}"
sample="$root/../shared/data/directory/nppes-sample.csv.gz"
work="$(mktemp -d /tmp/securebase-directory.XXXXXX)"
chmod 755 "$work"
pg_bin=/usr/lib/postgresql/15/bin
as_postgres() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
server=""
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
  [[ -f "$work/pg/postmaster.pid" ]] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: scripts/bootstrap --test installs it"; exit 1; }
echo "cores: $(nproc); $(date -u '+%Y-%m-%d %H:%M UTC'); load average $(cut -d' ' -f1 /proc/loadavg)"

echo "== 1. search"
port=$((30000 + RANDOM % 10000))
mkdir -p "$work/pg" "$work/sock"
[[ $(id -u) -eq 0 ]] && chown postgres "$work/pg" "$work/sock"
as_postgres "$pg_bin/initdb" -D "$work/pg" -U securebase -A trust -E UTF8 --no-sync >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -o \
  "-p $port -k $work/sock -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"$bin/directory_bench" --listings "$listings" --postgres "postgresql://securebase@127.0.0.1:$port/postgres"

echo "== 2. import of NPPES-layout rows"
copies=$(( (listings + 19999) / 20000 ))
zcat "$sample" | awk -v copies="$copies" -F'\n' '
  function check(base,   s, i, d) {  # the NPI check digit (Luhn over 80840 + base)
    s = 24
    for (i = 1; i <= 9; i++) { d = substr(base, i, 1) + 0; if (i % 2) { d *= 2; if (d > 9) d -= 9 } s += d }
    return (10 - s % 10) % 10
  }
  NR == 1 { print; next }
  { rows[NR - 1] = substr($0, index($0, ",")) }
  END {
    for (k = 0; k < copies; k++)
      for (i = 1; i < NR; i++) {
        base = sprintf("%09d", 100000000 + k * 20000 + i)
        printf "\"%s%d\"%s\n", base, check(base), rows[i]
      }
  }' >"$work/nppes.csv"
echo "$(($(wc -l <"$work/nppes.csv") - 1)) rows, $(du -m "$work/nppes.csv" | cut -f1) MB"
"$bin/securebase" migrate --database "sqlite://$work/import.db" >/dev/null
/usr/bin/time -f "import: %e s wall, %M KB peak memory" \
  "$bin/securebase" admin import-directory --format nppes --file "$work/nppes.csv" \
  --database "sqlite://$work/import.db" --places "$root/var/places.tsv" | tail -3
rm -f "$work/nppes.csv"

echo "== 3. GET /therapists at 64 connections"
db="sqlite://$work/web.db"
"$bin/securebase" migrate --database "$db" >/dev/null
"$bin/securebase" admin create-key --out "$work/data.key" >/dev/null
"$bin/securebase" admin seed-demo --database "$db" --data-key "$work/data.key" \
  --places "$root/var/places.tsv" --listings "$listings" >/dev/null
wport=$((40000 + RANDOM % 10000))
"$bin/securebase" serve --database "$db" --port "$wport" --content "$root/content" \
  --places "$root/var/places.tsv" --no-access-log --insecure-cookies \
  --data-key "$work/data.key" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$wport/healthz" >/dev/null && break; sleep 0.5; done
cat >"$work/zips.lua" <<'LUA'
-- Ten busy ZIP codes in turn, attachment-focused and accepting, within 25 km.
local zips = {"10001", "60614", "94110", "30303", "77002", "98101", "02115", "19103", "85004", "80202"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/therapists?place=" .. zips[n % #zips + 1] ..
                    "&radius=25&unit=km&attachment=1&accepting=1")
end
LUA
out=$(wrk -t2 -c64 -d"${duration}s" --latency -s "$work/zips.lua" "http://127.0.0.1:$wport")
echo "$out" | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx|Socket errors" || true
echo "server resident memory: $(($(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024)) MB"
