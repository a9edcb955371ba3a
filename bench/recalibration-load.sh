#!/usr/bin/env bash
# The assessment step while a recalibration runs in the background (issue 15's goal: p99 of
# the step stays at or below 20 ms). A release server on SQLite holds ANSWER_SETS (default
# 5,000) simulated consented answer sets; CLIENTS (default 32) paced respondents (about 250 ms
# between answers) take the assessment for SECONDS_PER_RUN (default 30) twice: once with the
# server idle, once while calibrations are queued back to back so one is always running on
# the server's background worker. Prints both runs' step latency, and the latency of the
# steps that ended while a calibration was running (from the server log's start and end times
# of each, to the millisecond).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/build/release/securebase"
load="$root/build/release/assessment_load"
clients="${CLIENTS:-32}"
seconds="${SECONDS_PER_RUN:-30}"
sets="${ANSWER_SETS:-5000}"
work="$(mktemp -d /tmp/securebase-recal.XXXXXX)"
cleanup() {
  [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null || true
  [[ -n "${queuer:-}" ]] && kill "$queuer" 2>/dev/null || true
  if [[ -n "${KEEP:-}" ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

db="sqlite://$work/recal.db"
port=$((30000 + RANDOM % 10000))
"$bin" migrate --database "$db" >/dev/null
"$bin" admin create-key --out "$work/data.key" >/dev/null
"$bin" admin seed-answers --database "$db" --content "$root/content" --count "$sets" >/dev/null
# KEEP=1 also writes the access log (each request's time in the server), to look into slow steps.
access_log=--no-access-log
[[ -n "${KEEP:-}" ]] && access_log=
"$bin" serve --database "$db" --port "$port" --content "$root/content" $access_log \
  --insecure-cookies --data-key "$work/data.key" --pool-size 16 --background-poll-seconds 1 \
  >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
echo "== $clients paced respondents for ${seconds}s on $(nproc) cores; $sets consented answer sets"
echo "-- idle server"
("$load" "$port" "$clients" "$seconds" 250 || true) | sed 's/^/   /'
# Keep one calibration queued or running for the whole run: a new start is refused while
# one is active, so trying every half second starts the next as soon as one ends.
( while true; do "$bin" admin start-calibration --database "$db" --content "$root/content" \
    >/dev/null 2>&1 || true; sleep 0.5; done ) &
queuer=$!
sleep 1
echo "-- while calibrations are queued back to back"
(STEP_LOG="$work/steps.txt" "$load" "$port" "$clients" "$seconds" 250 || true) | sed 's/^/   /'
kill "$queuer"; wait "$queuer" 2>/dev/null || true; queuer=
# Each calibration's window in Unix milliseconds, from "[date time.ms] ... calibration N started"
# and "... ended" (spdlog writes local time, as `date -d` reads it).
to_ms() { echo $(( $(date -d "$1" +%s) * 1000 + 10#$2 )); }
grep -E 'calibration [0-9]+ (started|ended)' "$work/server.log" |
  sed -E 's/^\[([0-9-]+ [0-9:]+)\.([0-9]+)\].*calibration ([0-9]+) (started|ended).*/\1|\2|\3|\4/' |
  while IFS='|' read -r stamp ms id what; do echo "$id $what $(to_ms "$stamp" "$ms")"; done >"$work/windows.txt"
# The steps that ended inside a window, then their percentiles (sorted: mawk has no asort).
awk 'NR == FNR { if ($2 == "started") from[$1] = $3; else if ($1 in from) { lo[++n] = from[$1]; hi[n] = $3; busy += $3 - from[$1] } next }
     { for (i = 1; i <= n; i++) if ($1 >= lo[i] && $1 <= hi[i]) { print $2; break } }
     END { printf "calibrations run: %d, busy %.1f s of the %d s run (%.0f ms each on average)\n", n, busy / 1000, secs, n ? busy / n : 0 > "/dev/stderr" }' \
  secs="$seconds" "$work/windows.txt" "$work/steps.txt" 2>&1 >"$work/during.txt"
sort -n "$work/during.txt" | awk '{ v[NR] = $1 } END {
  k = int(0.99 * NR) + 1; if (k > NR) k = NR
  if (NR) printf "steps that ended while one ran: %d; p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", NR, v[int(0.5 * NR) + 1], v[k], v[NR]
  else print "steps that ended while one ran: none" }'
failed=$(sqlite3 "$work/recal.db" "SELECT COUNT(*) FROM calibrations WHERE status = 'failed'")
echo "calibrations failed: $failed"
kill -TERM "$server"; wait "$server" || true; server=
