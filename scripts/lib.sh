# Shell helpers shared by scripts/run-tests and tests/cluster/run.

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# Waits up to 10 s for URL to answer (curl options after the URL, e.g. -k).
wait_for() {
  local url="$1"
  shift
  for _ in $(seq 1 100); do
    curl -fs "$@" "$url" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
