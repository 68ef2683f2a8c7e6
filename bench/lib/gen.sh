# shellcheck shell=bash
# The benchmark data generator shared by bench/archive.sh and
# bench/distributed.sh, so both measure the same folders.

# Generates unique-content files: gen DIR COUNT MIN_BYTES MAX_BYTES SEED
# (sizes uniform between MIN and MAX, spread over indicator/standard
# folders as `kaoping scaffold` lays them out).
gen() {
  python3 - "$@" << 'PY'
import os, random, sys
dst, n, lo, hi, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
folders = [("Ⅱ-01 党组织领导核心作用", [1]), ("Ⅱ-02 基层政府主导作用", [1, 2]),
           ("Ⅱ-08 社区依法办事", [1, 2, 3, 4]), ("Ⅱ-14 社区领导机制和工作机制", [1, 2, 3]),
           ("Ⅱ-15 加大资金投入力度", [1, 2, 3]), ("Ⅱ-16 加强社区工作者队伍建设", [1, 2, 3])]
blob = os.urandom(max(hi, 1 << 20) * 2)
for i in range(n):
    size = rng.randint(lo, hi)
    ind, stds = folders[i % len(folders)]
    d = os.path.join(dst, ind, "标准%d" % stds[i % len(stds)])
    os.makedirs(d, exist_ok=True)
    head = ("seed %d file %d\n" % (seed, i)).encode()
    off = rng.randrange(0, len(blob) - size + 1)
    with open(os.path.join(d, "材料%05d.bin" % i), "wb") as f:
        f.write(head + blob[off:off + size - len(head)])
PY
}
