#!/usr/bin/env bash
# PostgreSQL restarts under load (issue 11, item 7): the server runs as the runtime role on
# the durable cluster of scripts/run; 8 threads post signed SMS webhooks; after 3 s the
# cluster is restarted with `pg_ctl restart -m immediate` (a crash, as far as PostgreSQL is
# concerned). Afterwards it reports: acknowledged messages missing from the database (must
# be 0), answers other than 2xx, how long until the server answered 2xx again, and whether
# the background loops still work (live events, the outbox worker, session clean-up).
# Usage: benches/restart.sh [seconds=12]. Results in target/bench/restart.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL="${1:-12}"
scripts/setup
. scripts/pg
out=target/bench
mkdir -p "$out"
cargo build --release --features ssr --bin consentdesk
pg_bench_database consentdesk_restart
export LEDGER_KEY="dGVzdCBsZWRnZXIga2V5OiBuZXZlciB1c2VkIGluIHByb2R1Y3Rpb24="
export DATA_KEY="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
DATABASE_URL="$DATABASE_OWNER_URL" target/release/consentdesk migrate >/dev/null
APP_ENV=test target/release/consentdesk seed-demo >/dev/null

port="$(free_port 3400)"
path=/hooks/twilio/maple-ridge-motors/sms
APP_ENV=test RUST_LOG=warn PUBLIC_BASE_URL="http://127.0.0.1:$port" LEPTOS_OUTPUT_NAME=consentdesk \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" target/release/consentdesk serve >"$out/restart-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
cookie="$(curl -si -H 'Accept: application/json' -d 'email=manager@maple-ridge.example&password=consentdesk-demo' \
  "http://127.0.0.1:$port/api/login" | sed -n 's/^set-cookie: \(consentdesk_session=[^;]*\).*/\1/ip' | head -n 1)"
# A live-event stream opened before the restart: it must hear of messages after it.
curl -sN -H "Cookie: $cookie" "http://127.0.0.1:$port/events" >"$out/restart-events.txt" 2>/dev/null &
events=$!
trap 'kill $server $events 2>/dev/null || true' EXIT

echo "==> load for ${SECONDS_TOTAL} s; the cluster restarts (immediate mode) after 3 s"
python3 benches/restart_load.py "http://127.0.0.1:$port$path" demo-auth-token 8 "$SECONDS_TOTAL" "$out/restart-results.json" &
load=$!
sleep 3
restart_at="$(date +%s.%N)"
# pg_ctl restarts with the options of the last start (port, socket, addresses).
pg_as "$(pg_bin)/pg_ctl" -D "$PWD/.data/pg" -m immediate -w restart >/dev/null
up_at="$(date +%s.%N)"
wait $load

# After the storm: a new text (live event), a reply (the outbox worker), a sign-in.
sid="SMafter$(date +%s)"
python3 - "$port" "$path" "$sid" >/dev/null <<'PY'
import base64, hashlib, hmac, sys, urllib.parse, urllib.request
port, path, sid = sys.argv[1:4]
url = f"http://127.0.0.1:{port}{path}"
fields = {"MessageSid": sid, "From": "+13125550142", "To": "+13125550199", "Body": "After the restart"}
data = url + "".join(k + fields[k] for k in sorted(fields))
sig = base64.b64encode(hmac.new(b"demo-auth-token", data.encode(), hashlib.sha1).digest()).decode()
urllib.request.urlopen(urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"X-Twilio-Signature": sig}))
PY
conversation="$(psql "$BENCH_SUPER_URL" -qtAc "SELECT conversation_id FROM messages WHERE provider_message_id = '$sid'")"
curl -s -H 'Accept: application/json' -H 'Sec-Fetch-Site: same-origin' -H "Cookie: $cookie" \
  --data-urlencode "id=$conversation" --data-urlencode 'body=We are back' --data-urlencode 'category=conversational' \
  "http://127.0.0.1:$port/api/send_reply" >/dev/null
sleep 3
kill $events 2>/dev/null || true

python3 - "$out/restart-results.json" "$BENCH_SUPER_URL" "$restart_at" "$up_at" "$conversation" "$out" <<'PY' | tee "$out/restart.txt"
import json, subprocess, sys
results_file, db, restart_at, up_at, conversation, out = sys.argv[1:7]
results = json.load(open(results_file))
acked = [sid for sid, status, _ in results if 200 <= status < 300]
stored = set(subprocess.run(["psql", db, "-qtAc", "SELECT provider_message_id FROM messages WHERE provider_message_id LIKE 'SMrestart%'"],
                            capture_output=True, text=True, check=True).stdout.split())
missing = [sid for sid in acked if sid not in stored]
failed = [(status, t) for _, status, t in results if not 200 <= status < 300]
first_failure = min((t for _, t in failed), default=None)
last_failure = max((t for _, t in failed), default=None)
events = open(f"{out}/restart-events.txt").read()
reply = subprocess.run(["psql", db, "-qtAc", "SELECT status FROM messages WHERE body = 'We are back'"],
                       capture_output=True, text=True, check=True).stdout.strip()
print(f"requests: {len(results)}, acknowledged (2xx): {len(acked)}, stored: {len(stored)}")
print(f"acknowledged but missing after the restart: {len(missing)}")
print(f"answers other than 2xx: {len(failed)}" + (f", between {first_failure:.1f} s and {last_failure:.1f} s" if failed else ""))
print(f"pg_ctl restart took {float(up_at) - float(restart_at):.1f} s")
print(f"live events after the restart: {'yes' if conversation in events else 'NO'}")
print(f"outbox worker after the restart: the reply is {reply or 'missing'}")
sys.exit(1 if missing or conversation not in events or reply not in ('sent', 'delivered') else 0)
PY
