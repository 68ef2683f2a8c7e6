#!/usr/bin/env python3
"""Sync of a phone's offline outbox (issue 32), as the on-site page sends
it: one assessor's 100 queued verdict records and 20 photos of about 3 MB,
in order over loopback; each photo asked for by hash, then sent in chunks
of 512 KiB, then its record. Prints the wall time, the number of requests
and the server's resident memory (before, peak, after), then sends the
whole outbox again (a phone whose answers were lost) and checks that
nothing new is recorded.

Usage: nice -n 19 python3 bench/field-sync.py [KAOPING_BIN]
Environment: VISITS=100 PHOTOS=20 SIZE_MB=3 BENCH_DIR=/var/tmp.
Needs python3-pil (Pillow) for the photos.
"""
import hashlib, http.cookiejar, io, json, os, re, socket, subprocess, sys
import tempfile, threading, time, urllib.request, uuid

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "target", "release", "kaoping")
VISITS, PHOTOS = int(os.environ.get("VISITS", 100)), int(os.environ.get("PHOTOS", 20))
SIZE = int(float(os.environ.get("SIZE_MB", 3)) * 1048576)
CHUNK = 512 * 1024
work = tempfile.mkdtemp(prefix="kaoping-sync.", dir=os.environ.get("BENCH_DIR", "/var/tmp"))
root = os.path.join(work, "archive")


def k(*args, stdin=None):
    subprocess.run([BIN, "--archive", root, *args], input=stdin, check=True,
                   stdout=subprocess.DEVNULL, text=True)


k("init", root)
k("community", "add", "--id", "WH-001", "--name", "翠湖社区", "--district", "五华区",
  "--type", "城市社区", "--batch", "第一阶段")
k("point", "add", "--community", "WH-001", "--name", "翠湖小区", "--kind", "小区")
k("user", "add", "zhang", "--role", "district", "--district", "五华区", "--password-stdin",
  stdin="bench-pass-1\n")

from PIL import Image  # noqa: E402

photos = []
for i in range(PHOTOS):
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (i * 12 % 256, 90, 160)).save(buf, "JPEG")
    photos.append(buf.getvalue() + os.urandom(SIZE - len(buf.getvalue())))

port = socket.socket()
port.bind(("127.0.0.1", 0))
port_no = port.getsockname()[1]
port.close()
server = subprocess.Popen([BIN, "--archive", root, "serve", "--listen", f"127.0.0.1:{port_no}"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f"http://127.0.0.1:{port_no}"
jar = http.cookiejar.CookieJar()
web = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
for _ in range(100):
    try:
        web.open(url + "/login")
        break
    except OSError:
        time.sleep(0.1)


def rss(field="VmRSS"):
    for line in open(f"/proc/{server.pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024


page = web.open(url + "/login").read().decode()
token = re.search(r'name="token" value="([^"]*)"', page).group(1)
web.open(urllib.request.Request(url + "/login", data=urllib.parse.urlencode(
    {"name": "zhang", "password": "bench-pass-1", "token": token, "next": "/"}).encode()))
csrf = re.search(r'data-csrf="([^"]*)"', web.open(url + "/c/WH-001/field").read().decode()).group(1)
requests = 0


def call(path, body=None, content="application/json"):
    global requests
    requests += 1
    req = urllib.request.Request(url + path, data=body, headers={
        "X-CSRF-Token": csrf, "Content-Type": content, "Accept": "application/json"})
    return json.loads(web.open(req).read())


outbox = []
for i in range(VISITS):
    outbox.append({"id": str(uuid.uuid4()), "phone_time": "2026-12-01T10:00:00+08:00", "point": "P1",
                   "kind": "考评结论", "date": "2026-12-01",
                   "findings": [{"standard": "Ⅱ-6/1", "verdict": "达标", "remark": f"第 {i} 次"}]})
for i, p in enumerate(photos):
    outbox.append({"id": str(uuid.uuid4()), "phone_time": "2026-12-01T10:00:00+08:00", "point": "P1",
                   "kind": "照片", "standard": "Ⅱ-6/1", "sha256": hashlib.sha256(p).hexdigest(),
                   "name": f"p{i}.jpg", "data": p})


def send_all():
    for rec in outbox:
        if rec["kind"] == "照片":
            data, sha = rec["data"], rec["sha256"]
            state = call(f"/c/WH-001/field/blob/{sha}")
            while not state["have"]:
                at = state["offset"]
                state = call(f"/c/WH-001/field/chunk/{sha}?offset={at}&total={len(data)}",
                             data[at:at + CHUNK], "application/octet-stream")
        wire = {k: v for k, v in rec.items() if k != "data"}
        assert call("/c/WH-001/field/sync", json.dumps(wire).encode())["ok"]


peak, stop = [0], [False]


def watch():
    while not stop[0]:
        peak[0] = max(peak[0], rss())
        time.sleep(0.05)


before = rss()
threading.Thread(target=watch, daemon=True).start()
t0 = time.time()
send_all()
first = time.time() - t0
first_requests = requests
requests = 0
t0 = time.time()
send_all()
again = time.time() - t0
stop[0] = True
log = [json.loads(line) for line in open(os.path.join(root, "log.jsonl"))]
visits = sum(1 for r in log if r["kind"] == "field-visit")
stored = sum(1 for r in log if r["kind"] == "field-photo")
assert (visits, stored) == (VISITS, PHOTOS), (visits, stored)
print(f"outbox: {VISITS} verdict records, {PHOTOS} photos of {SIZE / 1048576:.1f} MB")
print(f"first sync: {first:.1f} s, {first_requests} requests")
print(f"sent again (answers lost): {again:.1f} s, {requests} requests, nothing new recorded")
print(f"server memory (MB): before {before}, peak {peak[0]}, after {rss()}")
server.terminate()
server.wait()
subprocess.run(["rm", "-rf", work])
