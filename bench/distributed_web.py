#!/usr/bin/env python3
"""HTTP driver for bench/distributed.sh (standard library only).

  distributed_web.py latency URL N
      signs in as the office account, GETs /office N times; prints
      "median_ms max_ms first_ms".
  distributed_web.py pages URL N PATH [PATH...]
      signs in as $OFFICE_NAME, GETs each PATH N times (after one warm-up
      request); prints "PATH median_ms max_ms" a line each.
  distributed_web.py issue COUNT ISSUERS URL [URL...]
      ISSUERS office sessions (spread over the URLs round robin, each
      signed in on its own server before the clock starts) POST
      /office/documents kind=progress scope=all until COUNT documents are
      issued; prints "count seconds docs_per_s failed median_ms max_ms".

The office account is $OFFICE_NAME / $OFFICE_PASSWORD (the demo's
kaopingban / demo-office-2019 by default).
"""

import http.cookiejar
import os
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

NAME = os.environ.get("OFFICE_NAME", "kaopingban")
PASSWORD = os.environ.get("OFFICE_PASSWORD", "demo-office-2019")


def hidden(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    if not m:
        raise SystemExit("no hidden input %s in page:\n%s" % (name, html[:2000]))
    return m.group(1)


class Session:
    """One signed-in browser: cookies, the CSRF token, a base URL."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = self.get("/login")
        token = hidden(page, "token")
        home = self.post("/login", {"name": NAME, "password": PASSWORD, "token": token, "next": "/"})
        self.csrf = hidden(home, "csrf")

    def get(self, path):
        with self.opener.open(self.base + path, timeout=120) as r:
            return r.read().decode()

    def post(self, path, form):
        data = urllib.parse.urlencode(form).encode()
        with self.opener.open(self.base + path, data=data, timeout=300) as r:
            return r.read().decode()


def latency(url, n):
    s = Session(url)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        page = s.get("/office")
        times.append((time.perf_counter() - t0) * 1000)
        if "考评办" not in page and "社区" not in page:
            raise SystemExit("unexpected /office page")
    print("%.1f %.1f %.1f" % (statistics.median(times), max(times), times[0]))


def pages(url, n, paths):
    s = Session(url)
    for path in paths:
        s.get(path)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            s.get(path)
            times.append((time.perf_counter() - t0) * 1000)
        print("%s %.2f %.2f" % (path, statistics.median(times), max(times)))


def issue(count, issuers, urls):
    sessions = [Session(urls[i % len(urls)]) for i in range(issuers)]
    left = [count]
    lock = threading.Lock()
    times, failed = [], [0]
    start = threading.Barrier(issuers + 1)

    def worker(s):
        start.wait()
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            t0 = time.perf_counter()
            try:
                s.post("/office/documents", {"csrf": s.csrf, "kind": "progress", "scope": "all",
                                              "date": "2026-12-01"})
                ok = True
            except urllib.error.HTTPError as e:
                sys.stderr.write("issue failed: %s %s\n" % (e.code, e.read()[:300]))
                ok = False
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(dt)
                if not ok:
                    failed[0] += 1

    threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    secs = time.perf_counter() - t0
    done = count - failed[0]
    print("%d %.2f %.2f %d %.0f %.0f" % (done, secs, done / secs, failed[0],
                                         statistics.median(times), max(times)))


def main():
    if sys.argv[1] == "latency":
        latency(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "pages":
        pages(sys.argv[2], int(sys.argv[3]), sys.argv[4:])
    elif sys.argv[1] == "issue":
        issue(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
