//! The on-site page's offline outbox reaching the server: a photo's bytes
//! by hash in resumable chunks, each record taken in under its phone id
//! (same id and content: acknowledged again; other content: a conflict),
//! and the exported outbox taken in at the console by the same rules
//! ([`import_outbox`]). The rules are [`crate::field::outbox`]'s and
//! [`crate::field::chunks`]'s; who may is checked here as for the online
//! page (an assessor of the community).

use std::path::Path;

use super::field::{may_assess, recorder, with_community};
use super::{ActionError, Ctx};
use crate::accounts::Account;
use crate::community::Community;
use crate::config::Config;
use crate::field::chunks::{self, BlobState, Chunk};
use crate::field::export;
use crate::field::outbox::{self, Accepted, Outcome, Sent, SentKind};

/// Takes in one record of the outbox for community `id`.
pub fn sync_record<'a>(
    ctx: &Ctx<'a>,
    config: &Config,
    id: &str,
    by: Option<&'a Account>,
    sent: &Sent,
) -> Result<(Community, Accepted), ActionError> {
    super::field::as_assessor(ctx, config, id, by, |at| outbox::submit(at, sent))
}

/// What the server holds of photo `sha` sent for community `id`.
pub fn photo_state<'a>(
    ctx: &Ctx<'a>,
    id: &str,
    by: Option<&'a Account>,
    sha: &str,
) -> Result<BlobState, ActionError> {
    let account = recorder(ctx, by)?;
    let (_, state) = with_community(ctx, id, may_assess, |_, c| {
        crate::field::check_assessor(account, c)?;
        Ok(chunks::state(ctx.archive, account, sha)?)
    })?;
    Ok(state)
}

/// Takes one chunk of a photo sent for community `id`.
pub fn photo_chunk<'a>(
    ctx: &Ctx<'a>,
    config: &Config,
    id: &str,
    by: Option<&'a Account>,
    chunk: Chunk<'_>,
) -> Result<BlobState, ActionError> {
    let account = recorder(ctx, by)?;
    let (_, state) = with_community(ctx, id, may_assess, |_, c| {
        crate::field::check_assessor(account, c)?;
        Ok(chunks::put(ctx.archive, &config.field, account, chunk)?)
    })?;
    Ok(state)
}

/// What happened to one record of an imported outbox.
#[derive(Debug)]
pub struct Imported {
    /// The phone's id of the record.
    pub id: String,
    /// Its community.
    pub community: String,
    /// What it records (考评结论 or 照片) and at which point.
    pub what: String,
    /// Taken in, or why not.
    pub result: Result<Outcome, ActionError>,
}

/// Takes in the outbox exported at `path` as account `by`'s, record by
/// record, by the same rules as the page's sync: a record already taken
/// in (from the page or an earlier import) is acknowledged again, never
/// stored twice. One refused record does not stop the others.
pub fn import_outbox<'a>(
    ctx: &Ctx<'a>,
    config: &Config,
    by: &'a Account,
    path: &Path,
) -> Result<Vec<Imported>, ActionError> {
    let file = export::read(path)?;
    Ok(file
        .records
        .iter()
        .map(|r| Imported {
            id: r.sent.id.clone(),
            community: r.community.clone(),
            what: match &r.sent.what {
                SentKind::Visit { findings, .. } => {
                    format!("{} 考评结论 {} 条", r.sent.point, findings.len())
                }
                SentKind::Photo { standard, name, .. } => {
                    format!("{} {standard} 照片 {name}", r.sent.point)
                }
            },
            result: import_one(ctx, config, by, r).map(|a| a.outcome),
        })
        .collect())
}

fn import_one<'a>(
    ctx: &Ctx<'a>,
    config: &Config,
    by: &'a Account,
    r: &export::Exported,
) -> Result<Accepted, ActionError> {
    if let (SentKind::Photo { sha256, .. }, Some(data)) = (&r.sent.what, &r.photo_base64) {
        chunks::check_sha(sha256)?;
        let have = photo_state(ctx, &r.community, Some(by), sha256)?;
        if !have.have {
            let bytes = export::decode(config.field.max_photo_bytes(), data)?;
            with_community(ctx, &r.community, may_assess, |_, _| {
                Ok(chunks::put_whole(
                    ctx.archive,
                    &config.field,
                    by,
                    sha256,
                    &bytes,
                )?)
            })?;
        }
    }
    let (_, accepted) = sync_record(ctx, config, &r.community, Some(by), &r.sent)?;
    Ok(accepted)
}
