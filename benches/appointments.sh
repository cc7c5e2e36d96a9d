#!/usr/bin/env bash
# Benchmark (issue 15): the calendar and the booking form's free slots with 40,000
# appointments for 25 people, and how fast the reminder worker fires a backlog of due
# reminders (each through may_send; those to a consenting number queued, the rest skipped).
# Usage: benches/appointments.sh [seconds=15]. Results in target/bench/appointments.txt.
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
pg_bench_database consentdesk_bench_appointments
db="$BENCH_SUPER_URL"
DATABASE_URL="$DATABASE_OWNER_URL" "$bin" migrate >/dev/null
APP_ENV=test "$bin" seed-demo >/dev/null
org="$(psql "$db" -qtAc "SELECT id FROM organisations WHERE slug = 'maple-ridge-motors'")"
agent="$(psql "$db" -qtAc "SELECT id FROM users WHERE email = 'agent@maple-ridge.example'")"
maria="$(psql "$db" -qtAc "SELECT id FROM leads WHERE phone = '+13125550142'")"

# Every demo customer's clock reads noon now, so quiet hours hold no reminder back.
h=$((10#$(date -u +%H))); off=$((12 - h))
if [ "$off" -gt 0 ]; then zone="Etc/GMT-$off"; elif [ "$off" -lt 0 ]; then zone="Etc/GMT+$((-off))"; else zone="Etc/GMT"; fi
psql "$db" -qc "UPDATE leads SET time_zone = '$zone' WHERE org_id = '$org'"

echo "==> 24 more agents, six appointments a day each (the demo agent too) from 180 days ago to 90 days ahead"
psql "$db" -qc "
INSERT INTO users (org_id, email, name, role, password_hash)
SELECT org_id, 'bench' || g || '@maple-ridge.example', 'Bench Agent ' || g, 'agent', password_hash
FROM users, generate_series(1, 24) g WHERE email = 'agent@maple-ridge.example';
INSERT INTO appointments (org_id, lead_id, type_id, assignee_id, starts_at, ends_at, time_zone, status, source)
SELECT '$org', l.id, t.id, u.id, s, s + interval '45 minutes', 'America/Chicago',
       CASE WHEN s < now() THEN 'shown' ELSE 'scheduled' END::appointment_status, 'staff'
FROM users u
JOIN appointment_types t ON t.org_id = u.org_id AND t.name = 'Test drive'
CROSS JOIN generate_series(-180, 90) d
CROSS JOIN unnest(ARRAY[15, 16, 17, 19, 20, 22]) hour
CROSS JOIN LATERAL (SELECT date_trunc('day', now()) + make_interval(days => d, hours => hour) AS s) slot
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM leads WHERE org_id = '$org' AND phone IS NOT NULL) pool
CROSS JOIN LATERAL (SELECT pool.ids[1 + abs(hashtext(u.id::text || d || '/' || hour)) % cardinality(pool.ids)] AS id) l
WHERE u.org_id = '$org' AND u.role = 'agent'
ON CONFLICT DO NOTHING;
ANALYZE appointments;"
psql "$db" -qtAc "SELECT 'appointments: ' || count(*) FROM appointments" | tee "$out/appointments.txt"

port="$(free_port 3400)"
serve() {
  APP_ENV=test RUST_LOG=warn RUN_WORKER="$1" PUBLIC_BASE_URL="http://127.0.0.1:$port" \
    LEPTOS_OUTPUT_NAME=consentdesk LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve >"$out/appointments-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
serve false
trap 'kill $server 2>/dev/null || true' EXIT
cookie="$(curl -si -H 'Accept: application/json' -d 'email=manager@maple-ridge.example&password=consentdesk-demo' \
  "http://127.0.0.1:$port/api/login" | sed -n 's/^set-cookie: \(consentdesk_session=[^;]*\).*/\1/ip' | head -n 1)"
[ -n "$cookie" ] || { echo "could not sign in" >&2; exit 1; }

run() { # label, then wrk's arguments
  local label="$1"; shift
  printf '%s: ' "$label" | tee -a "$out/appointments.txt"
  wrk -t2 -c8 -d"${SECONDS_EACH}s" --latency -H "Cookie: $cookie" "$@" \
    | awk '/Requests\/sec/ {rps=$2} / 50%/ {p50=$2} / 99%/ {p99=$2} END {printf "%s req/s, p50 %s, p99 %s\n", rps, p50, p99}' \
    | tee -a "$out/appointments.txt"
}
run "calendar week page (25 people, ~1,000 appointments)" -H "Accept: text/html" "http://127.0.0.1:$port/calendar"
run "calendar day page, one person" -H "Accept: text/html" "http://127.0.0.1:$port/calendar?view=day&assignee=$agent"
printf 'wrk.method = "POST"\nwrk.body = "lead=%s&assignee=%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Accept"] = "application/json"\n' \
  "$maria" "$agent" >"$out/booking-options.lua"
# Measured only if it answers: a typo in a path would otherwise time error pages.
curl -fsS -o /dev/null -H "Cookie: $cookie" -H 'Accept: application/json' -d "lead=$maria&assignee=$agent" \
  "http://127.0.0.1:$port/api/booking_options" || { echo "the booking options do not answer" >&2; exit 1; }
run "free slots for the booking form (21 days, a busy person)" -s "$out/booking-options.lua" "http://127.0.0.1:$port/api/booking_options"

echo "==> the reminder worker fires every future appointment's reminders, all due now" | tee -a "$out/appointments.txt"
kill "$server"; wait "$server" 2>/dev/null || true
psql "$db" -qc "INSERT INTO appointment_reminders (org_id, appointment_id, offset_minutes, due_at, run_at)
                SELECT org_id, id, 120, now(), now() FROM appointments WHERE status = 'scheduled' ON CONFLICT DO NOTHING"
due() { psql "$db" -qtAc "SELECT count(*) FROM appointment_reminders WHERE state = 'scheduled' AND run_at <= now()"; }
total="$(due)"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
serve true
started=$(now_ms)
while [ "$(due)" -gt 0 ] && [ $(( $(now_ms) - started )) -lt 600000 ]; do sleep 0.5; done
took=$(( $(now_ms) - started ))
left="$(due)"
echo "worker: $((total - left)) reminders in $took ms: $(( (total - left) * 60000 / (took + 1) )) per minute" | tee -a "$out/appointments.txt"
psql "$db" -qtAc "SELECT state || coalesce(' (' || reason || ')', '') || ': ' || count(*) FROM appointment_reminders
                  GROUP BY state, reason ORDER BY count(*) DESC" | tee -a "$out/appointments.txt"
echo "==> results in $out/appointments.txt"
