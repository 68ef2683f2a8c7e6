#!/usr/bin/env python3
"""The table of bench/compare.sh: compare_table.py OUT reads the logs
OUT/{render,archive,latency}.{before,after}.N and prints, per benchmark, a
Markdown table, line by line. Lines are matched by their shape (numbers
replaced by #, runs of spaces collapsed); a line's numbers that are the
same in every log stay in its label, the others become # and are listed
per side (runs separated by ；). The last column is after / before of the
first differing number (medians over the runs): for times < 1 is faster,
for rates > 1 is faster."""
import os, re, sys
from collections import OrderedDict

out = sys.argv[1]
NUM = re.compile(r"-?\d+(?:\.\d+)?")
SKIP = re.compile(r"^(kaoping 归档性能测试|CPU|内存|kaoping：|完成|负载 |\s*共 )")
HEAD = re.compile(r"^\s*(==|--) ")
for name in ("render", "archive", "latency"):
    logs = {s: sorted((f for f in os.listdir(out) if f.startswith(f"{name}.{s}.")),
                      key=lambda f: int(f.rsplit(".", 1)[1])) for s in ("before", "after")}
    rows = OrderedDict()
    for side, files in logs.items():
        for f in files:
            count = {}
            for line in open(os.path.join(out, f)):
                line = line.rstrip()
                if SKIP.match(line) or not (NUM.search(line) or HEAD.match(line)):
                    continue
                shape = re.sub(r"\s+", " ", NUM.sub("#", line)).strip()
                count[shape] = count.get(shape, 0) + 1
                key = (shape, count[shape])
                row = rows.setdefault(key, {"before": [], "after": [], "text": line.strip()})
                row[side].append(NUM.findall(line))
    if not rows:
        continue
    loads = []
    for side, files in logs.items():
        for f in files:
            ls = [l.split()[1] for l in open(os.path.join(out, f)) if l.startswith("负载 ")]
            loads.append(f"{side} {'→'.join(ls)}")
    print(f"\n## {name}（负载：{'；'.join(loads)}）")
    print("| 项目 | 改动前 | 改动后 | 后/前 |")
    print("| --- | --- | --- | --- |")
    for (shape, _), sides in rows.items():
        if HEAD.match(shape):
            print(f"| **{sides['text'].strip('=- ')}** | | | |")
            continue
        runs = sides["before"] + sides["after"]
        n = min(len(r) for r in runs)
        fixed = [i for i in range(n) if len({r[i] for r in runs}) == 1]
        label, k = "", 0
        for part in re.split(r"(#)", shape):
            if part == "#":
                label += runs[0][k] if k in fixed else "#"
                k += 1
            else:
                label += part
        var = [i for i in range(n) if i not in fixed]
        cell = lambda rs: "；".join(", ".join(r[i] for i in var) for r in rs) or "—"
        ratio = ""
        if len(var) >= 1 and sides["before"] and sides["after"]:
            b = [float(r[var[0]]) for r in sides["before"]]
            a = [float(r[var[0]]) for r in sides["after"]]
            mb, ma = sorted(b)[len(b) // 2], sorted(a)[len(a) // 2]
            ratio = f"{ma / mb:.2f}" if mb else ""
        print(f"| {label.strip().replace('|', '/')} | {cell(sides['before'])} | {cell(sides['after'])} | {ratio} |")
