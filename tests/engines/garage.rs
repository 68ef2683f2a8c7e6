//! A three-node Garage cluster on loopback for the tests (replication
//! factor 3, SQLite metadata, one zone per node, a shared random RPC
//! secret), its access key made with Garage's own CLI, buckets per test,
//! stopping and restarting single nodes, and S3 checks through rclone (an
//! independent S3 client, so the tests need no S3 library of their own).
//!
//! What an S3 client needs: plain http, path-style requests
//! (`http://127.0.0.1:PORT/BUCKET/KEY`), region `garage`. Garage 2.5
//! ignores `If-None-Match`/`If-Match` on PUT (the put overwrites and
//! answers 200), so "create only if absent" has to be a HEAD first.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::server::{Server, free_ports, log_tail, temp_dir, wait_until};

/// The S3 region every node announces (`[s3_api] s3_region`).
pub const REGION: &str = "garage";
/// The rclone remote name the helpers configure through the environment.
pub const REMOTE: &str = "kpg";
const NODES: usize = 3;

/// One node: its folder (config, metadata, data, log), ports and server.
struct Node {
    dir: PathBuf,
    s3_port: u16,
    server: Option<Server>,
}

/// A running three-node Garage cluster (all nodes killed and their folders
/// removed on drop).
pub struct Garage {
    bin: PathBuf,
    nodes: Vec<Node>,
    key_id: String,
    secret: String,
    tag: String,
    next_bucket: AtomicUsize,
}

impl Garage {
    /// Starts three nodes, joins them, applies the layout and makes a key;
    /// `Err` says why (no garage binary: a skip reason; or the log tail of
    /// the node that failed).
    pub fn start() -> Result<Garage, String> {
        let bin = binary()?;
        let secret = hex(32);
        let ports = free_ports(3 * NODES);
        let mut nodes = Vec::new();
        for (i, p) in ports.chunks(3).enumerate() {
            let dir = temp_dir(&format!("kp-garage-{i}-"))?;
            std::fs::write(dir.join("garage.toml"), config(&dir, &secret, p))
                .map_err(|e| format!("cannot write a Garage config: {e}"))?;
            nodes.push(Node {
                dir,
                s3_port: p[1],
                server: None,
            });
        }
        let mut garage = Garage {
            bin,
            nodes,
            key_id: String::new(),
            secret: String::new(),
            tag: hex(4),
            next_bucket: AtomicUsize::new(1),
        };
        for i in 0..NODES {
            garage.spawn(i)?;
        }
        garage.form_cluster()?;
        Ok(garage)
    }

    /// Joins nodes 1 and 2 to node 0, gives each a zone and 1 GB, applies
    /// layout version 1, waits for a healthy cluster and makes the key.
    fn form_cluster(&mut self) -> Result<(), String> {
        let ids: Vec<String> = (0..NODES)
            .map(|i| self.node_id(i))
            .collect::<Result<_, _>>()?;
        for id in &ids[1..] {
            self.cli_ok(&["node", "connect", id])?;
        }
        for (i, id) in ids.iter().enumerate() {
            let hex_id = id.split('@').next().unwrap_or(id);
            self.cli_ok(&[
                "layout",
                "assign",
                "-z",
                &format!("z{i}"),
                "-c",
                "1G",
                hex_id,
            ])?;
        }
        self.cli_ok(&["layout", "apply", "--version", "1"])?;
        self.wait_healthy(NODES)?;
        let out = self.cli_ok(&["key", "create", "kaoping-tests"])?;
        self.key_id = field(&out, "Key ID:")?;
        self.secret = field(&out, "Secret key:")?;
        Ok(())
    }

    /// Starts node `i`'s server and waits until it answers.
    fn spawn(&mut self, i: usize) -> Result<(), String> {
        let dir = self.nodes[i].dir.clone();
        let argv: Vec<OsString> = vec![
            "env".into(),
            "NO_COLOR=1".into(),
            self.bin.clone().into(),
            "-c".into(),
            dir.join("garage.toml").into(),
            "server".into(),
        ];
        let server = Server::spawn(None, &dir, &self.log(i), "TERM", &argv)?;
        self.nodes[i].server = Some(server);
        // `node id` only reads the key the server writes at startup;
        // `status` goes through the node's RPC.
        let answers = || self.node_id(i).is_ok() && self.cli_at(i, &["status"]).status.success();
        if !wait_until(Duration::from_secs(30), answers) {
            return Err(self.failure(i, "did not answer `garage status` within 30 s"));
        }
        Ok(())
    }

    /// Waits (at most 60 s) until the cluster reports `healthy` with `up`
    /// storage nodes connected and every partition fully replicated, and a
    /// bucket listing works.
    fn wait_healthy(&self, up: usize) -> Result<(), String> {
        let ok = wait_until(Duration::from_secs(60), || {
            let h = self.health();
            h["status"] == "healthy"
                && h["storageNodesUp"] == up
                && h["partitionsAllOk"] == h["partitions"]
                && self.cli(&["bucket", "list"]).status.success()
        });
        if ok {
            Ok(())
        } else {
            let i = self.live().first().copied().unwrap_or(0);
            Err(self.failure(i, &format!("not healthy within 60 s: {}", self.health())))
        }
    }

    /// The cluster's health as node 0 (or the first running node) sees it:
    /// Garage's `GetClusterHealth` JSON (`status`, `storageNodesUp`, …);
    /// `null` when it cannot be asked.
    pub fn health(&self) -> serde_json::Value {
        let out = self.cli(&["json-api", "GetClusterHealth"]);
        serde_json::from_slice(&out.stdout).unwrap_or_default()
    }

    /// `http://127.0.0.1:PORT`, the S3 API of node 0.
    pub fn endpoint(&self) -> String {
        self.endpoints()[0].clone()
    }

    /// The S3 API of every node, node 0 first.
    pub fn endpoints(&self) -> Vec<String> {
        let url = |n: &Node| format!("http://127.0.0.1:{}", n.s3_port);
        self.nodes.iter().map(url).collect()
    }

    /// The environment of an S3 client of node 0 under the names
    /// `object_store`'s `AmazonS3Builder::from_env` reads: key, secret,
    /// region, endpoint, plain http allowed (path-style is its default).
    pub fn aws_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", self.key_id.clone()),
            ("AWS_SECRET_ACCESS_KEY", self.secret.clone()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ENDPOINT", self.endpoint()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
        ]
    }

    /// The S3 region (`garage`).
    pub fn region(&self) -> &str {
        REGION
    }

    /// The access key id (`GK…`) allowed on every bucket made here.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The secret of that key.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// A new empty bucket (unique name) the key may read and write.
    pub fn create_bucket(&self) -> String {
        let n = self.next_bucket.fetch_add(1, Ordering::SeqCst);
        let name = format!("kp-{}-{n}", self.tag);
        let key = self.key_id.clone();
        for args in [
            vec!["bucket", "create", &name],
            vec!["bucket", "allow", "--read", "--write", &name, "--key", &key],
        ] {
            if let Err(e) = self.cli_ok(&args) {
                panic!("{e}");
            }
        }
        name
    }

    /// Kills node `i` (SIGKILL, like a crash); its data stays. A client of
    /// [`Garage::endpoint`] (node 0) keeps working when node 1 or 2 is
    /// killed; killing node 0 takes that endpoint away.
    pub fn stop_node(&mut self, i: usize) {
        if let Some(server) = self.nodes[i].server.take() {
            server.crash();
        }
    }

    /// Starts node `i` again and waits until all three nodes are healthy.
    /// The other nodes are told to connect to it at once: on their own they
    /// take about 30 s to find it again.
    pub fn start_node(&mut self, i: usize) {
        let up = self.spawn(i).and_then(|()| {
            let id = self.node_id(i)?;
            for j in self.live().into_iter().filter(|&j| j != i) {
                let out = self.cli_at(j, &["node", "connect", &id]);
                if !out.status.success() {
                    return Err(String::from_utf8_lossy(&out.stderr).into_owned());
                }
            }
            self.wait_healthy(NODES)
        });
        if let Err(e) = up {
            panic!("{e}");
        }
    }

    /// `garage -c <config> ARGS` against node 0 or, when it is stopped, the
    /// first running node.
    pub fn cli(&self, args: &[&str]) -> Output {
        let i = self.live().first().copied().unwrap_or(0);
        self.cli_at(i, args)
    }

    /// `rclone ARGS` with the remote `kpg:` (this cluster: node 0's S3 API,
    /// or the first running node's) configured through the environment
    /// alone (no config file), without the machine's `AWS_CA_BUNDLE`
    /// (rclone refuses a plain-http endpoint with it set).
    pub fn rclone(&self, args: &[&str]) -> Output {
        let i = self.live().first().copied().unwrap_or(0);
        let mut cmd = Command::new("rclone");
        for (k, v) in self.rclone_env(&self.endpoints()[i]) {
            cmd.env(k, v);
        }
        cmd.env_remove("AWS_CA_BUNDLE")
            .env("RCLONE_CONFIG", "/dev/null")
            .args(args)
            .output()
            .expect("rclone runs")
    }

    /// The `RCLONE_CONFIG_KPG_*` variables of an S3 remote at `endpoint`.
    pub fn rclone_env(&self, endpoint: &str) -> Vec<(String, String)> {
        let pairs = [
            ("TYPE", "s3"),
            ("PROVIDER", "Other"),
            ("ACCESS_KEY_ID", self.key_id()),
            ("SECRET_ACCESS_KEY", self.secret()),
            ("ENDPOINT", endpoint),
            ("REGION", REGION),
            ("FORCE_PATH_STYLE", "true"),
            ("NO_CHECK_BUCKET", "true"),
        ];
        let prefix = format!("RCLONE_CONFIG_{}_", REMOTE.to_uppercase());
        pairs
            .iter()
            .map(|(k, v)| (format!("{prefix}{k}"), v.to_string()))
            .collect()
    }

    /// Every object in `bucket` as (key, size), sorted by key
    /// (`rclone lsjson -R --files-only`).
    pub fn list_objects(&self, bucket: &str) -> Vec<(String, u64)> {
        let out = self.rclone(&[
            "lsjson",
            "-R",
            "--files-only",
            &format!("{REMOTE}:{bucket}"),
        ]);
        assert!(
            out.status.success(),
            "rclone lsjson {bucket} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let items: Vec<serde_json::Value> =
            serde_json::from_slice(&out.stdout).expect("rclone lsjson prints JSON");
        let mut objects: Vec<(String, u64)> = items
            .iter()
            .map(|o| {
                let key = o["Path"].as_str().expect("a Path").to_string();
                (key, o["Size"].as_u64().expect("a Size"))
            })
            .collect();
        objects.sort();
        objects
    }

    /// The running nodes, in order.
    fn live(&self) -> Vec<usize> {
        (0..NODES)
            .filter(|&i| self.nodes[i].server.is_some())
            .collect()
    }

    fn cli_at(&self, i: usize, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .arg("-c")
            .arg(self.nodes[i].dir.join("garage.toml"))
            .args(args)
            .output()
            .expect("garage runs")
    }

    /// `cli(args)`, its stdout, or an error naming the command and output.
    fn cli_ok(&self, args: &[&str]) -> Result<String, String> {
        let out = self.cli(args);
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        Err(format!(
            "garage {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }

    /// `ID@127.0.0.1:RPC_PORT` of node `i` (asked of node `i` itself).
    fn node_id(&self, i: usize) -> Result<String, String> {
        let out = self.cli_at(i, &["node", "id", "-q"]);
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() && id.contains('@') {
            Ok(id)
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn log(&self, i: usize) -> PathBuf {
        self.nodes[i].dir.join("garage.log")
    }

    /// An error about node `i` with the tail of its log.
    fn failure(&self, i: usize, what: &str) -> String {
        format!(
            "Garage node {i} {what}; its log:\n{}",
            log_tail(&self.log(i), 20)
        )
    }
}

impl Drop for Garage {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(server) = node.server.take() {
                server.crash();
            }
            let _ = std::fs::remove_dir_all(&node.dir);
        }
    }
}

/// One node's config; `ports` are RPC, S3 API and admin API.
fn config(dir: &Path, secret: &str, ports: &[u16]) -> String {
    let d = dir.display();
    let (rpc, s3, admin) = (ports[0], ports[1], ports[2]);
    format!(
        r#"metadata_dir = "{d}/meta"
data_dir = "{d}/data"
db_engine = "sqlite"
replication_factor = 3
rpc_bind_addr = "127.0.0.1:{rpc}"
rpc_public_addr = "127.0.0.1:{rpc}"
rpc_secret = "{secret}"

[s3_api]
s3_region = "{REGION}"
api_bind_addr = "127.0.0.1:{s3}"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:{admin}"
"#
    )
}

/// The garage binary: `$KAOPING_GARAGE`, `~/.cache/garage/bin/garage`
/// (where `.ci/run` builds it), or `garage` on PATH.
fn binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("KAOPING_GARAGE") {
        let path = PathBuf::from(path);
        return path
            .is_file()
            .then_some(path.clone())
            .ok_or_else(|| format!("Garage not found: KAOPING_GARAGE={path:?} is not a file"));
    }
    let cached = std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/garage/bin/garage"));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = std::env::split_paths(&path).map(|dir| dir.join("garage"));
    cached
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            "Garage not found: set KAOPING_GARAGE, or `cargo install garage --locked \
         --version 2.5.0 --root ~/.cache/garage`"
                .to_string()
        })
}

/// The value after `label` in Garage's table output (`Key ID:  GK…`).
fn field(out: &str, label: &str) -> Result<String, String> {
    out.lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .ok_or_else(|| format!("no {label:?} in `garage key create` output:\n{out}"))
}

/// `bytes` random bytes from the kernel, in hex.
fn hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("/dev/urandom");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
