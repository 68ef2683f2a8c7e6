#!/usr/bin/env python3
"""Resource limits on input (issue 26, the input items): the attack's
probes built as the tests build them (tests/limits/), and the server side
of the measurement. Python standard library only; driven by
bench/limits_input.sh, which sets the memory ceiling (ulimit -v).

  limits_input.py gen DIR          writes the probes into DIR:
      sparse.xlsx  cells A1 and XFD1048576, range A1:XFD1048576 (1.6 KB)
      far.xlsx     range A1, a cell at Z100000
      bomb.xlsx    one inline string of BOMB_MB (600) MB, ~600 KB packed
      parts-same.body, parts.body   multipart bodies of PARTS (400,000)
                   empty file parts with 166-character names (~110 MB),
                   all alike or numbered
      wide.png     an 11000 x 11000 black PNG
  limits_input.py serve BIN DIR    runs the server probes, one fresh
      `kaoping serve` (under /usr/bin/time -v) per probe, on the archive
      DIR/a (made by the shell script); prints one TSV line per probe:
      probe, outcome, server peak RSS (MB), request wall time (s).
"""

import html
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
import zlib

CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
WORKBOOK = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="考评表" sheetId="1" r:id="rId1"/></sheets></workbook>'
WORKBOOK_RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
SHEET_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dim}"/><sheetData>'
SHEET_TAIL = "</sheetData></worksheet>"
HEADER_CELL = '<row r="1"><c r="A1" t="inlineStr"><is><t>社区编号</t></is></c></row>'


def xlsx(path, dim, rows):
    """An xlsx by hand (as tests/limits/mod.rs); rows: strings or an
    iterator of chunks for the sheet's rows, streamed into the ZIP."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(SHEET_HEAD.format(dim=dim).encode())
            for chunk in rows:
                f.write(chunk.encode() if isinstance(chunk, str) else chunk)
            f.write(SHEET_TAIL.encode())


def bomb_rows(mb):
    yield '<row r="1"><c r="A1" t="inlineStr"><is><t>'
    block = b"a" * (1 << 20)
    for _ in range(mb):
        yield block
    yield "</t></is></c></row>"


def parts_body(parts, same, csrf=b"CSRF"):
    """The many-parts body (names of 166 characters: ~110 MB for 400,000
    parts), every part named alike if `same` (each after the first a
    repeated name), else numbered; the CSRF value is patched in by `serve`."""
    out = [b'--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrf + b"\r\n"]
    for i in range(parts):
        name = b"n" * 166 if same else b"n" * 160 + b"%06d" % i
        out.append(b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="' + name
                   + b'"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n')
    out.append(b"--XyZ--\r\n")
    return b"".join(out)


def png(path, w, h):
    def chunk(kind, data):
        c = kind + data
        return len(data).to_bytes(4, "big") + c + zlib.crc32(c).to_bytes(4, "big")

    z = zlib.compressobj(9)
    row = b"\0" * (w + 1)  # filter byte + w grey pixels
    idat = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def gen(d):
    os.makedirs(d, exist_ok=True)
    xlsx(f"{d}/sparse.xlsx", "A1:XFD1048576",
         [HEADER_CELL, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
    xlsx(f"{d}/far.xlsx", "A1", [HEADER_CELL, '<row r="100000"><c r="Z100000"><v>1</v></c></row>'])
    xlsx(f"{d}/bomb.xlsx", "A1", bomb_rows(int(os.environ.get("BOMB_MB", "600"))))
    for same, file in ((True, "parts-same.body"), (False, "parts.body")):
        with open(f"{d}/{file}", "wb") as f:
            f.write(parts_body(int(os.environ.get("PARTS", "400000")), same))
    png(f"{d}/wide.png", 11000, 11000)


# ---------------------------------------------------------------- HTTP

def http(port, method, path, headers=(), body=b"", cookies=None, timeout=600):
    """One request on a fresh connection (Connection: close); the body is
    sent by a thread so that an early answer is read. Returns (status or
    0, headers, body bytes, seconds)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            f"Content-Length: {len(body)}"]
    if cookies:
        head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
    head += list(headers)
    raw = ("\r\n".join(head) + "\r\n\r\n").encode()
    start = time.time()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)

    def send():
        try:
            s.sendall(raw)
            view = memoryview(body)
            for i in range(0, len(view), 1 << 20):
                s.sendall(view[i:i + (1 << 20)])
        except OSError:
            pass

    t = threading.Thread(target=send)
    t.start()
    out = bytearray()
    try:
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            out += b
    except OSError:
        pass
    t.join()
    s.close()
    took = time.time() - start
    end = out.find(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.1 (\d+)", out)
    hdrs = out[:end].decode("latin-1") if end >= 0 else ""
    if cookies is not None:
        for k, v in re.findall(r"(?im)^set-cookie: ([^=]+)=([^;\r\n]*)", hdrs):
            cookies[k] = v
    return (int(m.group(1)) if m else 0), hdrs, bytes(out[end + 4:]) if end >= 0 else b"", took


def sign_in(s, who):
    """Signs in; returns (cookies, csrf); notes the server's peak RSS so far."""
    port = s.port
    jar = {}
    _, _, page, _ = http(port, "GET", "/login", cookies=jar)
    token = re.search(rb'name="token" value="([0-9a-f]+)"', page).group(1).decode()
    form = f"name={who[0]}&password={who[1]}&token={token}&next=/".encode()
    st, hdrs, _, _ = http(port, "POST", "/login", ["Content-Type: application/x-www-form-urlencoded"],
                          form, cookies=jar)
    assert st == 303, f"sign-in of {who[0]}: {st}"
    path = "/"
    for _ in range(5):
        st, hdrs, page, _ = http(port, "GET", path, cookies=jar)
        loc = re.search(r"(?im)^location: (\S+)", hdrs)
        if st in (302, 303) and loc:
            path = loc.group(1)
            continue
        break
    s.base = s.hwm()
    return jar, re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()


def multipart(fields, file_field, file_name, data):
    b = []
    for k, v in fields:
        b.append(f'--XyZ\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode())
    b.append(f'--XyZ\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
             'Content-Type: application/octet-stream\r\n\r\n'.encode() + data + b"\r\n--XyZ--\r\n")
    return b"".join(b)


MP = "Content-Type: multipart/form-data; boundary=XyZ"
CUIHU = ("cuihu", "cuihu-pass-1")
WUHUA = ("wuhua", "wuhua-pass-1")


# ---------------------------------------------------------------- server

class Serve:
    """`kaoping serve` under /usr/bin/time -v, on a random port."""

    def __init__(self, k, d):
        self.out = f"{d}/time.txt"
        self.p = subprocess.Popen(["/usr/bin/time", "-v", "-o", self.out, k, "--archive", f"{d}/a",
                                   "serve", "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, stderr=open(f"{d}/serve.err", "w"), text=True)
        line = self.p.stdout.readline()
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
        kids = open(f"/proc/{self.p.pid}/task/{self.p.pid}/children").read().split()
        self.pid = int(kids[0])
        self.base = None

    def hwm(self):
        try:
            for line in open(f"/proc/{self.pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        except OSError:
            return None

    def alive(self):
        try:
            st, _, _, _ = http(self.port, "GET", "/login", timeout=30)
            return st
        except OSError:
            return 0

    def stop(self):
        """Stops the server; returns (peak RSS MB, how it ended)."""
        if self.p.poll() is None:
            try:
                os.kill(self.pid, 15)
            except ProcessLookupError:
                pass
        self.p.wait(timeout=60)
        t = open(self.out).read()
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) // 1024
        sig = re.search(r"terminated by signal (\d+)", t)
        return rss, (f"进程被信号 {sig.group(1)} 终止" if sig else "")


def message(body):
    """The first Chinese sentence of an error page (or JSON), shortened."""
    text = html.unescape(re.sub(rb"<[^>]+>", b" ", body[:200000]).decode("utf-8", "replace"))
    for m in re.finditer(r"[^\s\"{}:,]*[\u4e00-\u9fff][^\n\"<]{0,60}", text):
        s = m.group(0).strip()
        if any(w in s for w in ("无法", "上限", "太", "超过", "不能", "错误", "拒绝", "过大", "没有", "缺少")):
            return s[:70]
    return ""


def probe(k, d, name, run):
    s = Serve(k, d)
    try:
        st, body, took, extra = run(s)
        during = s.hwm()
        nxt = s.alive()
        rss, ended = s.stop()
        rss = max(rss, during or 0)
        outcome = f"HTTP {st or '无应答'}" + (f"，{message(body)}" if message(body) else "")
        outcome += f"，页面 {len(body) / 1e6:.1f} MB" if len(body) > 1e6 else ""
        outcome += extra
        outcome += f"；随后 {ended or ('GET /login → ' + str(nxt) if nxt else '服务器已退出')}"
        print(f"{name}\t{outcome}\t{rss}\t{took:.3f}\t(登录后 {s.base} MB)", flush=True)
    except Exception as e:  # a probe that cannot even be sent
        rss, ended = s.stop()
        print(f"{name}\t探测失败：{e!r} {ended}\t{rss}\t-\t", flush=True)


def upload(who, path, field, file, fields=()):
    def run(s):
        jar, csrf = sign_in(s, who)
        data = open(file, "rb").read()
        body = multipart([("csrf", csrf), *fields], field, os.path.basename(file), data)
        st, _, page, took = http(s.port, "POST", path, [MP], body, cookies=jar)
        return st, page, took, ""
    return run


def many_parts(file):
    def run(s):
        jar, csrf = sign_in(s, CUIHU)
        body = open(file, "rb").read().replace(b"CSRF", csrf.encode(), 1)
        st, _, page, took = http(s.port, "POST", "/c/WH-001/upload", [MP], body, cookies=jar)
        return st, page, took, f"（正文 {len(body) / 1e6:.0f} MB）"
    return run


def photo(file, thumbs):
    def run(s):
        jar, csrf = sign_in(s, WUHUA)
        form = ("csrf=" + csrf + "&name=%E7%82%B9&kind=%E7%A4%BE%E5%8C%BA%E7%BB%BC%E5%90%88%E6%9C%8D%E5%8A%A1"
                "%E4%B8%AD%E5%BF%83&address=x&lat=25.0431&lon=102.7062&standards=").encode()
        http(s.port, "POST", "/c/WH-001/points", ["Content-Type: application/x-www-form-urlencoded"],
             form, cookies=jar)
        body = multipart([("csrf", csrf), ("point", "P1"), ("standard", "Ⅱ-6/1")], "photo",
                         "大图.png", open(file, "rb").read())
        st, _, page, took = http(s.port, "POST", "/c/WH-001/field/photo/upload",
                                 [MP, "Accept: application/json"], body, cookies=jar)
        sha = re.search(rb'"sha256":\s*"([0-9a-f]{64})"', page)
        if st != 200 or not sha or not thumbs:
            return st, page, took, ""
        path = f"/c/WH-001/field/photo/{sha.group(1).decode()}?thumb=1"
        res = []
        t0 = time.time()
        ts = [threading.Thread(target=lambda: res.append(http(s.port, "GET", path, cookies=dict(jar))[0]))
              for _ in range(thumbs)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return st, b"", took, f"，已收下；{thumbs} 个缩略图请求同时 → {sorted(res)}（{time.time() - t0:.1f} s）"
    return run


def serve(k, d):
    p = f"{d}/in"
    cases = [
        ("稀疏 xlsx → POST /district/upload", upload(WUHUA, "/district/upload", "list", f"{p}/sparse.xlsx")),
        ("稀疏 xlsx → POST /c/WH-001/assess", upload(CUIHU, "/c/WH-001/assess", "sheet", f"{p}/sparse.xlsx")),
        ("Z100000 → POST /district/upload", upload(WUHUA, "/district/upload", "list", f"{p}/far.xlsx")),
        ("600 MB 字符串 → POST /district/upload", upload(WUHUA, "/district/upload", "list", f"{p}/bomb.xlsx")),
        ("40 万个同名部分 → POST /c/WH-001/upload", many_parts(f"{p}/parts-same.body")),
        ("40 万个不同名部分 → POST /c/WH-001/upload", many_parts(f"{p}/parts.body")),
        ("11000×11000 PNG → 照片上传 + 1 个缩略图", photo(f"{p}/wide.png", 1)),
        ("11000×11000 PNG → 上传 + 6 个缩略图", photo(f"{p}/wide.png", 6)),
    ]
    only = os.environ.get("ONLY", "")
    for name, run in cases:
        if not only or re.search(only, name):
            probe(k, d, name, run)


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        serve(os.path.abspath(sys.argv[2]), sys.argv[3])
