//! The PostgreSQL side of a distributed setup: one connection per process
//! (re-opened when it drops), the schema migrations kept in `migrations/`,
//! and the tables' operations in the submodules — the log and what is
//! written with it ([`log`]), the writer lock ([`lock`]), registers,
//! manifests and sessions ([`rows`]).

mod committed;
pub mod lock;
pub mod log;
pub mod rows;

use std::io;
use std::sync::Mutex;

use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Statement};

use super::{StorageError, run};
use crate::config::storage::DatabaseConfig;

/// The migrations, in order: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../../migrations/0001_init.sql")),
    (2, include_str!("../../../migrations/0002_log_keys.sql")),
];

/// Advisory-lock key under which migrations run (one `init` at a time).
const MIGRATE_KEY: i64 = 0x6b70_6d69; // "kpmi"

/// Connections a process keeps open (each request takes the next free one).
const POOL: usize = 4;

/// A database of a distributed setup.
pub struct Db {
    target: Target,
    clients: Vec<tokio::sync::Mutex<Option<Conn>>>,
    next: std::sync::atomic::AtomicUsize,
    /// The log's lines read so far: (rows, their bytes with newlines).
    log_cache: Mutex<(u64, Vec<u8>)>,
    /// Committed versions read so far.
    committed: committed::Committed,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").finish_non_exhaustive()
    }
}

/// A database error as the message users see: a refused certificate or
/// a server without TLS names the TLS settings.
pub fn db_err(e: tokio_postgres::Error) -> StorageError {
    let tls = |reason: String| {
        StorageError::Tls {
        service: "数据库".into(),
        setting: "[storage] database_sslmode 和 database_ca_file（CA 是否签发了数据库服务器的证书、证书上的名字是否与 database 的 host 一致）".into(),
        reason,
    }
    };
    if let Some(why) = super::tls::refused_certificate(&e) {
        return tls(format!("服务器的证书未通过校验（{why}）"));
    }
    if e.to_string().contains("server does not support TLS") {
        return tls("数据库服务器没有开启 TLS（ssl = on）".into());
    }
    let reason = match e.as_db_error() {
        Some(d) => format!("数据库拒绝了请求（{}）", d.message()),
        None => format!("连不上数据库或连接中断（{e}）"),
    };
    StorageError::Database { reason }
}

/// A database error as an I/O error (for the store and log code).
pub fn io_err(e: tokio_postgres::Error) -> io::Error {
    io::Error::other(db_err(e))
}

/// Where and how to connect: the settings and their TLS configuration,
/// built (CA file read) once.
#[derive(Clone)]
pub struct Target {
    cfg: DatabaseConfig,
    tls: Option<rustls::ClientConfig>,
}

impl Target {
    /// Reads the TLS settings of `cfg`; a CA file that cannot be used is
    /// refused here, before any connection is tried.
    pub fn new(cfg: &DatabaseConfig) -> Result<Target, StorageError> {
        let tls = super::tls::database(cfg).map_err(|reason| StorageError::Tls {
            service: "数据库".into(),
            setting: "[storage] database_ca_file".into(),
            reason,
        })?;
        Ok(Target {
            cfg: cfg.clone(),
            tls,
        })
    }
}

/// Opens a connection whose driver runs on the storage runtime, over TLS
/// unless the settings say `disable`.
pub(crate) async fn open(t: &Target) -> Result<Client, tokio_postgres::Error> {
    let mut cfg: tokio_postgres::Config = t.cfg.conninfo.parse()?;
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    cfg.application_name(format!(
        "kaoping 进程 {} 主机 {}",
        std::process::id(),
        host.trim()
    ));
    cfg.connect_timeout(std::time::Duration::from_secs(10));
    // The connection ends when the client is dropped or the server goes
    // away; the next request then opens a new one.
    let client = match &t.tls {
        Some(tls) => {
            cfg.ssl_mode(tokio_postgres::config::SslMode::Require);
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls.clone());
            let (client, conn) = cfg.connect(tls).await?;
            tokio::spawn(conn);
            client
        }
        None => {
            let (client, conn) = cfg.connect(NoTls).await?;
            tokio::spawn(conn);
            client
        }
    };
    Ok(client)
}

impl Db {
    /// Connects and checks that `init --database` made the schema.
    pub fn connect(cfg: &DatabaseConfig) -> Result<Db, StorageError> {
        let target = Target::new(cfg)?;
        let client = run(open(&target)).map_err(db_err)?;
        let version = run(schema_version(&client)).map_err(db_err)?;
        let latest = MIGRATIONS.last().map_or(0, |m| m.0);
        if version < latest {
            return Err(StorageError::Database {
                reason: format!(
                    "数据库的表结构是第 {version} 版，本程序需要第 {latest} 版：请先运行 kaoping init --database 升级"
                ),
            });
        }
        let mut clients = vec![tokio::sync::Mutex::new(Some(Conn::new(client)))];
        clients.extend((1..POOL).map(|_| tokio::sync::Mutex::new(None)));
        Ok(Db {
            target,
            clients,
            next: std::sync::atomic::AtomicUsize::new(0),
            log_cache: Mutex::new((0, Vec::new())),
            committed: Default::default(),
        })
    }

    /// One of the process's connections: a free one if any, else the next
    /// in turn; opened (anew) when it is not open.
    pub(crate) async fn client(
        &self,
    ) -> Result<tokio::sync::MappedMutexGuard<'_, Conn>, tokio_postgres::Error> {
        let free = self.clients.iter().find_map(|c| c.try_lock().ok());
        let mut guard = match free {
            Some(g) => g,
            None => {
                let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.clients[i % self.clients.len()].lock().await
            }
        };
        if guard.as_ref().is_none_or(|c| c.client.is_closed()) {
            *guard = Some(Conn::new(open(&self.target).await?));
        }
        Ok(tokio::sync::MutexGuard::map(guard, |c| {
            // Set just above.
            #[allow(clippy::unwrap_used)]
            c.as_mut().unwrap()
        }))
    }

    /// Where and how to connect (for a second connection, as the lock's).
    pub(crate) fn target(&self) -> &Target {
        &self.target
    }
}

/// A pooled connection with the statements it has prepared. A query
/// given as text is prepared and then executed, two round trips; a
/// statement prepared once per connection makes every later use one.
/// The texts are the program's own constants, so the cache stays small.
pub(crate) struct Conn {
    client: Client,
    prepared: std::collections::HashMap<&'static str, Statement>,
}

/// Parameters of a statement.
pub(crate) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

impl Conn {
    fn new(client: Client) -> Conn {
        Conn {
            client,
            prepared: Default::default(),
        }
    }

    /// `sql` prepared on this connection (once).
    pub(crate) async fn statement(
        &mut self,
        sql: &'static str,
    ) -> Result<Statement, tokio_postgres::Error> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).await?;
        self.prepared.insert(sql, s.clone());
        Ok(s)
    }

    /// The rows of `sql`.
    pub(crate) async fn query(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, tokio_postgres::Error> {
        let s = self.statement(sql).await?;
        self.client.query(&s, params).await
    }

    /// The first row of `sql`, if any.
    pub(crate) async fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>, tokio_postgres::Error> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// Runs `sql`; the rows it changed.
    pub(crate) async fn execute(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<u64, tokio_postgres::Error> {
        let s = self.statement(sql).await?;
        self.client.execute(&s, params).await
    }

    /// The connection itself (for a transaction).
    pub(crate) fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// The schema version `init --database` reached (0: none). One round
/// trip: the simple protocol needs no prepare step, and a database never
/// initialised answers "no such table".
async fn schema_version(c: &Client) -> Result<i32, tokio_postgres::Error> {
    use tokio_postgres::SimpleQueryMessage;
    let sql = "SELECT coalesce(max(version), 0) FROM kaoping_migrations";
    match c.simple_query(sql).await {
        Ok(messages) => Ok(messages
            .iter()
            .find_map(|m| match m {
                SimpleQueryMessage::Row(row) => row.get(0)?.parse().ok(),
                _ => None,
            })
            .unwrap_or(0)),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_TABLE) => Ok(0),
        Err(e) => Err(e),
    }
}

/// Applies the migrations the database lacks, each in its own transaction,
/// one `init` at a time. Returns the versions applied.
pub fn migrate(db: &DatabaseConfig) -> Result<Vec<i32>, StorageError> {
    let target = Target::new(db)?;
    run(async {
        let mut c = open(&target).await?;
        c.batch_execute(
            "CREATE TABLE IF NOT EXISTS kaoping_migrations (
                 version integer PRIMARY KEY,
                 applied timestamptz NOT NULL DEFAULT now())",
        )
        .await?;
        let mut applied = Vec::new();
        for (version, sql) in MIGRATIONS {
            let tx = c.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_KEY])
                .await?;
            let done = tx
                .query_opt(
                    "SELECT 1 FROM kaoping_migrations WHERE version = $1",
                    &[version],
                )
                .await?
                .is_some();
            if !done {
                tx.batch_execute(sql).await?;
                tx.execute(
                    "INSERT INTO kaoping_migrations (version) VALUES ($1)",
                    &[version],
                )
                .await?;
                applied.push(*version);
            }
            tx.commit().await?;
        }
        Ok(applied)
    })
    .map_err(db_err)
}
