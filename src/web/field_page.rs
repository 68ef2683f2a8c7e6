//! The page of a community's 实地考评 and 网络（媒体）调查 evidence
//! (`GET /c/{id}/field`) and, with `?point=`, the capture page of one
//! point for an assessor: its data as serde structs, read in one pass.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::{Deserialize, Serialize};

use super::error::WebError;
use super::session::User;
use super::{AppState, act, pages};
use crate::actions::{self, field::FieldView};
use crate::catalog::Catalog;
use crate::field::{self, grid, media, photo, point, visit};
use crate::scope::Access;

/// The page's query.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// The point whose capture page is asked for.
    pub point: Option<String>,
}

#[derive(Serialize)]
struct StdLine {
    key: String,
    label: String,
    text: String,
    photos: Vec<PhotoLine>,
}

/// A stored photo as the page and the upload answer show it.
#[derive(Serialize)]
pub struct PhotoLine {
    sha: String,
    short: String,
    name: String,
    taken: String,
    received: String,
    flags: Vec<String>,
    assessor: String,
    point: String,
    standard: String,
}

/// The line of photo `p`, times shown as `time` says.
pub fn photo_line(p: &photo::PhotoRecord, time: &crate::config::TimeSettings) -> PhotoLine {
    PhotoLine {
        sha: p.file.object.sha256.clone(),
        short: p.file.short().to_string(),
        name: p.file.name.clone(),
        taken: p
            .exif
            .taken
            .as_deref()
            .map_or("无".into(), |t| time.show(t)),
        received: time.show(&p.received),
        flags: p.flags.iter().map(|f| f.detail.clone()).collect(),
        assessor: p.assessor.clone(),
        point: p.point.clone(),
        standard: p.key.to_string(),
    }
}

#[derive(Serialize)]
struct VisitLine {
    point: String,
    assessor: String,
    level: &'static str,
    date: String,
    standard: String,
    verdict: &'static str,
    remark: String,
    photos: usize,
}

#[derive(Serialize)]
struct MediaLine {
    standard: String,
    title: String,
    url: String,
    platform: &'static str,
    checked: String,
    finding: String,
    short: String,
    format: media::CaptureFormat,
}

#[derive(Serialize)]
struct GridLine {
    name: String,
    short: String,
    total: usize,
    resolved: usize,
    percent: String,
    standards: String,
    by_category: String,
}

#[derive(Serialize)]
struct CoverageLine {
    standard: String,
    method: &'static str,
    covered: bool,
    files: usize,
    records: usize,
    photos: usize,
    grid: usize,
    media: usize,
}

#[derive(Serialize)]
struct ScanLine {
    point: String,
    assessor: String,
    name: String,
    short: String,
}

#[derive(Serialize)]
struct CommunityRef {
    id: String,
    name: String,
    district: String,
}

#[derive(Serialize)]
struct PointLine {
    id: String,
    name: String,
    kind: &'static str,
    address: String,
    coords: Option<String>,
    checked: usize,
}

#[derive(Serialize)]
struct ChosenPoint {
    id: String,
    name: String,
    kind: &'static str,
    address: String,
}

#[derive(Serialize)]
struct FieldPage {
    scans: Vec<ScanLine>,
    coverage: Vec<CoverageLine>,
    c: CommunityRef,
    points: Vec<PointLine>,
    point: Option<ChosenPoint>,
    standards: Vec<StdLine>,
    photos: Vec<PhotoLine>,
    visits: Vec<VisitLine>,
    media: Vec<MediaLine>,
    grids: Vec<GridLine>,
    may_assess: bool,
    may_points: bool,
    may_media: bool,
    office: bool,
    kinds: [&'static str; point::PointKind::ALL.len()],
    platforms: [&'static str; media::Platform::ALL.len()],
    max_mb: u64,
    today: String,
    zone: String,
    /// When the page's data was read, as people read it (the page shows
    /// it when a phone opens its kept copy offline).
    fetched: String,
}

/// `GET /c/{id}/field`: the points and on-site evidence; with `?point=`
/// the capture page of that point for an assessor.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    user: User,
) -> Result<Html<String>, WebError> {
    // The page's guard: an account that may not see the community learns
    // nothing of it (not even whether it exists).
    user.require_community(&state, &id, Access::Read).await?;
    let time = state.0.config.time.clone();
    let max_mb = state.0.config.field.max_photo_mb;
    let me = user.account.name.clone();
    let chosen = q.point.filter(|p| !p.is_empty());
    let view = act::run(&state, &user, move |ctx| {
        Ok(actions::field::view(ctx, &id, chosen.as_deref())?)
    })
    .await?;
    let mut page = present(&view, (&me, &time));
    page.max_mb = max_mb;
    Ok(pages::page("field.html", &user.context(), &page))
}

/// The page of what [`actions::field::view`] read; the capture lines
/// are assessor `me`'s.
fn present(view: &FieldView, (me, time): (&str, &crate::config::TimeSettings)) -> FieldPage {
    let catalog = Catalog::builtin();
    let (c, evidence) = (&view.community, &view.evidence);
    let photos = &evidence.photos;
    let chosen = view.chosen.as_ref();
    let standards = chosen.map_or_else(Vec::new, |p| {
        p.checked(catalog)
            .into_iter()
            .map(|k| StdLine {
                key: format!("{}/{}", k.indicator, k.standard),
                label: k.to_string(),
                text: k.text(catalog).to_string(),
                photos: photos
                    .iter()
                    .filter(|ph| ph.point == p.id && ph.key == k && ph.assessor == me)
                    .map(|ph| photo_line(ph, time))
                    .collect(),
            })
            .collect()
    });
    let rights = view.rights;
    FieldPage {
        scans: evidence.scans.iter().map(scan_line).collect(),
        coverage: field::evidence::coverage(catalog, evidence, view.manifest.as_ref())
            .iter()
            .filter(|l| l.method != crate::catalog::Method::Questionnaire)
            .map(coverage_line)
            .collect(),
        c: CommunityRef {
            id: c.id.clone(),
            name: c.name.clone(),
            district: c.district.clone(),
        },
        points: evidence
            .points
            .iter()
            .map(|p| point_line(p, catalog))
            .collect(),
        point: chosen.map(|p| ChosenPoint {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.name(),
            address: p.address.clone(),
        }),
        standards,
        photos: photos.iter().map(|p| photo_line(p, time)).collect(),
        visits: visit_lines(evidence.visits.iter().map(|(_, v)| v)),
        media: evidence.media.iter().map(media_line).collect(),
        grids: evidence.grids.iter().map(grid_line).collect(),
        may_assess: rights.assess,
        may_points: rights.points,
        may_media: rights.media,
        office: rights.office,
        kinds: point::PointKind::ALL.map(point::PointKind::name),
        platforms: media::Platform::ALL.map(media::Platform::name),
        max_mb: 0,
        today: crate::dates::today().to_string(),
        zone: time.label().to_string(),
        fetched: time.show(&crate::archive::log::now_rfc3339()),
    }
}

fn visit_lines<'a>(visits: impl Iterator<Item = &'a visit::VisitRecord>) -> Vec<VisitLine> {
    visits
        .flat_map(|v| v.rows.iter().map(move |r| (v, r)))
        .map(|(v, r)| VisitLine {
            point: v.point.clone(),
            assessor: v.assessor.clone(),
            level: v.level.name(),
            date: v.date.to_string(),
            standard: r.key.to_string(),
            verdict: r.verdict.name(),
            remark: r.remark.clone(),
            photos: r.photos.len(),
        })
        .collect()
}

fn media_line(m: &media::MediaRecord) -> MediaLine {
    MediaLine {
        standard: m.key.to_string(),
        title: m.title.clone(),
        url: m.url.clone(),
        platform: m.platform.name(),
        checked: m.checked.to_string(),
        finding: m.finding.clone(),
        short: m.file.short().to_string(),
        format: m.format,
    }
}

fn grid_line(g: &grid::GridRecord) -> GridLine {
    GridLine {
        name: g.file.name.clone(),
        short: g.file.short().to_string(),
        total: g.summary.total,
        resolved: g.summary.resolved,
        percent: format!("{:.1}", g.summary.resolved_percent()),
        standards: g
            .standards
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join("、"),
        by_category: g
            .summary
            .by_category
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn coverage_line(l: &field::evidence::CoverageLine) -> CoverageLine {
    CoverageLine {
        standard: l.key.to_string(),
        method: l.method.name(),
        covered: l.covered(),
        files: l.files,
        records: l.records,
        photos: l.photos,
        grid: l.grid,
        media: l.media,
    }
}

fn scan_line(s: &visit::ScanRecord) -> ScanLine {
    ScanLine {
        point: s.point.clone(),
        assessor: s.assessor.clone(),
        name: s.file.name.clone(),
        short: s.file.short().to_string(),
    }
}

fn point_line(p: &point::Point, catalog: &Catalog) -> PointLine {
    PointLine {
        id: p.id.clone(),
        name: p.name.clone(),
        kind: p.kind.name(),
        address: p.address.clone(),
        coords: p.coordinates().map(|(a, b)| format!("{a}, {b}")),
        checked: p.checked(catalog).len(),
    }
}
