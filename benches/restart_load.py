"""Signed SMS webhooks from THREADS threads until STOP_AFTER seconds, recording which
MessageSids were acknowledged (2xx) and when each answer came. Usage:
restart_load.py URL TOKEN THREADS SECONDS OUT.json
"""
import base64, hashlib, hmac, json, sys, threading, time, urllib.error, urllib.parse, urllib.request

url, token, threads, seconds, out = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
start = time.monotonic()
results = []  # (sid, status, seconds since start)
lock = threading.Lock()


def signed(i, t):
    fields = {
        "MessageSid": f"SMrestart{t:02d}{i:08d}",
        "AccountSid": "ACbench",
        "From": f"+1312555{(i % 1000) + 3000:04d}",
        "To": "+13125550199",
        "Body": f"Restart test {t}/{i}",
        "NumMedia": "0",
    }
    data = url + "".join(k + fields[k] for k in sorted(fields))
    signature = base64.b64encode(hmac.new(token, data.encode(), hashlib.sha1).digest()).decode()
    return fields["MessageSid"], signature, urllib.parse.urlencode(fields).encode()


def worker(t):
    i = 0
    while time.monotonic() - start < seconds:
        sid, signature, body = signed(i, t)
        request = urllib.request.Request(url, data=body, headers={"X-Twilio-Signature": signature})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as e:
            status = e.code
        except Exception:
            status = 0  # no answer at all
        with lock:
            results.append((sid, status, time.monotonic() - start))
        i += 1


pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
for p in pool:
    p.start()
for p in pool:
    p.join()
with open(out, "w") as f:
    json.dump(results, f)
