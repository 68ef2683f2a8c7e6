//! Registers, submission manifests and web sessions in PostgreSQL.

use std::io;

use super::{Db, io_err};
use crate::storage::run;

/// How stale a session's `seen` may get before a request moves it, in
/// seconds.
const SEEN_GRAIN_S: f64 = 60.0;

/// A stored submission version.
#[derive(Debug, Clone, PartialEq)]
pub struct ManifestRow {
    /// Community id.
    pub community: String,
    /// Version number.
    pub version: u32,
    /// `manifest.json` bytes.
    pub manifest: Vec<u8>,
    /// `objects.sha256` text.
    pub objects: String,
    /// The record that committed it, if any yet.
    pub log_seq: Option<u64>,
}

/// A live session's account, password stamp and CSRF token.
pub type SessionRow = (String, String, String);

impl Db {
    /// A register's bytes (`None`: never written).
    pub fn register(&self, name: &str) -> io::Result<Option<Vec<u8>>> {
        let row = run(async {
            let mut c = self.client().await?;
            c.query_opt("SELECT body FROM registers WHERE name = $1", &[&name])
                .await
        })
        .map_err(io_err)?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Replaces a register's bytes in one statement.
    pub fn put_register(&self, name: &str, body: &[u8]) -> io::Result<()> {
        run(async {
            let mut c = self.client().await?;
            c.execute(
                "INSERT INTO registers (name, body) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET body = EXCLUDED.body, updated = now()",
                &[&name, &body],
            )
            .await
        })
        .map_err(io_err)?;
        Ok(())
    }

    /// Stores a version not yet committed, replacing what an interrupted
    /// writer left of the same version; a committed one is never replaced.
    pub fn put_manifest(&self, m: &ManifestRow) -> io::Result<()> {
        let v = m.version as i32;
        let n = run(async {
            let mut c = self.client().await?;
            let tx = c.client_mut().transaction().await?;
            tx.execute(
                "DELETE FROM manifests WHERE community = $1 AND version = $2 AND log_seq IS NULL",
                &[&m.community, &v],
            )
            .await?;
            let n = tx
                .execute(
                    "INSERT INTO manifests (community, version, manifest, objects)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    &[&m.community, &v, &m.manifest, &m.objects],
                )
                .await?;
            tx.commit().await?;
            Ok(n)
        })
        .map_err(io_err)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("社区 {} 第 {} 版已存在", m.community, m.version),
            ));
        }
        Ok(())
    }

    /// One version, if stored.
    pub fn manifest(&self, community: &str, version: u32) -> io::Result<Option<ManifestRow>> {
        if let Some(row) = self.committed.get(community, version) {
            return Ok(Some(row));
        }
        let v = version as i32;
        let rows = run(async {
            let mut c = self.client().await?;
            c.query(
                "SELECT community, version, manifest, objects, log_seq FROM manifests
                 WHERE community = $1 AND version = $2",
                &[&community, &v],
            )
            .await
        })
        .map_err(io_err)?;
        let row = rows.iter().map(manifest_row).next();
        if let Some(row) = &row {
            self.committed.keep(row);
        }
        Ok(row)
    }

    /// Every stored version, by community and version.
    pub fn manifests(&self) -> io::Result<Vec<ManifestRow>> {
        let rows = run(async {
            let mut c = self.client().await?;
            c.query(
                "SELECT community, version, manifest, objects, log_seq FROM manifests
                 ORDER BY community, version",
                &[],
            )
            .await
        })
        .map_err(io_err)?;
        Ok(rows.iter().map(manifest_row).collect())
    }

    /// Records a new session (its id only as a hash) and drops expired ones.
    pub fn start_session(&self, id_sha: &str, row: &SessionRow, max_age_s: i64) -> io::Result<()> {
        run(async {
            let mut c = self.client().await?;
            c.execute(
                "DELETE FROM sessions WHERE started < now() - make_interval(secs => $1)",
                &[&(max_age_s as f64)],
            )
            .await?;
            c.execute(
                "INSERT INTO sessions (id_sha256, account, stamp, csrf, started, seen)
                 VALUES ($1, $2, $3, $4, now(), now())",
                &[&id_sha, &row.0, &row.1, &row.2],
            )
            .await
        })
        .map_err(io_err)?;
        Ok(())
    }

    /// The live session with this id hash, marked as seen now (to within
    /// [`SEEN_GRAIN_S`]).
    pub fn touch_session(
        &self,
        id_sha: &str,
        idle_s: i64,
        max_age_s: i64,
    ) -> io::Result<Option<SessionRow>> {
        let row = run(async {
            let mut c = self.client().await?;
            // `seen` is moved at most once a minute: a statement that
            // writes nothing commits without flushing the WAL, and every
            // page view used to wait for that flush. The idle limit is
            // hours, so a minute of slack in it does not matter.
            c.query_opt(
                "WITH live AS (
                   SELECT account, stamp, csrf FROM sessions WHERE id_sha256 = $1
                      AND seen > now() - make_interval(secs => $2)
                      AND started > now() - make_interval(secs => $3)),
                 bump AS (
                   UPDATE sessions SET seen = now() WHERE id_sha256 = $1
                      AND seen < now() - make_interval(secs => $4)
                      AND EXISTS (SELECT 1 FROM live))
                 SELECT account, stamp, csrf FROM live",
                &[
                    &id_sha,
                    &(idle_s as f64),
                    &(max_age_s as f64),
                    &SEEN_GRAIN_S,
                ],
            )
            .await
        })
        .map_err(io_err)?;
        Ok(row.map(|r| (r.get(0), r.get(1), r.get(2))))
    }

    /// Ends a session.
    pub fn end_session(&self, id_sha: &str) -> io::Result<()> {
        run(async {
            let mut c = self.client().await?;
            c.execute("DELETE FROM sessions WHERE id_sha256 = $1", &[&id_sha])
                .await
        })
        .map_err(io_err)?;
        Ok(())
    }
}

fn manifest_row(r: &tokio_postgres::Row) -> ManifestRow {
    ManifestRow {
        community: r.get(0),
        version: r.get::<_, i32>(1) as u32,
        manifest: r.get(2),
        objects: r.get(3),
        log_seq: r.get::<_, Option<i64>>(4).map(|s| s as u64),
    }
}
