#!/usr/bin/env bash
# Benchmark: what a first visit to the sign-in page and to the leads page costs in headless
# Chromium, with an empty cache: bytes over the wire, requests, time until hydrated.
# Builds and serves exactly what scripts/run serves (scripts/build-site), on a database with
# the demo dealership and 1,000 leads (a full first page).
# Usage: benches/first-load.sh [runs=7]. Results go to target/bench/first-load.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
scripts/setup test
. scripts/pg
. benches/memory.sh
out=target/bench
mkdir -p "$out"
scripts/build-site
pg_bench_database consentdesk_firstload
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk migrate >/dev/null
APP_ENV=test target/release/consentdesk seed-demo >/dev/null
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk seed-bulk --leads 1000 >/dev/null

port="$(free_port 3250)"
APP_ENV=test RUST_LOG=warn LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  target/release/consentdesk serve >"$out/first-load-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
{
  echo "build $(cat target/site/build-id), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores"
  node benches/first_load.mjs "http://127.0.0.1:$port" "$RUNS" loopback
  node benches/first_load.mjs "http://127.0.0.1:$port" "$RUNS" dsl
  rm -f "$out/memory.txt"
  memory "$server" "first visits: after $((RUNS * 2)) browser sessions"
} | tee "$out/first-load.txt"
