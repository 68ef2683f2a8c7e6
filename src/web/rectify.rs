//! 整改 on the web: a community's items with their answers and re-checks
//! (`/c/{id}/rectify`), the community's answer with evidence files and its
//! 整改情况报告, the district's (初评) or the office's re-check, the overdue
//! lists of the district and the office (`/rectify`), the office's 督办通知
//! and the 命名决定. Every handler checks role and scope first; the work is
//! the library's ([`crate::rectify`], [`crate::naming`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, Redirect};
use serde::{Deserialize, Serialize};

use super::act::OnCommunity;
use super::error::{Status as _, WebError};
use super::session::User;
use super::upload::{self, Form, Limits, Posted};
use super::{AppState, act, pages};
use crate::accounts::Role;
use crate::actions::rectify as actions;
use crate::rectify::act::{Evidence, Recheck};
use crate::rectify::{self, Counts, Item, Outcome, RectifyError};
use crate::scope::Access;

/// The answer form: the item, what was done and the evidence files.
const ANSWER: Form = Form {
    files: &["evidence"],
    texts: &["item", "text"],
};

/// A library refusal as the web answers it: an unknown item and another
/// community's are the same 404 (so ids cannot be probed), a state that
/// forbids the step 409.
pub(super) fn refused(e: RectifyError) -> WebError {
    let e = e.concealed();
    let status = match &e {
        RectifyError::NotOfCommunity { .. }
        | RectifyError::UnknownItem { .. }
        | RectifyError::NoSuchItem => StatusCode::NOT_FOUND,
        RectifyError::AlreadyClosed { .. }
        | RectifyError::AlreadyAnswered { .. }
        | RectifyError::NotAnswered { .. }
        | RectifyError::Unanswered { .. }
        | RectifyError::NothingToReport { .. }
        | RectifyError::NothingOverdue { .. } => StatusCode::CONFLICT,
        RectifyError::Archive(a) => a.status(),
        RectifyError::Assessment(a) => a.status(),
        RectifyError::Community(a) => a.status(),
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    WebError::from_chain(status, &e)
}

/// One item as the pages show it.
#[derive(Serialize)]
struct ItemLine {
    #[serde(flatten)]
    item: Item,
    /// Its state today (逾期 when overdue).
    shown: &'static str,
    overdue: bool,
    summary: String,
    /// Whether it can be answered now / re-checked now.
    answerable: bool,
    checkable: bool,
}

impl ItemLine {
    fn new(item: Item, today: chrono::NaiveDate) -> ItemLine {
        use rectify::Status;
        ItemLine {
            shown: item.status_on(today).name(),
            overdue: item.overdue(today),
            summary: item.summary(),
            answerable: matches!(item.status, Status::Open | Status::Returned),
            checkable: item.status == Status::Answered,
            item,
        }
    }
}

#[derive(Serialize)]
struct CommunityPage {
    id: String,
    name: String,
    district: String,
    today: String,
    items: Vec<ItemLine>,
    counts: Counts,
    may_answer: bool,
    may_check: bool,
    may_report: bool,
}

/// `GET /c/{id}/rectify`: the community's items.
pub async fn page(OnCommunity { state, id, user }: OnCommunity) -> Result<Html<String>, WebError> {
    let today = crate::dates::today();
    let actions::ItemsView {
        community: c,
        items,
        may_answer,
        may_check,
    } = act::run(&state, &user, move |ctx| Ok(actions::items(ctx, &id)?)).await?;
    let counts = Counts::of(&items, today);
    let lines: Vec<ItemLine> = items.into_iter().map(|i| ItemLine::new(i, today)).collect();
    let may_report =
        may_answer && lines.iter().any(|l| l.checkable) && !lines.iter().any(|l| l.answerable);
    let ctx = CommunityPage {
        id: c.id.clone(),
        name: c.name.clone(),
        district: c.district.clone(),
        today: today.to_string(),
        items: lines,
        counts,
        may_answer,
        may_check,
        may_report,
    };
    Ok(pages::page("rectify.html", &user.context(), &ctx))
}

fn back(id: &str) -> String {
    format!("/c/{}/rectify", super::url::percent(id))
}

/// `POST /c/{id}/rectify/upload`: the community answers an item, with
/// evidence files.
pub async fn answer(
    OnCommunity { state, id, user }: OnCommunity,
    posted: Posted,
) -> Result<Redirect, WebError> {
    let allowed = user
        .require_community(&state, &id, Access::Submit)
        .await
        .map(drop);
    let limits = Limits {
        max_bytes: 200 << 20,
        max_files: 50,
        ..state.0.settings.limits
    };
    let up = upload::receive(&state, &user, allowed, posted, &ANSWER, limits).await?;
    let rename = up.renamer();
    let item = up.text("item").unwrap_or("").to_string();
    if item.is_empty() {
        return Err(WebError::bad("请选择要答复的整改事项"));
    }
    let text = up.text("text").unwrap_or("").to_string();
    let to = back(&id);
    act::run(&state, &user, move |ctx| {
        let files: Vec<Evidence<'_>> = up
            .files
            .iter()
            .map(|f| Evidence {
                name: f.name.clone(),
                path: &f.path,
            })
            .collect();
        actions::answer(ctx, &id, &item, &text, &files)?;
        Ok(())
    })
    .await
    .map_err(|e| rename.apply(e))?;
    Ok(Redirect::to(&to))
}

/// A form with only the session token.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Plain {
    pub(super) csrf: String,
}

/// `POST /c/{id}/rectify/report`: the community's 整改情况报告.
pub async fn report(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Html<String>, WebError> {
    user.require_community(&state, &id, Access::Submit).await?;
    user.check_csrf(&f.csrf)?;
    let date = crate::dates::today();
    act::issue(&state, &user, "", move |ctx, making, kept| {
        actions::report(ctx, making, &id, date, kept)
    })
    .await
}

/// The re-check form.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CheckForm {
    csrf: String,
    item: String,
    /// `close` or `return`.
    outcome: String,
    remark: String,
}

/// `POST /c/{id}/rectify/check`: the district (初评) or the office closes
/// or returns an answered item.
pub async fn check(
    OnCommunity { state, id, user }: OnCommunity,
    axum::Form(f): axum::Form<CheckForm>,
) -> Result<Redirect, WebError> {
    let by = actions::reviewer_of(user.account.role).ok_or_else(WebError::forbidden)?;
    user.require_community(&state, &id, Access::Read).await?;
    user.check_csrf(&f.csrf)?;
    if f.item.trim().is_empty() {
        return Err(WebError::bad("请选择要复查的整改事项"));
    }
    let outcome = match f.outcome.as_str() {
        "close" => Outcome::Closed,
        "return" => Outcome::Returned,
        _ => return Err(WebError::bad("请选择“销号”或“退回”")),
    };
    let to = back(&id);
    act::run(&state, &user, move |ctx| {
        let r = Recheck {
            outcome,
            remark: &f.remark,
            by,
            sheet: None,
        };
        actions::recheck(ctx, &id, &f.item, r)?;
        Ok(())
    })
    .await?;
    Ok(Redirect::to(&to))
}

#[derive(Serialize)]
struct CommunityCounts {
    id: String,
    name: String,
    district: String,
    counts: Counts,
}

#[derive(Serialize)]
struct OverviewPage {
    today: String,
    office: bool,
    overdue: Vec<ItemLine>,
    communities: Vec<CommunityCounts>,
    districts: Vec<String>,
}

/// `GET /rectify`: the district's or the office's items: counts per
/// community and the overdue items; the office's 督办 and 命名决定 forms.
pub async fn overview(State(state): State<AppState>, user: User) -> Result<Html<String>, WebError> {
    if actions::reviewer_of(user.account.role).is_none() {
        return Err(WebError::forbidden());
    }
    let today = crate::dates::today();
    let (visible, items) = act::run(&state, &user, |ctx| Ok(actions::overview(ctx)?)).await?;
    let overdue: Vec<ItemLine> = items
        .iter()
        .filter(|i| i.overdue(today))
        .cloned()
        .map(|i| ItemLine::new(i, today))
        .collect();
    let communities = visible
        .iter()
        .map(|c| CommunityCounts {
            id: c.id.clone(),
            name: c.name.clone(),
            district: c.district.clone(),
            counts: Counts::of(items.iter().filter(|i| i.community() == c.id), today),
        })
        .filter(|c| c.counts.open + c.counts.closed > 0)
        .collect::<Vec<_>>();
    let mut districts: Vec<String> = overdue
        .iter()
        .filter_map(|l| {
            communities
                .iter()
                .find(|c| c.id == l.item.community())
                .map(|c| c.district.clone())
        })
        .collect();
    districts.dedup();
    let ctx = OverviewPage {
        today: today.to_string(),
        office: user.account.role == Role::Office,
        overdue,
        communities,
        districts,
    };
    Ok(pages::page("rectify_overview.html", &user.context(), &ctx))
}

/// Which evidence file of which answer.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EvidenceQuery {
    item: String,
    /// Answer version, from 1.
    n: u32,
    /// File index within the answer, from 0.
    f: usize,
}

/// `GET /c/{id}/rectify/evidence?item=ZG001&n=1&f=0`: one evidence file of
/// an answer, for those who may see the community; without a file named,
/// back to the items.
pub async fn evidence(
    OnCommunity { state, id, user }: OnCommunity,
    axum::extract::Query(q): axum::extract::Query<EvidenceQuery>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    user.require_community(&state, &id, Access::Read).await?;
    if q.item.trim().is_empty() {
        return Ok(Redirect::to(&back(&id)).into_response());
    }
    let (name, bytes) = act::run(&state, &user, move |ctx| {
        let which = actions::EvidenceFile {
            item: &q.item,
            n: q.n,
            f: q.f,
        };
        Ok(actions::evidence_file(ctx, &id, which)?)
    })
    .await?;
    Ok(super::download::Download::bytes(name, "application/octet-stream", bytes).into_response())
}
