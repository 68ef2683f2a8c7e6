#!/usr/bin/env python3
"""Resource limits of `kaoping serve` (issue 26, the server's items): the
attack's probes, measured against one binary, on loopback only.

1. Lockout: a guesser at 127.0.0.2 sends five wrong passwords, then wrong
   passwords each dropped after 0.85 s for SECS seconds; meanwhile the
   owner at 127.0.0.1 signs in every 1.5 s. Prints the owner's successes
   and what the guesser's address is told at the end.
2. Slow bodies: 100 connections from 127.0.0.2, each `POST /login` with
   Content-Length 1000 and one byte every 8 s, against
   `--max-connections 100`; prints how many the server holds after 5 s and
   after 30 s, and whether 127.0.0.1 is served meanwhile.
3. Open-form flood: FLOOD page loads of one open link from 127.0.0.2, then
   one resident at 127.0.0.1 opens and answers; prints the rate, the
   resident's statuses and the server's peak RSS.

Usage: bench/limits_server.py [kaoping binary] [secs] [flood]
Options the binary does not know are left out (to measure an older one).
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

K = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/debug/kaoping")
SECS = int(sys.argv[2]) if len(sys.argv) > 2 else 30
FLOOD = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
ATTACKER = "127.0.0.2"
OFFICE = ("kaopingban", "office-pass-1")


def run(*args, stdin=None):
    return subprocess.run([K, "--archive", "a", *args], input=stdin, text=True,
                          check=True, capture_output=True).stdout


def archive():
    subprocess.run([K, "init", "a"], check=True, capture_output=True)
    run("community", "add", "--id", "WH-001", "--name", "翠湖社区", "--district", "五华区",
        "--type", "城市社区", "--batch", "第一阶段")
    run("user", "add", OFFICE[0], "--password-stdin", "--role", "office", stdin=OFFICE[1] + "\n")


def serve(*extra):
    p = subprocess.Popen([K, "--archive", "a", "serve", "--listen", "127.0.0.1:0", *extra],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    return p, port


def knows(option):
    return option in subprocess.run([K, "serve", "--help"], capture_output=True, text=True).stdout


def conn(port, src="127.0.0.1", timeout=30):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def request(port, raw, src="127.0.0.1", timeout=30):
    s = conn(port, src, timeout)
    try:
        s.sendall(raw)
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
        return out.decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        s.close()


def status(answer):
    m = re.match(r"HTTP/1\.1 (\d+)", answer)
    return int(m.group(1)) if m else 0


def login_form(port, src):
    a = request(port, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", src)
    cookie = re.search(r"kaoping_login=([0-9a-f]+)", a).group(1)
    token = re.search(r'name="token" value="([0-9a-f]+)"', a).group(1)
    return cookie, token


def sign_in(port, src, who, patience=30):
    cookie, token = login_form(port, src)
    body = f"name={who[0]}&password={who[1]}&token={token}&next=/".encode()
    head = (f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: kaoping_login={cookie}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    return request(port, head + body, src, patience)


def lockout():
    p, port = serve()
    try:
        wrong = (OFFICE[0], "wrong-guess")
        for _ in range(5):
            sign_in(port, ATTACKER, wrong)
        stop = time.time() + SECS
        owner = []

        def owner_loop():
            while time.time() < stop:
                owner.append(status(sign_in(port, "127.0.0.1", OFFICE)))
                time.sleep(1.5)

        t = threading.Thread(target=owner_loop)
        t.start()
        guesses = 0
        while time.time() < stop:
            sign_in(port, ATTACKER, wrong, patience=0.85)
            guesses += 1
        t.join()
        last = sign_in(port, ATTACKER, wrong)
        told = "address paused" if "这台电脑登录失败的次数过多" in last else f"{status(last)}"
        ok = sum(1 for s in owner if s == 303)
        print(f"lockout: owner signed in {ok} of {len(owner)} over {SECS} s "
              f"(statuses {sorted(set(owner))}); guesser sent {guesses} dropped attempts; "
              f"then the guesser is told: {told}")
    finally:
        p.kill()


def held(socks):
    """How many of socks the server still holds (no answer, not closed)."""
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            b = s.recv(1)
            if b == b"":
                continue
        except BlockingIOError:
            n += 1
        except OSError:
            continue
    return n


def slow_bodies():
    extra = ["--max-connections", "100"]
    p, port = serve(*extra)
    try:
        socks = []
        head = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                b"application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(100):
            try:
                s = conn(port, ATTACKER)
                s.sendall(head)
                socks.append(s)
            except OSError:
                pass
        start = time.time()
        marks = {}
        next_byte = start
        while time.time() - start < 31:
            if time.time() >= next_byte:
                for s in socks:
                    try:
                        s.send(b"x")
                    except OSError:
                        pass
                next_byte += 8
            for mark in (5, 30):
                if mark not in marks and time.time() - start >= mark:
                    other = status(request(port, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                 b"Connection: close\r\n\r\n", timeout=5))
                    marks[mark] = (held(socks), other)
            time.sleep(0.2)
        for mark, (n, other) in sorted(marks.items()):
            print(f"slow bodies: after {mark} s the server holds {n} of 100 trickling "
                  f"connections; a request from 127.0.0.1 gets {other or 'no answer'}")
        for s in socks:
            s.close()
    finally:
        p.kill()


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def flood():
    out = run("survey", "open-link", "--community", "WH-001", "--point", "居民小区")
    path = "/q/open/" + re.search(r"/q/open/([0-9a-f]{32})", out).group(1)
    p, port = serve()
    try:
        get = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
        s = conn(port, ATTACKER)
        start = time.time()
        buf = b""
        for _ in range(FLOOD):
            s.sendall(get)
            # Read one answer (Content-Length framed).
            while True:
                m = re.search(rb"content-length: (\d+)\r\n", buf, re.I)
                end = buf.find(b"\r\n\r\n")
                if m and end >= 0 and len(buf) >= end + 4 + int(m.group(1)):
                    buf = buf[end + 4 + int(m.group(1)):]
                    break
                buf += s.recv(65536)
        took = time.time() - start
        s.close()
        page = request(port, get.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        print(f"open-form flood: {FLOOD} page loads from one address in {took:.1f} s "
              f"({FLOOD / took:.0f}/s); a resident then gets {status(page)}; "
              f"server peak RSS {peak_rss_mb(p.pid)} MB")
    finally:
        p.kill()


def main():
    with tempfile.TemporaryDirectory(dir="/var/tmp") as w:
        os.chdir(w)
        archive()
        print(f"binary: {K}; per-address options known: {knows('--connections-per-address')}")
        lockout()
        slow_bodies()
        flood()


if __name__ == "__main__":
    main()
