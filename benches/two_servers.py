"""Checks run by benches/two-servers.sh against two servers on one database.
Usage: two_servers.py PORT_A PORT_B STUB_PORT DATABASE_URL REPLIES PID_A PID_B
Exits non-zero when a check fails."""
import base64, collections, hashlib, hmac, json, subprocess, sys, threading, time
import urllib.error, urllib.parse, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_a, port_b, stub_port, db, replies, pid_a, pid_b = sys.argv[1:8]
replies = int(replies)
A, B = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
TOKEN = "two-servers-token"
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


# The carrier: Twilio's Messages API, counting every message it is asked to send.
sent = collections.Counter()
by_instance = collections.Counter()
lock = threading.Lock()


class Carrier(BaseHTTPRequestHandler):
    def do_POST(self):
        fields = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        time.sleep(0.01)  # a carrier is not instant: both workers get a share
        with lock:
            sent[fields["Body"][0]] += 1
            by_instance[self.headers.get("User-Agent", "?")] += 1
            n = sum(sent.values())
        answer = json.dumps({"sid": f"SMstub{n:08d}", "status": "queued"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


carrier = ThreadingHTTPServer(("127.0.0.1", int(stub_port)), Carrier)
threading.Thread(target=carrier.serve_forever, daemon=True).start()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None  # a redirect is an answer to check, not to follow


opener = urllib.request.build_opener(NoRedirect)


def request(base, path, form=None, cookie=None, accept="application/json"):
    headers = {"Accept": accept, "Sec-Fetch-Site": "same-origin"}
    if cookie:
        headers["Cookie"] = cookie
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        with opener.open(req, timeout=20) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def psql(sql):
    return subprocess.run(["psql", db, "-qtAc", sql], capture_output=True, text=True, check=True).stdout.strip()


# 1. Sessions live in the database: made on A, good on B; ended on B, gone on A.
status, headers, _ = request(A, "/api/login", {"email": "manager@maple-ridge.example", "password": "consentdesk-demo"})
cookie = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("consentdesk_session="))
status, _, page = request(B, "/leads", cookie=cookie, accept="text/html")
check(status == 200 and "data-testid=\"user-name\"" in page, "a session made on A is signed in on B")
_, headers, _ = request(A, "/api/login", {"email": "agent@maple-ridge.example", "password": "consentdesk-demo"})
short = next(c.split(";")[0] for c in headers.get_all("Set-Cookie") if c.startswith("consentdesk_session="))
request(B, "/api/logout", {}, cookie=short)
status, _, _ = request(A, "/leads", cookie=short, accept="text/html")
check(status in (302, 303), f"a sign-out on B ends the session on A too (A answers {status})")

# The store moves to a Twilio account (the stub) through A.
status, _, body = request(A, "/api/save_messaging_settings", {
    "input[provider]": "twilio", "input[account_sid]": "ACtwoservers", "input[auth_token]": TOKEN,
    "input[api_base_url]": f"http://127.0.0.1:{stub_port}", "input[phone_numbers]": "+13125550199",
    "input[public_base_url]": A, "input[whatsapp_app_secret]": "", "input[whatsapp_verify_token]": "",
}, cookie=cookie)
check(status == 200, f"carrier settings saved through A ({status} {body[:200]})")

# 2. A live inbox open on A.
events = []


def listen():
    req = urllib.request.Request(A + "/events", headers={"Cookie": cookie, "Accept": "text/event-stream"})
    with urllib.request.urlopen(req, timeout=120) as stream:
        for line in stream:
            events.append((time.monotonic(), line.decode().strip()))


threading.Thread(target=listen, daemon=True).start()
time.sleep(0.5)

# Texts arrive through B, signed for the public address.
customers = [f"+1312555{7000 + i:04d}" for i in range(20)]
arrived = {}
path = "/hooks/twilio/maple-ridge-motors/sms"
for i, phone in enumerate(customers):
    fields = {"MessageSid": f"SMtwo{i:04d}", "From": phone, "To": "+13125550199", "Body": "Is the truck still for sale?"}
    signed = A + path + "".join(k + fields[k] for k in sorted(fields))
    signature = base64.b64encode(hmac.new(TOKEN.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    arrived[fields["MessageSid"]] = time.monotonic()
    req = urllib.request.Request(B + path, data=urllib.parse.urlencode(fields).encode(), headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 200, r.status
conversations = psql("SELECT string_agg(conversation_id::text, ' ') FROM messages WHERE provider_message_id LIKE 'SMtwo%'").split()
check(len(conversations) == len(customers), f"{len(conversations)} of {len(customers)} texts stored through B")
deadline = time.monotonic() + 10
while time.monotonic() < deadline and not all(any(c in line for _, line in events) for c in conversations):
    time.sleep(0.05)
heard = [c for c in conversations if any(c in line for _, line in events)]
first_at = min((t for t, line in events if any(c in line for c in conversations)), default=None)
lag = f", the first {1000 * (first_at - min(arrived.values())):.0f} ms after it arrived" if first_at else ""
check(len(heard) == len(conversations), f"the live inbox on A heard {len(heard)} of {len(conversations)} texts that came through B{lag}")

# 3. Replies through both servers, sent by both outbox workers, each exactly once.
bodies = [f"Two-servers reply {n}" for n in range(replies)]
answers = collections.Counter()


def reply(n):
    base = A if n % 2 == 0 else B
    status, _, _ = request(base, "/api/send_reply", {
        "id": conversations[n % len(conversations)], "body": bodies[n], "category": "conversational"}, cookie=cookie)
    with lock:
        answers[status] += 1


started = time.monotonic()
threads = [threading.Thread(target=lambda k=k: [reply(n) for n in range(k, replies, 8)]) for k in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
check(answers == {200: replies}, f"{replies} replies accepted, half through each server ({dict(answers)})")
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    done = int(psql("SELECT count(*) FROM messages WHERE body LIKE 'Two-servers reply %' AND status IN ('sent', 'delivered')"))
    if done >= replies:
        break
    time.sleep(0.2)
elapsed = time.monotonic() - started
time.sleep(2)  # anything sent twice would arrive now
with lock:
    twice = [b for b, n in sent.items() if n > 1]
    missing = [b for b in bodies if sent[b] == 0]
    shares = dict(by_instance)
check(not missing and done >= replies, f"every reply reached the carrier: {replies - len(missing)} of {replies} in {elapsed:.1f} s")
check(not twice, f"none reached it twice ({len(twice)} did)")
check(len(shares) == 2 and min(shares.values()) > 0,
      "both outbox workers sent: " + ", ".join(f"{agent.split('instance ')[-1].rstrip(')')}: {n}" for agent, n in shares.items())
      + f" (servers are pids {pid_a} and {pid_b})")
carrier.shutdown()
sys.exit(1 if failures else 0)
