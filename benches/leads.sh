#!/usr/bin/env bash
# Benchmark: the leads page and its search with 100,000 leads, under 16 concurrent
# connections, next to PostgreSQL's own time for the same queries (pgbench).
# Usage: benches/leads.sh [leads=100000] [seconds=20]. Results go to target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
LEADS="${1:-100000}"
SECONDS_EACH="${2:-20}"
scripts/setup
command -v wrk >/dev/null || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq wrk >/dev/null || sudo apt-get install -y -qq wrk >/dev/null; }
. scripts/pg
. benches/memory.sh
out=target/bench
mkdir -p "$out"
rm -f "$out/memory.txt"

echo "==> release build of the server"
cargo build --release --features ssr --bin consentdesk
# The durable cluster of scripts/run (PostgreSQL's default fsync and commit settings), the
# server connected as the runtime role, as in production.
pg_bench_database consentdesk_bench
db="$BENCH_SUPER_URL"
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk migrate >/dev/null
APP_ENV=test target/release/consentdesk seed-demo >/dev/null
echo "==> seeding $LEADS leads"
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk seed-bulk --leads "$LEADS" | tee "$out/seed.txt"

port="$(free_port 3200)"
APP_ENV=test RUST_LOG=warn LEPTOS_OUTPUT_NAME=consentdesk LEPTOS_SITE_ADDR="127.0.0.1:$port" \
  target/release/consentdesk serve >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
cookie="$(curl -si -H 'Accept: application/json' -d 'email=manager@maple-ridge.example&password=consentdesk-demo' \
  "http://127.0.0.1:$port/api/login" | sed -n 's/^set-cookie: \(consentdesk_session=[^;]*\).*/\1/ip' | head -n 1)"
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }
memory "$server" "leads: idle, signed in"

run_wrk() {
  local name="$1" path="$2"
  echo "==> wrk $name: GET $path"
  wrk -t2 -c16 -d"${SECONDS_EACH}s" --latency -H "Cookie: $cookie" -H "Accept: text/html" \
    "http://127.0.0.1:$port$path" | tee "$out/wrk-$name.txt"
  memory "$server" "leads: after $name"
}
run_wrk first-page "/leads"
run_wrk search-name "/leads?q=garcia"
run_wrk search-phone "/leads?q=312200"
run_wrk filtered "/leads?status=qualified&tag=trade-in&sort=name"

# The same SQL the page runs after the session and caller lookups (page, team and, when
# the first page is full, the capped count), straight to PostgreSQL.
org="$(psql "$db" -qtAc "SELECT id FROM organisations WHERE slug = 'maple-ridge-motors'")"
session_id="${cookie#consentdesk_session=}"
manager="$(psql "$db" -qtAc "SELECT id FROM users WHERE email = 'manager@maple-ridge.example'")"
run_pgbench() {
  local name="$1" where="$2" order="$3" count="$4" request="${5:-}"
  {
    # with-request: also what every signed-in page asks first (the session, the caller).
    if [ "$request" = with-request ]; then
      echo "SELECT data FROM tower_sessions.session WHERE id = '$session_id' AND expiry_date > now();"
      echo "SELECT u.org_id, u.role, u.active, u.session_epoch, u.must_change_password, u.name, u.email, o.name, o.slug, o.vertical, CASE WHEN u.role = 'agent' THEN 0 ELSE (SELECT count(*) FROM privacy_requests r WHERE r.org_id = u.org_id AND r.status NOT IN ('completed', 'rejected') AND r.due_on <= (now() AT TIME ZONE o.time_zone)::date + 3) END FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = '$manager';"
    fi
    echo "SELECT l.id, l.name, l.email, l.phone, l.source, l.status, u.name, l.tags, l.created_at FROM leads l LEFT JOIN users u ON u.id = l.assigned_to WHERE l.org_id = '$org' $where ORDER BY $order LIMIT 51;"
    echo "SELECT id, name FROM users WHERE org_id = '$org' AND active AND role IN ('manager', 'agent') ORDER BY lower(name), id;"
    [ "$count" = count ] && echo "SELECT count(*) FROM (SELECT 1 FROM leads l WHERE l.org_id = '$org' $where LIMIT 1000) matching;"
  } >"$out/pgbench-$name.sql"
  echo "==> pgbench $name"
  rm -f "$out"/pgbench_log.*
  "$(dirname "$(command -v psql)")/pgbench" -n -c16 -j2 -T"$SECONDS_EACH" -l --log-prefix="$out/pgbench_log" \
    -f "$out/pgbench-$name.sql" "$db" | grep -E "tps|latency average" | tee "$out/pgbench-$name.txt"
  cat "$out"/pgbench_log.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "p50 %.2f ms, p99 %.2f ms\n", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}' | tee -a "$out/pgbench-$name.txt"
}
newest="l.created_at DESC, l.id DESC"
run_pgbench first-page "" "$newest" count
run_pgbench first-page-with-request "" "$newest" count with-request
run_pgbench search-name "AND l.search_words @@ to_tsquery('simple', 'garcia:*')" "$newest" count
run_pgbench search-phone "AND l.phone LIKE '%312200%'" "$newest" no-count
run_pgbench filtered "AND l.status = 'qualified' AND l.tags @> ARRAY['trade-in']::text[]" "lower(l.name) ASC, l.id ASC" count
echo "==> results in $out"
