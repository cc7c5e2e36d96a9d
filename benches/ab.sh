#!/usr/bin/env bash
# Two builds of the server on one machine and one database: the lead list's first page,
# 15 s of wrk each, alternating old and new three times (machines of one kind differ by a
# fifth or more, so a change is judged against its parent on the same machine).
# Usage: benches/ab.sh OLD_BINARY NEW_BINARY, after benches/leads.sh has seeded its
# database (consentdesk_bench, 100,000 leads). Build the old one from a worktree of the
# parent commit (`cargo build --release --features ssr`) and copy it aside first.
set -euo pipefail
cd "$(dirname "$0")/.."
old="$1" new="$2"
. scripts/pg
pg_run_cluster >/dev/null
pg_app_database consentdesk_bench >/dev/null
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="
port="$(free_port 3300)"
run() {
  local bin="$1" pid cookie
  APP_ENV=test RUST_LOG=warn LEPTOS_OUTPUT_NAME=consentdesk LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    "$bin" serve >target/bench/ab-server.log 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  cookie="$(curl -si -H 'Accept: application/json' -d 'email=manager@maple-ridge.example&password=consentdesk-demo' \
    "http://127.0.0.1:$port/api/login" | sed -n 's/^set-cookie: \(consentdesk_session=[^;]*\).*/\1/ip' | head -n 1)"
  wrk -t2 -c16 -d3s -H "Cookie: $cookie" -H "Accept: text/html" "http://127.0.0.1:$port/leads" >/dev/null
  printf '%s: ' "$bin"
  wrk -t2 -c16 -d15s -H "Cookie: $cookie" -H "Accept: text/html" "http://127.0.0.1:$port/leads" | grep Requests/sec
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}
mkdir -p target/bench
for _ in 1 2 3; do run "$old"; run "$new"; done
