//! The writer lock across servers: a PostgreSQL session advisory lock held
//! by a connection of its own. The database releases it when that
//! connection ends, however the process ends, as the operating system does
//! for the local lock file.

use tokio_postgres::Client;

use super::{Db, db_err, open};
use crate::storage::{StorageError, run};

/// The advisory-lock key of the archive's writer lock ("kaop").
const WRITER_KEY: i64 = 0x6b61_6f70;

/// A held writer lock; released when dropped (its connection closes).
/// The log is appended through this same connection, so a writer whose
/// lock was lost (its connection cut) cannot append: the lock and the
/// write are one session.
pub struct DbLock {
    client: tokio::sync::Mutex<Client>,
}

impl DbLock {
    fn new(client: Client) -> DbLock {
        DbLock {
            client: tokio::sync::Mutex::new(client),
        }
    }

    /// The connection holding the lock.
    pub(crate) async fn client(&self) -> tokio::sync::MutexGuard<'_, Client> {
        self.client.lock().await
    }
}

impl std::fmt::Debug for DbLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbLock")
    }
}

/// What became of a try.
pub enum Taken {
    /// Held now.
    Held(DbLock),
    /// Another session holds it: who (its application name and address).
    Busy(String),
}

impl Db {
    /// Tries to take the writer lock; with `wait`, waits for it.
    pub fn lock(&self, wait: bool) -> Result<Taken, StorageError> {
        run(async {
            let client = open(self.target()).await?;
            // The simple protocol: one round trip (the key is our constant).
            let try_lock = format!("SELECT pg_try_advisory_lock({WRITER_KEY})");
            let got = client.simple_query(&try_lock).await?.iter().any(|m| {
                matches!(m, tokio_postgres::SimpleQueryMessage::Row(r) if r.get(0) == Some("t"))
            });
            if got {
                return Ok(Taken::Held(DbLock::new(client)));
            }
            let holder = client
                .query_opt(
                    "SELECT a.application_name || coalesce('，地址 ' || host(a.client_addr), '')
                     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE l.locktype = 'advisory' AND l.granted
                       AND l.objid = ($1::bigint & 4294967295)::oid
                     LIMIT 1",
                    &[&WRITER_KEY],
                )
                .await?
                .map_or_else(|| "另一台服务器".to_string(), |r| r.get(0));
            if !wait {
                return Ok(Taken::Busy(holder));
            }
            client
                .execute("SELECT pg_advisory_lock($1)", &[&WRITER_KEY])
                .await?;
            Ok(Taken::Held(DbLock::new(client)))
        })
        .map_err(db_err)
    }
}
