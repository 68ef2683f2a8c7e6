//! Issuing official documents: drafting a kind for the chosen
//! communities, the rules every issuing follows (nothing is overwritten,
//! an earlier document of the same kind is pointed out), receipts, and
//! handing an issued file to those who may see it.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;

use super::{ActionError, Ctx};
use crate::archive::ArchiveError;
use crate::archive::lock::WriterLock;
use crate::config::Config;
use crate::documents::batch::{self, Drafted, Kind, Left, Scope};
use crate::issuance::{self, Draft, Entry, Issued};
use crate::meter::Meter;
use crate::render::Engine;

/// Where issued documents go besides the archive's register.
pub trait Delivery {
    /// Refuses, before any number is allocated, documents that could not
    /// be delivered (the no-overwrite rule: an existing file is never
    /// replaced unless asked); `file_names` are the documents' names.
    fn check(&self, file_names: &[&str]) -> Result<(), ActionError>;
    /// Told, before anything is issued, of a community left out.
    fn left(&self, _left: &Left) {}
    /// Told, before anything is issued, that `earlier` is an earlier
    /// document of the same kind for the same recipient: a new one with
    /// a new number will be issued alongside it.
    fn earlier(&self, _earlier: &Entry) {}
}

/// Documents kept in the archive only (the web offers them from there):
/// nothing outside can be overwritten.
pub struct Kept;

impl Delivery for Kept {
    fn check(&self, _file_names: &[&str]) -> Result<(), ActionError> {
        Ok(())
    }
}

/// What issuing a batch did.
#[derive(Debug)]
pub struct Issuing {
    /// The documents issued, in register order.
    pub issued: Vec<Issued>,
    /// Communities left out, with reasons.
    pub left: Vec<Left>,
    /// Documents of the same kind issued earlier to the same recipients.
    pub earlier: Vec<Entry>,
    /// How many documents the register held before.
    pub before: usize,
}

/// What is needed to make documents.
#[derive(Clone, Copy)]
pub struct Making<'a> {
    /// The configuration (issuer, seal, times).
    pub config: &'a Config,
    /// The template engine.
    pub engine: &'a Engine,
    /// Progress of the rendering.
    pub meter: &'a dyn Meter,
}

/// The office issues `kind` for the communities of `scope`, dated `date`.
/// Issues nothing (an empty `issued`) when no community gets one.
pub fn issue(
    ctx: &Ctx,
    making: Making,
    kind: &Kind,
    scope: &Scope,
    date: NaiveDate,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    // A later phase's 进度汇总表 needs that phase's tasks.
    if let Kind::Progress { phase: Some(b) } = kind {
        super::phases::require(ctx, *b)?;
    }
    issue_with(ctx, making, delivery, &|| {
        Ok(batch::draft(ctx.archive, making.config, kind, scope, date)?)
    })
}

/// The office issues `drafts` it made itself (`kaoping render` from a
/// data file), as [`issue`] does.
pub fn issue_given(
    ctx: &Ctx,
    making: Making,
    drafts: Vec<Draft>,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    ctx.office_only()?;
    issue_with(ctx, making, delivery, &|| Ok(drafts.clone().into()))
}

/// Issues what `draft` makes (every issuing action but the receipt, which
/// is issued once per version, comes here, so that the delivery checks,
/// the earlier-document notes and the reservation hold for all of them):
/// on an archive several servers write
/// ([`crate::archive::Archive::shared`]) with the rendering outside the
/// writer lock ([`issue_reserved`]); else drafted, rendered and registered
/// under the lock, which one machine's archive does fastest (one lock,
/// one log write, no reservation).
pub(super) fn issue_with(
    ctx: &Ctx,
    making: Making,
    delivery: &dyn Delivery,
    draft: &dyn Fn() -> Result<Drafted, ActionError>,
) -> Result<Issuing, ActionError> {
    if ctx.archive.shared() {
        return issue_reserved(ctx, making, delivery, draft);
    }
    let lock = ctx.lock()?;
    let drafted = draft()?;
    for l in &drafted.left {
        delivery.left(l);
    }
    let mut done = issue_drafts(ctx, &lock, making, drafted.drafts, delivery)?;
    done.left = drafted.left;
    Ok(done)
}

/// Issues what `draft` makes with the writer lock held only to reserve
/// the numbers, and again to draft anew and register: drafting first and
/// rendering run with no lock held, so that several servers on one
/// archive issue in parallel. When the drafts made again at registering
/// differ from those rendered (the archive changed meanwhile), the
/// numbers are given back and the batch is made again.
fn issue_reserved(
    ctx: &Ctx,
    making: Making,
    delivery: &dyn Delivery,
    draft: &dyn Fn() -> Result<Drafted, ActionError>,
) -> Result<Issuing, ActionError> {
    let hold = Duration::from_secs(making.config.documents.reserve_seconds);
    for attempt in 0..ATTEMPTS {
        // Drafted from the archive as it stands, with no lock held: the
        // drafts are made again under the lock before they are registered.
        let drafted = draft()?;
        if attempt == 0 {
            for l in &drafted.left {
                delivery.left(l);
            }
        }
        let mut done = prepare(ctx, &drafted.drafts, delivery)?;
        done.left = drafted.left;
        let drafts = drafted.drafts;
        if drafts.is_empty() {
            return Ok(done);
        }
        let reserved = {
            let lock = ctx.lock()?;
            issuance::reserve(ctx.archive, &lock, making.engine, drafts.clone(), hold)?
        };
        let made =
            match issuance::make_reserved(ctx.archive, making.engine, &reserved, making.meter) {
                Ok(made) => made,
                Err(e) => {
                    let lock = ctx.relock()?;
                    let voided =
                        issuance::give_back(ctx.archive, &lock, &reserved, &e.to_string())?;
                    return Err(with_voided(e.into(), &voided));
                }
            };
        let lock = ctx.relock()?;
        let again = match draft() {
            Ok(again) => again,
            Err(e) => {
                let voided = issuance::give_back(ctx.archive, &lock, &reserved, &e.to_string())?;
                return Err(with_voided(e, &voided));
            }
        };
        if again.drafts == drafts {
            done.issued = issuance::commit(
                ctx.archive,
                &lock,
                reserved,
                made,
                &crate::rectify::follow_batch,
            )?;
            return Ok(done);
        }
        issuance::give_back(
            ctx.archive,
            &lock,
            &reserved,
            "生成期间档案库中的数据有了变化，按新的数据重新生成",
        )?;
    }
    Err(ActionError::Invalid(format!(
        "生成公文期间档案库中的数据一直在变化（连续 {ATTEMPTS} 次），这批公文没有登记，请稍后再签发"
    )))
}

/// `err` of a batch whose reserved numbers were `voided` (none: given
/// back, so that its "no number used" stands): it says they were.
fn with_voided(err: ActionError, voided: &[String]) -> ActionError {
    if voided.is_empty() {
        return err;
    }
    let text = err.to_string().replace("、没有占用文号", "");
    ActionError::Invalid(format!(
        "{text}。预留给这批公文的文号 {} 因其后已有文号发出而作废，发文登记簿的“作废的文号”中可查",
        voided.join("、")
    ))
}

/// How many times a batch is made again when the archive changed while
/// it was rendered.
const ATTEMPTS: usize = 3;

/// Before any number is reserved: refuses files that would be
/// overwritten and points out earlier documents of the same kind.
fn prepare(ctx: &Ctx, drafts: &[Draft], delivery: &dyn Delivery) -> Result<Issuing, ActionError> {
    let entries = issuance::entries(ctx.archive)?;
    let mut done = Issuing {
        issued: Vec::new(),
        left: Vec::new(),
        earlier: Vec::new(),
        before: entries.len(),
    };
    if drafts.is_empty() {
        return Ok(done);
    }
    // Checked before any number is allocated: nothing is overwritten.
    let names: Vec<&str> = drafts.iter().map(|d| d.file_name.as_str()).collect();
    delivery.check(&names)?;
    for d in drafts {
        if let Some(e) = issuance::earlier(&entries, d) {
            delivery.earlier(e);
            done.earlier.push(e.clone());
        }
    }
    Ok(done)
}

/// Issues `drafts` made under `lock`: checks the delivery, points out
/// earlier documents, numbers, renders, stores and registers them, all
/// under the lock.
fn issue_drafts(
    ctx: &Ctx,
    lock: &WriterLock,
    making: Making,
    drafts: Vec<Draft>,
    delivery: &dyn Delivery,
) -> Result<Issuing, ActionError> {
    let mut done = prepare(ctx, &drafts, delivery)?;
    if drafts.is_empty() {
        return Ok(done);
    }
    done.issued = issuance::issue(
        ctx.archive,
        lock,
        making.engine,
        drafts,
        making.meter,
        &crate::rectify::follow_batch,
    )?;
    Ok(done)
}

/// The receipt (材料提交回执) of `community`'s submission `version` (the
/// latest if `None`): issued once, asked again, the same one. Whoever may
/// hand in the community's evidence may obtain it.
pub fn receipt(
    ctx: &Ctx,
    making: Making,
    community: &str,
    version: Option<u32>,
    date: NaiveDate,
) -> Result<batch::Receipt, ActionError> {
    if ctx.account_of().is_some() {
        let roster = ctx.roster()?;
        ctx.community(&roster, community, crate::scope::Access::Submit)?;
    }
    let lock = ctx.lock()?;
    Ok(batch::obtain_receipt(
        ctx.archive,
        &lock,
        making.engine,
        making.config,
        community,
        version,
        date,
    )?)
}

/// An issued file handed over: its name, media type and bytes.
#[derive(Debug)]
pub struct IssuedFile {
    /// The file name (`….pdf` or `….ofd`).
    pub name: String,
    /// Its media type.
    pub media: &'static str,
    /// The stored bytes, checked against their hash.
    pub bytes: Vec<u8>,
}

/// The issued PDF or OFD whose SHA-256 is `sha`, for a caller who may see
/// the document: the office any; an account with a district those of its
/// district; others those about a community they may read. A document
/// the caller may not see is answered exactly as one that does not exist,
/// so that hashes cannot be probed.
pub fn issued_file(c: &Ctx, sha: &str) -> Result<IssuedFile, ActionError> {
    let missing = || ActionError::NotFound("发文登记簿里没有这份公文".into());
    let entry = issuance::find_sha256(c.archive, sha)?.ok_or_else(missing)?;
    if let Some(account) = c.account_of() {
        let sees = match (&entry.record.district, &entry.record.community) {
            (Some(d), _) => crate::scope::allows_district(account, d),
            _ if account.role == crate::accounts::Role::Office => true,
            (None, Some(id)) => {
                let roster = c.archive.communities()?;
                roster.get(id).is_ok_and(|community| {
                    crate::scope::allows(account, community, crate::scope::Access::Read)
                })
            }
            (None, None) => false,
        };
        if !sees {
            return Err(missing());
        }
    }
    let digest = crate::archive::store::Digest::from_hex(sha).ok_or_else(missing)?;
    let mut bytes = Vec::new();
    c.archive.store().read_verified(&digest, &mut bytes)?;
    let (name, media) = entry.record.download_as(sha);
    Ok(IssuedFile { name, media, bytes })
}

/// The files of register lines `first` to `last` (counted from 1): each
/// number's PDF and, where issued, its OFD, named `文号-文件名` for one
/// ZIP. The office's only.
pub fn register_files(
    c: &Ctx,
    first: usize,
    last: usize,
) -> Result<Vec<(String, crate::archive::store::Digest)>, ActionError> {
    c.office_only()?;
    let all = issuance::entries(c.archive)?;
    if first == 0 || last < first || last > all.len() {
        return Err(ActionError::Invalid(format!(
            "登记簿只有第 1 至第 {} 条，无法打包第 {first} 至第 {last} 条",
            all.len()
        )));
    }
    let mut files = Vec::new();
    for e in &all[first - 1..last] {
        let ofd = e.record.ofd.as_deref().zip(e.record.ofd_file_name());
        let pdf = std::iter::once((e.record.sha256(), e.record.file_name.clone()));
        for (sha, file) in pdf.chain(ofd) {
            let digest = crate::archive::store::Digest::from_hex(sha).ok_or_else(|| {
                ActionError::Invalid(format!("登记簿里 {} 的哈希格式不对", e.record.number))
            })?;
            files.push((
                format!("{}-{file}", e.record.number.replace('/', "_")),
                digest,
            ));
        }
    }
    Ok(files)
}

/// Writes register lines `first` to `last` (see [`register_files`]) as
/// one ZIP at `out`, each file checked against its hash on the way out.
/// The office's only.
pub fn register_zip(c: &Ctx, first: usize, last: usize, out: &Path) -> Result<(), ActionError> {
    let files = register_files(c, first, last)?;
    let io = |source: std::io::Error| ArchiveError::Io {
        path: out.to_path_buf(),
        source,
    };
    let file = std::fs::File::create(out).map_err(io)?;
    let mut zip = zip::ZipWriter::new(file);
    // PDFs and OFDs are compressed already: they are stored as they are.
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, digest) in files {
        zip.start_file(name, opts).map_err(|e| io(e.into()))?;
        c.archive.store().read_verified(&digest, &mut zip)?;
    }
    zip.finish().map_err(|e| io(e.into()))?;
    Ok(())
}

/// The 发文登记簿: every registered document and every voided number.
#[derive(Debug)]
pub struct Register {
    /// The documents, in register order.
    pub entries: Vec<Entry>,
    /// The voided (作废) numbers, in order.
    pub voided: Vec<issuance::VoidEntry>,
}

/// The register, for the office.
pub fn register(c: &Ctx) -> Result<Register, ActionError> {
    c.office_only()?;
    let records = c.archive.records()?;
    Ok(Register {
        entries: issuance::entries_of(&records),
        voided: issuance::voided_of(&records),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A failure whose numbers were voided no longer claims that no
    /// number was used, and names them; one whose numbers were given back
    /// is left as it was.
    #[test]
    fn a_failure_names_the_numbers_it_voided() {
        let err = || ActionError::Invalid("签名失败；这次没有发文、没有占用文号".into());
        let said = with_voided(err(), &["办〔2026〕3号".into()]).to_string();
        assert!(!said.contains("没有占用文号"), "{said}");
        assert!(
            said.contains("办〔2026〕3号") && said.contains("作废"),
            "{said}"
        );
        assert_eq!(with_voided(err(), &[]).to_string(), err().to_string());
    }
}
