#!/usr/bin/env bash
# Benchmark: signed inbound SMS webhooks (throughput and latency, 16 connections), next to
# PostgreSQL running the same inserts (pgbench), then the inbox page with 1,000,000
# messages in the database. Usage: benches/conversations.sh [seconds=20]. Results in target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-20}"
scripts/setup
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk >/dev/null; }
. scripts/pg
. benches/memory.sh
out=target/bench
mkdir -p "$out"
export DATA_KEY="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

cargo build --release --features ssr --bin consentdesk
# The durable cluster of scripts/run, the server connected as the runtime role.
pg_bench_database consentdesk_bench_inbox
db="$BENCH_SUPER_URL"
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk migrate >/dev/null
APP_ENV=test target/release/consentdesk seed-demo >/dev/null

port="$(free_port 3300)"
path=/hooks/twilio/maple-ridge-motors/sms
APP_ENV=test RUST_LOG=warn RUN_WORKER=false PUBLIC_BASE_URL="http://127.0.0.1:$port" \
  LEPTOS_OUTPUT_NAME=consentdesk LEPTOS_SITE_ADDR="127.0.0.1:$port" target/release/consentdesk serve >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
rm -f "$out/memory.txt"
memory "$server" "conversations: idle"

echo "==> signing 150,000 webhooks"
python3 benches/sign_sms.py 150000 "http://127.0.0.1:$port$path" demo-auth-token >"$out/sms-requests.txt"
before="$(psql "$db" -qtAc "SELECT count(*) FROM messages")"
echo "==> wrk: POST $path (signed, each message new)"
wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -s benches/sms.lua "http://127.0.0.1:$port$path" -- "$PWD/$out/sms-requests.txt" 2 | tee "$out/wrk-sms.txt"
after="$(psql "$db" -qtAc "SELECT count(*) FROM messages")"
echo "stored $((after - before)) messages in ${SECONDS_EACH} s: $(( (after - before) / SECONDS_EACH )) per second" | tee -a "$out/wrk-sms.txt"
memory "$server" "conversations: after the webhooks"

org="$(psql "$db" -qtAc "SELECT id FROM organisations WHERE slug = 'maple-ridge-motors'")"
cat >"$out/pgbench-sms.sql" <<SQL
\set phone random(3125552000, 3125553999)
\set sid random(1, 1000000000000)
BEGIN;
INSERT INTO leads (org_id, name, phone, source) VALUES ('$org', 'Bench', '+1' || :phone, 'sms') ON CONFLICT (org_id, phone) DO NOTHING;
INSERT INTO conversations (org_id, lead_id, channel, customer_initiated) SELECT '$org', id, 'sms', true FROM leads WHERE org_id = '$org' AND phone = '+1' || :phone ON CONFLICT (org_id, lead_id, channel) WHERE channel <> 'chat' DO UPDATE SET customer_initiated = true;
INSERT INTO messages (org_id, conversation_id, direction, body, sender, status, provider_message_id) SELECT '$org', c.id, 'inbound', 'Benchmark message', 'customer', 'received', 'PG' || :sid FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.org_id = '$org' AND l.phone = '+1' || :phone AND c.channel = 'sms' ON CONFLICT (org_id, provider_message_id) DO NOTHING;
UPDATE conversations c SET last_activity_at = now(), unread_count = unread_count + 1 FROM leads l WHERE l.id = c.lead_id AND l.org_id = '$org' AND l.phone = '+1' || :phone AND c.channel = 'sms';
SELECT pg_notify('consentdesk_events', 'bench');
COMMIT;
SQL
echo "==> pgbench: the same inserts straight to PostgreSQL"
rm -f "$out"/pgbench_log.*
"$(dirname "$(command -v psql)")/pgbench" -n -c16 -j2 -T"$SECONDS_EACH" -l --log-prefix="$out/pgbench_log" -f "$out/pgbench-sms.sql" "$db" \
  | grep -E "tps|latency average" | tee "$out/pgbench-sms.txt"
cat "$out"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "p50 %.2f ms, p99 %.2f ms\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}' | tee -a "$out/pgbench-sms.txt"

echo "==> seeding 50,000 leads and 1,000,000 messages for the inbox"
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk seed-bulk --leads 50000 --messages 1000000 | tee "$out/seed-inbox.txt"
psql "$db" -qtAc "SELECT 'messages in the database: ' || count(*) FROM messages" | tee -a "$out/seed-inbox.txt"
cookie="$(curl -si -H 'Accept: application/json' -d 'email=manager@maple-ridge.example&password=consentdesk-demo' \
  "http://127.0.0.1:$port/api/login" | sed -n 's/^set-cookie: \(consentdesk_session=[^;]*\).*/\1/ip' | head -n 1)"
for page in "/conversations" "/conversations?view=unassigned&status=open&channel=sms"; do
  echo "==> wrk: GET $page"
  wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -H "Cookie: $cookie" -H "Accept: text/html" "http://127.0.0.1:$port$page" | tee -a "$out/wrk-inbox.txt"
  memory "$server" "conversations: after GET $page"
done
echo "==> results in $out"
