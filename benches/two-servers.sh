#!/usr/bin/env bash
# Two app servers on one PostgreSQL (issue 12, item 5): what scripts/run serves, started
# twice on the durable cluster as the runtime role, both running the background workers.
# benches/two_servers.py then checks, through HTTP only, that
#   - a session made on one server works on the other, and a sign-out on one ends it on both;
#   - a live inbox open on server A hears of a text that arrived through server B;
#   - replies sent through both servers reach a stub carrier (Twilio's wire format) exactly
#     once each, with both outbox workers taking part.
# Usage: benches/two-servers.sh [replies=400]. Results in target/bench/two-servers.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
REPLIES="${1:-400}"
scripts/setup run
. scripts/pg
. benches/memory.sh
out=target/bench
mkdir -p "$out"
scripts/build-site
pg_bench_database consentdesk_two
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="
export DATA_KEY="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk migrate >/dev/null
APP_ENV=test target/release/consentdesk seed-demo >/dev/null

a="$(free_port 3500)"
b="$(free_port $((a + 1)))"
stub="$(free_port $((b + 1)))"
# Behind a load balancer both servers answer for one public address: webhooks are signed
# for it, and carriers call it back.
export PUBLIC_BASE_URL="http://127.0.0.1:$a" ALLOW_CUSTOM_CARRIER_URLS=true APP_ENV=test RUST_LOG=warn
LEPTOS_SITE_ADDR="127.0.0.1:$a" target/release/consentdesk serve >"$out/two-servers-a.log" 2>&1 &
server_a=$!
LEPTOS_SITE_ADDR="127.0.0.1:$b" target/release/consentdesk serve >"$out/two-servers-b.log" 2>&1 &
server_b=$!
trap 'kill $server_a $server_b 2>/dev/null || true' EXIT
for port in "$a" "$b"; do
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
done
python3 benches/two_servers.py "$a" "$b" "$stub" "$BENCH_SUPER_URL" "$REPLIES" "$server_a" "$server_b" |
  tee "$out/two-servers.txt"
rm -f "$out/memory.txt"
memory "$server_a" "two servers: A, after the run" | tee -a "$out/two-servers.txt"
memory "$server_b" "two servers: B, after the run" | tee -a "$out/two-servers.txt"
