# Real engines for the distributed-storage benchmarks, to be sourced:
#   source bench/lib/engines.sh
#   pg_start       # throwaway PostgreSQL cluster; exports KP_PG (libpq conninfo)
#   garage_start   # three Garage nodes, replication factor 3; exports
#                  # KP_S3_ENDPOINT, KP_S3_REGION, AWS_ACCESS_KEY_ID,
#                  # AWS_SECRET_ACCESS_KEY, KP_BUCKET and the rclone remote kpg:
#   engines_stop   # stops both and removes their folders
#   new_db NAME    # a fresh database; prints its conninfo
#   new_bucket NAME  # a fresh bucket the access key may use
# Sourcing sets `trap engines_stop EXIT`; a script that sets its own EXIT
# trap afterwards must call engines_stop in it.
# Everything lives under $ENGINES_DIR (default: a new folder under /var/tmp,
# on disk rather than tmpfs), which engines_stop removes. Every object is
# stored three times on the one disk. GARAGE_DB_ENGINE (default sqlite, as
# in the tests) picks Garage's metadata engine, e.g. lmdb. PostgreSQL keeps
# fsync on (the real cost);
# as root it runs as the postgres user, which it requires. The garage binary
# is $KAOPING_GARAGE, ~/.cache/garage/bin/garage or garage on PATH; the
# PostgreSQL binaries are the newest /usr/lib/postgresql/N/bin.
# The Rust test harness (tests/engines/) writes its own configs; keep the
# two short rather than shared.

ENGINES_DIR=${ENGINES_DIR:-$(mktemp -d /var/tmp/kp-engines.XXXXXX)}
ENGINES_GARAGE_PIDS=()
ENGINES_PG_DATA=

# n free loopback ports, one per line.
engines_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Polls "$@" every 0.2 s for at most $ENGINES_WAIT (60) seconds.
engines_wait() {
  local i
  for ((i = 0; i < ${ENGINES_WAIT:-60} * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "engines: gave up waiting for: $*" >&2
  return 1
}

pg_start() {
  local bin dir=$ENGINES_DIR/pg port as=()
  bin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { echo "engines: PostgreSQL not found" >&2; return 1; }
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$ENGINES_DIR"
    chown postgres: "$dir"
    as=(runuser -u postgres --)
  fi
  port=$(engines_ports 1)
  ENGINES_PG_DATA=$dir/data
  (cd "$dir" && "${as[@]}" "$bin/initdb" -D "$dir/data" -U kaoping --auth=trust \
    --encoding=UTF8 --locale=C >"$dir/initdb.log") || return 1
  (cd "$dir" && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null) ||
    { tail -20 "$dir/postgres.log" >&2; return 1; }
  ENGINES_PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$dir/data")
  "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U kaoping -d postgres -c 'create database kp_bench' ||
    return 1
  export KP_PG="host=127.0.0.1 port=$port user=kaoping dbname=kp_bench"
  echo "PostgreSQL: $KP_PG"
}

# `garage` against node $1's config.
engines_garage() {
  local n=$1
  shift
  "$ENGINES_GARAGE" -c "$ENGINES_DIR/garage$n/garage.toml" "$@"
}

# new_db NAME: a fresh database on the engines' PostgreSQL; prints its
# conninfo.
new_db() {
  "$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1)/psql" -X -q -d "$KP_PG" \
    -c "create database $1" >/dev/null
  echo "${KP_PG% dbname=*} dbname=$1"
}

# new_bucket NAME: a fresh bucket the engines' access key may use.
new_bucket() {
  engines_garage 0 bucket create "$1" >/dev/null
  engines_garage 0 bucket allow --read --write "$1" --key "$AWS_ACCESS_KEY_ID" >/dev/null
}

engines_garage_healthy() {
  engines_garage 0 json-api GetClusterHealth | python3 -c '
import json, sys
h = json.load(sys.stdin)
sys.exit(not (h["status"] == "healthy" and h["storageNodesUp"] == 3
              and h["partitionsAllOk"] == h["partitions"]))'
}

garage_start() {
  ENGINES_GARAGE=${KAOPING_GARAGE:-$HOME/.cache/garage/bin/garage}
  [ -x "$ENGINES_GARAGE" ] || ENGINES_GARAGE=$(command -v garage) ||
    { echo "engines: garage not found (set KAOPING_GARAGE)" >&2; return 1; }
  local secret ports i dir id ids=() out
  secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  mapfile -t ports < <(engines_ports 9)
  for i in 0 1 2; do
    dir=$ENGINES_DIR/garage$i
    mkdir -p "$dir"
    cat >"$dir/garage.toml" <<EOF
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "${GARAGE_DB_ENGINE:-sqlite}"
replication_factor = 3
rpc_bind_addr = "127.0.0.1:${ports[3 * i]}"
rpc_public_addr = "127.0.0.1:${ports[3 * i]}"
rpc_secret = "$secret"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:${ports[3 * i + 1]}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:${ports[3 * i + 2]}"
EOF
    NO_COLOR=1 "$ENGINES_GARAGE" -c "$dir/garage.toml" server >"$dir/garage.log" 2>&1 &
    ENGINES_GARAGE_PIDS+=($!)
  done
  for i in 0 1 2; do
    engines_wait engines_garage "$i" status || { tail -20 "$ENGINES_DIR/garage$i/garage.log" >&2; return 1; }
    ids+=("$(engines_garage "$i" node id -q)")
  done
  engines_garage 0 node connect "${ids[1]}" >/dev/null || return 1
  engines_garage 0 node connect "${ids[2]}" >/dev/null || return 1
  for i in 0 1 2; do
    id=${ids[i]%@*}
    engines_garage 0 layout assign -z "z$i" -c 10G "$id" >/dev/null || return 1
  done
  engines_garage 0 layout apply --version 1 >/dev/null || return 1
  engines_wait engines_garage_healthy || { tail -20 "$ENGINES_DIR/garage0/garage.log" >&2; return 1; }
  engines_wait engines_garage 0 bucket list || return 1
  out=$(engines_garage 0 key create kp-bench) || return 1
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  AWS_ACCESS_KEY_ID=$(awk '/^Key ID:/ {print $3}' <<<"$out")
  AWS_SECRET_ACCESS_KEY=$(awk '/^Secret key:/ {print $3}' <<<"$out")
  export KP_BUCKET=kp-bench KP_S3_REGION=garage
  export KP_S3_ENDPOINT="http://127.0.0.1:${ports[1]}"
  engines_garage 0 bucket create "$KP_BUCKET" >/dev/null || return 1
  engines_garage 0 bucket allow --read --write "$KP_BUCKET" --key "$AWS_ACCESS_KEY_ID" >/dev/null ||
    return 1
  export RCLONE_CONFIG_KPG_TYPE=s3 RCLONE_CONFIG_KPG_PROVIDER=Other
  export RCLONE_CONFIG_KPG_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID
  export RCLONE_CONFIG_KPG_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
  export RCLONE_CONFIG_KPG_ENDPOINT=$KP_S3_ENDPOINT RCLONE_CONFIG_KPG_REGION=garage
  export RCLONE_CONFIG_KPG_FORCE_PATH_STYLE=true RCLONE_CONFIG_KPG_NO_CHECK_BUCKET=true
  # The remote comes from the environment alone (no config file notice).
  export RCLONE_CONFIG=/dev/null
  # This machine's AWS_CA_BUNDLE (for its proxy) makes rclone refuse an
  # http:// endpoint.
  unset AWS_CA_BUNDLE
  echo "Garage: $KP_S3_ENDPOINT bucket $KP_BUCKET key $AWS_ACCESS_KEY_ID (rclone remote kpg:)"
}

engines_stop() {
  local pid
  for pid in "${ENGINES_GARAGE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${ENGINES_GARAGE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  ENGINES_GARAGE_PIDS=()
  if [ -n "$ENGINES_PG_DATA" ] && [ -d "$ENGINES_PG_DATA" ]; then
    (cd "$ENGINES_DIR/pg" && "${ENGINES_PG_CTL[@]}" -m fast stop >/dev/null 2>&1) || true
  fi
  ENGINES_PG_DATA=
  rm -rf "$ENGINES_DIR"
}
trap engines_stop EXIT
