"""Writes N signed Twilio SMS webhooks, one per line: signature TAB form body.

Signed exactly as Twilio documents (URL + sorted name/value pairs, HMAC-SHA1, base64),
so the server does the full check on every request. Usage: sign_sms.py N URL TOKEN [FIRST]
(FIRST numbers the message ids from there, so several files never repeat one.)
"""
import base64, hashlib, hmac, sys, urllib.parse

count, url, token = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
for i in range(first, first + count):
    fields = {
        "MessageSid": f"SMbench{i:010d}",
        "AccountSid": "ACbench",
        "From": f"+1312555{(i % 2000) + 2000:04d}",
        "To": "+13125550199",
        "Body": f"Benchmark message {i}: is the Outback still available?",
        "NumMedia": "0",
    }
    data = url + "".join(k + fields[k] for k in sorted(fields))
    signature = base64.b64encode(hmac.new(token, data.encode(), hashlib.sha1).digest()).decode()
    print(signature + "\t" + urllib.parse.urlencode(fields))
