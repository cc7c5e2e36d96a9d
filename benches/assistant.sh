#!/usr/bin/env bash
# Benchmark (issue 14): signed inbound SMS webhooks with the autopilot off and on (the
# built-in assistant), alternating three times so neither gains from going first; then
# how fast the background worker clears what they queued (insight and autopilot turns).
# Usage: benches/assistant.sh [seconds=15]. Results in target/bench/assistant-*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-15}"
scripts/setup
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk >/dev/null; }
. scripts/pg
out=target/bench
mkdir -p "$out"
export DATA_KEY="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="

cargo build --release --features ssr --bin consentdesk
bin="${CARGO_TARGET_DIR:-target}/release/consentdesk"
pg_bench_database consentdesk_bench_ai
db="$BENCH_SUPER_URL"
DATABASE_URL="$DATABASE_OWNER_URL" "$bin" migrate >/dev/null
APP_ENV=test "$bin" seed-demo >/dev/null
org="$(psql "$db" -qtAc "SELECT id FROM organisations WHERE slug = 'maple-ridge-motors'")"

port="$(free_port 3300)"
path=/hooks/twilio/maple-ridge-motors/sms
serve() {
  APP_ENV=test RUST_LOG=warn RUN_WORKER="$1" PUBLIC_BASE_URL="http://127.0.0.1:$port" \
    LEPTOS_OUTPUT_NAME=consentdesk LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve >"$out/assistant-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
serve false
trap 'kill $server 2>/dev/null || true' EXIT

# The autopilot answers texts at once (no business day), or not at all.
autopilot() {
  psql "$db" -qc "INSERT INTO ai_settings (org_id, autopilot_channels, business_days) VALUES ('$org', '{$1}', '{}')
                  ON CONFLICT (org_id) DO UPDATE SET autopilot_channels = EXCLUDED.autopilot_channels, business_days = '{}'"
}

result="$out/assistant-webhooks.txt"
: >"$result"
round=0
for _ in 1 2 3; do
  for mode in off on; do
    round=$((round + 1))
    python3 benches/sign_sms.py 60000 "http://127.0.0.1:$port$path" demo-auth-token $((round * 1000000)) >"$out/assistant-sms-$round.txt"
    if [ "$mode" = on ]; then autopilot sms; else autopilot ""; fi
    printf 'autopilot %s: ' "$mode" | tee -a "$result"
    wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -s benches/sms.lua "http://127.0.0.1:$port$path" -- "$PWD/$out/assistant-sms-$round.txt" 2 \
      | awk '/Requests\/sec/ {rps=$2} / 99%/ {p99=$2} END {printf "%s req/s, p99 %s\n", rps, p99}' | tee -a "$result"
  done
done

echo "==> the worker clears the queue" | tee -a "$result"
kill "$server"; wait "$server" 2>/dev/null || true
queued() { psql "$db" -qtAc "SELECT count(*) FILTER (WHERE kind = 'insight') || ' ' || count(*) FILTER (WHERE kind = 'autopilot') FROM ai_jobs"; }
read -r insight turns <<<"$(queued)"
echo "queued: $insight insight jobs, $turns autopilot turns (one per conversation and kind)" | tee -a "$result"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
serve true
started=$(now_ms)
while :; do
  read -r left_i left_t <<<"$(queued)"
  [ $((left_i + left_t)) -eq 0 ] && break
  [ $(( $(now_ms) - started )) -gt 300000 ] && break
  sleep 0.2
done
took=$(( $(now_ms) - started ))
done_jobs=$((insight + turns - left_i - left_t))
echo "worker: $done_jobs jobs in $took ms: $(( done_jobs * 60000 / (took + 1) )) per minute" | tee -a "$result"
psql "$db" -qtAc "SELECT 'AI events: ' || count(*) || ', autopilot messages: ' || (SELECT count(*) FROM messages WHERE sender = 'ai')
                  || ', handoffs: ' || (SELECT count(*) FROM conversations WHERE ai_handoff IS NOT NULL) FROM ai_events" | tee -a "$result"
echo "==> results in $result"
