//! Making numbered documents: rendering each draft (in parallel) to its
//! signed PDF, SM2 signatures and OFD and storing them as objects (in the
//! archive's store under the writer lock, or in a store of its own
//! without it, [`crate::archive::store::ObjectStore::unlocked`]), then
//! building the register records and log events of the batch.

use super::number::Numbered;
use super::signing::{ofd_keys, sign, with_seals};
use super::{FollowEvents, IssueError, Issued, IssuedRecord, ObjectRef};
use crate::archive::log::Record;
use crate::archive::store::ObjectStore;
use crate::archive::{Archive, ArchiveError};
use crate::event::Event;
use crate::event::rectify::FollowUp;
use crate::meter::{Meter, Unit};
use crate::render::parallel::par_map;
use crate::render::templates::TemplateUse;
use crate::render::{Engine, Formats, RenderError};

/// A rendered PDF (and OFD) with the templates it came from.
pub(super) struct Rendered {
    pdf: Vec<u8>,
    uses: Vec<TemplateUse>,
    sm2: Vec<Vec<u8>>,
    ofd: Option<Vec<u8>>,
}

/// A batch made: each document rendered and stored, in order.
pub struct Made {
    rendered: Vec<Rendered>,
    stored: Vec<Vec<ObjectRef>>,
}

/// Renders every numbered draft and stores its files in `store`.
pub(super) fn make(
    archive: &Archive,
    store: &ObjectStore,
    engine: &Engine,
    numbered: &[Numbered],
    progress: &dyn Meter,
) -> Result<Made, IssueError> {
    let rendered = render_all(engine, numbered, progress)?;
    let stored = store_all(archive, store, &rendered)?;
    Ok(Made { rendered, stored })
}

/// The issued documents of a made batch, and the events that register
/// them (with those `follow` makes from them after `records`).
pub(super) fn register(
    records: &[Record],
    numbered: Vec<Numbered>,
    made: Made,
    follow: &FollowEvents,
) -> (Vec<Issued>, Vec<Event>) {
    let mut out = Vec::with_capacity(made.rendered.len());
    for ((n, r), objects) in numbered.into_iter().zip(made.rendered).zip(made.stored) {
        let d = n.draft;
        let record = IssuedRecord {
            number: n.number,
            sequence: n.sequence,
            year: n.year,
            serial: n.serial,
            kind: d.kind,
            title: d.meta.title.clone(),
            recipient: d.recipient,
            community: d.community,
            district: d.district,
            date: d.meta.date,
            organs: d.organs,
            file_name: d.file_name,
            over_quota: d.over_quota,
            submission: d.submission,
            ofd: r.ofd.as_ref().and(objects.last()).map(|o| o.sha256.clone()),
            objects,
            templates: r.uses,
            basis: n.basis,
        };
        let issued = Issued {
            record,
            pdf: r.pdf,
            sm2: r.sm2,
            ofd: r.ofd,
        };
        out.push((issued, d.follow));
    }
    // The whole batch is registered with one write: all or none; the
    // events its documents set going in other areas (rectification items
    // a notice opens) are made by `follow` and written with it.
    let mut events: Vec<Event> = out
        .iter()
        .map(|(d, _)| Event::Document(d.record.clone()))
        .collect();
    let following: Vec<(&IssuedRecord, &FollowUp)> = out
        .iter()
        .filter_map(|(d, f)| f.as_ref().map(|f| (&d.record, f)))
        .collect();
    if !following.is_empty() {
        events.extend(follow(records, &following));
    }
    (out.into_iter().map(|(d, _)| d).collect(), events)
}

/// Stores every rendered PDF, its SM2 signatures and its OFD; the
/// objects of each document, the PDF first and the OFD (if any) last,
/// each with its SM3.
fn store_all(
    archive: &Archive,
    store: &ObjectStore,
    rendered: &[Rendered],
) -> Result<Vec<Vec<ObjectRef>>, IssueError> {
    let io = |source| ArchiveError::Io {
        path: archive.root().to_path_buf(),
        source,
    };
    let mut all = Vec::with_capacity(rendered.len());
    for r in rendered {
        let mut objects = Vec::with_capacity(2 + r.sm2.len());
        for bytes in std::iter::once(&r.pdf).chain(&r.sm2).chain(&r.ofd) {
            let put = store.put_bytes(bytes).map_err(io)?;
            objects.push(ObjectRef {
                sha256: put.digest.hex(),
                size: put.size,
                sm3: Some(crate::sign::sm::sm3_hex(bytes)),
            });
        }
        all.push(objects);
    }
    store.flush().map_err(io)?;
    Ok(all)
}

/// Renders every numbered draft (in parallel): the PDFs and the
/// templates each came from, in order; the first failure stops all.
fn render_all(
    engine: &Engine,
    numbered: &[Numbered],
    progress: &dyn Meter,
) -> Result<Vec<Rendered>, IssueError> {
    progress.start("生成公文", numbered.len() as u64, Unit::Items);
    // Plain threads, not a rayon iterator: see `render::parallel`.
    let pdfs: Vec<Result<Rendered, IssueError>> = par_map(numbered, |n| {
        let d = &n.draft;
        let r = with_seals(engine, d)
            .and_then(|data| {
                let formats = Formats {
                    pdf: true,
                    ofd: engine.writes_ofd(),
                };
                let ofd_keys = ofd_keys(engine, d, formats)?;
                engine
                    .render_signed_as(&d.template, data.as_ref(), &d.meta, formats, &ofd_keys)
                    .map_err(|source| IssueError::Render {
                        title: d.meta.title.clone(),
                        source,
                    })
            })
            .and_then(|rendered| {
                let (Some(pdf), ofd) = (rendered.pdf, rendered.ofd) else {
                    return Err(IssueError::Render {
                        title: d.meta.title.clone(),
                        source: RenderError::Pdf("没有生成 PDF".into()),
                    });
                };
                let uses =
                    engine
                        .templates_used(&d.template)
                        .map_err(|source| IssueError::Render {
                            title: d.meta.title.clone(),
                            source,
                        })?;
                let pdf = sign(engine, pdf, n)?;
                let sm2 = match engine.keys() {
                    Some(keys) => keys.sm2_signatures(&n.draft.organs, &pdf)?,
                    None => Vec::new(),
                };
                Ok(Rendered {
                    pdf,
                    uses,
                    sm2,
                    ofd,
                })
            });
        progress.advance(1);
        r
    });
    progress.finish();
    pdfs.into_iter().collect()
}
