#!/usr/bin/env bash
# Lighthouse's mobile preset on Today, a question, a result and the journal, against a
# throwaway release server with one account (tests/lighthouse/run.mjs; npm lighthouse 12.2.3
# driving Debian's chromium). Prints the scores as a Markdown table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${BIN:-$root/build/release/securebase}"
work="$(mktemp -d /tmp/securebase-lighthouse.XXXXXX)"
server=""
cleanup() { [[ -n "$server" ]] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$root/tests/lighthouse" && [[ -d node_modules/lighthouse ]] || npm install --no-audit --no-fund >/dev/null)
db="sqlite://$work/lh.db"
"$bin" migrate --database "$db" >/dev/null
"$bin" admin create-key --out "$work/data.key" >/dev/null
password="a calm and long password"
echo "$password" | "$bin" admin create-user --database "$db" --email lighthouse@example.org --role member >/dev/null
port=$((30000 + RANDOM % 10000))
"$bin" serve --database "$db" --port "$port" --content "$root/content" --places "$root/var/places.tsv" \
  --insecure-cookies --data-key "$work/data.key" --no-access-log >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), lighthouse 12.2.3, $(chromium --version 2>/dev/null | head -1)"
cd "$root/tests/lighthouse"
BASE_URL="http://127.0.0.1:$port" EMAIL=lighthouse@example.org PASSWORD="$password" \
  ARTIFACTS="${ARTIFACTS:-$root/tests/lighthouse/artifacts}" node run.mjs
