//! The log in PostgreSQL: table `log`, one row per line with the line's
//! exact bytes, so the chain is the same construction as `log.jsonl`. A
//! batch is one transaction, together with what it commits: the numbers
//! it gives out (table `numbers`, whose constraints are the last guard)
//! and the submission versions it records (`manifests.log_seq`). A lost
//! connection or a refused number leaves none of the batch.

use std::io;

use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

use super::{Db, io_err};
use crate::storage::LogKey;
use crate::storage::run;

/// A number given out by a document of the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRow {
    /// The number as printed, e.g. 昆社治办〔2019〕3号.
    pub number: String,
    /// Its sequence's key.
    pub sequence: String,
    /// Year.
    pub year: i32,
    /// Serial within sequence and year.
    pub serial: i32,
    /// The document's record.
    pub seq: u64,
}

/// What a batch commits besides its lines.
#[derive(Debug, Clone, Default)]
pub struct Commits {
    /// Numbers given out.
    pub numbers: Vec<NumberRow>,
    /// Submission versions recorded: (community, version, record seq).
    pub versions: Vec<(String, u32, u64)>,
}

fn seq_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The statements of an append, in the order they run.
const APPEND: [&str; 4] = [
    "INSERT INTO log (seq, line) SELECT * FROM unnest($1::bigint[], $2::bytea[])",
    "INSERT INTO log_keys (key, seq) SELECT * FROM unnest($1::text[], $2::bigint[])",
    "INSERT INTO numbers (number, sequence, year, serial, log_seq)
     SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::bigint[])",
    "UPDATE manifests m SET log_seq = u.seq
     FROM unnest($1::text[], $2::integer[], $3::bigint[]) AS u(community, version, seq)
     WHERE m.community = u.community AND m.version = u.version",
];

/// The columns of one append, as the arrays [`APPEND`] takes: the
/// lines, their keys, the numbers given out, the versions committed.
#[derive(Default)]
struct BatchRows<'a> {
    seqs: Vec<i64>,
    lines: Vec<&'a [u8]>,
    key_texts: Vec<String>,
    key_seqs: Vec<i64>,
    numbers: Vec<&'a str>,
    number_sequences: Vec<&'a str>,
    number_years: Vec<i32>,
    number_serials: Vec<i32>,
    number_seqs: Vec<i64>,
    version_communities: Vec<&'a str>,
    versions: Vec<i32>,
    version_seqs: Vec<i64>,
}

impl<'a> BatchRows<'a> {
    fn of(lines: &'a [(u64, Vec<u8>)], commits: &'a Commits) -> BatchRows<'a> {
        let mut b = BatchRows::default();
        for (seq, line) in lines {
            b.seqs.push(seq_i64(*seq));
            b.lines.push(line);
            // The line's keys, with it (a line kaoping wrote always has
            // them; one that has none is found by reading all).
            for key in LogKey::of_line(line).map(|k| k.1).unwrap_or_default() {
                b.key_texts.push(key.text());
                b.key_seqs.push(seq_i64(*seq));
            }
        }
        for n in &commits.numbers {
            b.numbers.push(&n.number);
            b.number_sequences.push(&n.sequence);
            b.number_years.push(n.year);
            b.number_serials.push(n.serial);
            b.number_seqs.push(seq_i64(n.seq));
        }
        for (community, version, seq) in &commits.versions {
            b.version_communities.push(community);
            b.versions.push(*version as i32);
            b.version_seqs.push(seq_i64(*seq));
        }
        b
    }

    /// The parameters of each statement of [`APPEND`].
    fn params(&self) -> [Vec<&(dyn ToSql + Sync)>; 4] {
        [
            vec![&self.seqs, &self.lines],
            vec![&self.key_texts, &self.key_seqs],
            vec![
                &self.numbers,
                &self.number_sequences,
                &self.number_years,
                &self.number_serials,
                &self.number_seqs,
            ],
            vec![
                &self.version_communities,
                &self.versions,
                &self.version_seqs,
            ],
        ]
    }
}

impl Db {
    /// Every line of the log, as `log.jsonl` would hold them (each ending
    /// in a newline). Rows already read are not fetched again: the table
    /// refuses updates and deletes, so they cannot have changed.
    pub fn log_bytes(&self) -> io::Result<Vec<u8>> {
        let known = self.log_cache.lock().map(|c| c.0).unwrap_or(0);
        let rows = self.log_lines_after(known)?;
        let mut cache = self
            .log_cache
            .lock()
            .map_err(|_| io::Error::other("日志缓存损坏"))?;
        if cache.0 != known {
            // Another thread read meanwhile; read everything again.
            drop(cache);
            if let Ok(mut c) = self.log_cache.lock() {
                *c = (0, Vec::new());
            }
            return self.log_bytes_all();
        }
        for (seq, line) in rows {
            cache.1.extend_from_slice(&line);
            cache.1.push(b'\n');
            cache.0 = seq;
        }
        Ok(cache.1.clone())
    }

    fn log_bytes_all(&self) -> io::Result<Vec<u8>> {
        let rows = self.query("SELECT line FROM log ORDER BY seq", &[])?;
        let mut out = Vec::new();
        for row in rows {
            out.extend_from_slice(row.get::<_, &[u8]>(0));
            out.push(b'\n');
        }
        Ok(out)
    }

    /// The lines after record `seq`, with their numbers.
    pub fn log_lines_after(&self, seq: u64) -> io::Result<Vec<(u64, Vec<u8>)>> {
        self.log_lines_from(seq + 1)
    }

    /// The lines from `seq` on (that one included), in order.
    pub fn log_lines_from(&self, seq: u64) -> io::Result<Vec<(u64, Vec<u8>)>> {
        let sql = "SELECT seq, line FROM log WHERE seq >= $1 ORDER BY seq";
        let rows = self.query(sql, &[&seq_i64(seq)])?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
            .collect())
    }

    /// The lines with `key`, in order, through table `log_keys`.
    pub fn log_lines_of(&self, key: &LogKey) -> io::Result<Vec<(u64, Vec<u8>)>> {
        let sql = "SELECT l.seq, l.line FROM log_keys k JOIN log l ON l.seq = k.seq
                   WHERE k.key = $1 ORDER BY k.seq";
        let rows = self.query(sql, &[&key.text()])?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, i64>(0) as u64, r.get(1)))
            .collect())
    }

    /// Every (key, seq) of table `log_keys`, for `verify`.
    pub fn log_keys(&self) -> io::Result<Vec<(String, u64)>> {
        self.named_seqs("SELECT key, seq FROM log_keys ORDER BY seq, key")
    }

    /// The rows of one statement on the next free connection.
    fn query(
        &self,
        sql: &'static str,
        params: super::Params<'_>,
    ) -> io::Result<Vec<tokio_postgres::Row>> {
        run(async {
            let mut c = self.client().await?;
            c.query(sql, params).await
        })
        .map_err(io_err)
    }

    /// (text, log seq) pairs of a statement without parameters.
    fn named_seqs(&self, sql: &'static str) -> io::Result<Vec<(String, u64)>> {
        let rows = self.query(sql, &[])?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect())
    }

    /// The last line and its sequence number (`None` for an empty log).
    pub fn log_head(&self) -> io::Result<Option<(u64, Vec<u8>)>> {
        let row = run(async {
            let mut c = self.client().await?;
            c.query_opt("SELECT seq, line FROM log ORDER BY seq DESC LIMIT 1", &[])
                .await
        })
        .map_err(io_err)?;
        Ok(row.map(|r| (r.get::<_, i64>(0) as u64, r.get(1))))
    }

    /// Appends `lines` (numbered from the head on) with what they commit,
    /// in one transaction on the connection that holds the writer lock.
    pub fn log_append(
        &self,
        lock: &super::lock::DbLock,
        lines: &[(u64, Vec<u8>)],
        commits: &Commits,
    ) -> io::Result<()> {
        let rows = BatchRows::of(lines, commits);
        run(async {
            let mut c = lock.client().await;
            let tx = c.transaction().await?;
            // Four statements whatever the batch holds, each taking its
            // rows as arrays; prepared together and then sent one after
            // another without waiting in between, so the batch costs four
            // round trips with BEGIN and COMMIT (before: two per line and
            // per number). They run in the order sent: keys and numbers
            // after the lines they refer to.
            let prepared =
                futures_util::future::try_join_all(APPEND.map(|sql| tx.prepare(sql))).await?;
            let params = rows.params();
            futures_util::future::try_join_all(
                prepared.iter().zip(&params).map(|(s, p)| tx.execute(s, p)),
            )
            .await?;
            tx.commit().await
        })
        .map_err(|e| {
            if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "数据库拒绝写入：{}（另一台服务器刚写入了同一序号或文号，本次什么也没有写入，请重试）",
                        e.as_db_error().map_or(String::new(), |d| d.message().to_string())
                    ),
                )
            } else {
                io_err(e)
            }
        })
    }

    /// The numbers table: (number, log seq), for checks.
    pub fn numbers(&self) -> io::Result<Vec<(String, u64)>> {
        self.named_seqs("SELECT number, log_seq FROM numbers ORDER BY log_seq")
    }
}
