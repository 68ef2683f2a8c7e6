//! The 问卷调查统计表 of a community: the sample (issued, returned, valid,
//! invalid by reason, per point), each 问卷 standard's 满意率 with its 95%
//! interval, 满意度指数 and verdict (or why there is none), a table and a
//! horizontal bar chart per question, and the open answers as written.
//! Issued and registered like every document (kind 问卷调查统计表).

use chrono::NaiveDate;
use serde::Serialize;

use crate::community::Community;
use crate::documents::Issuer;
use crate::issuance::Draft;
use crate::render::fonts::{Fonts, needs_glyph};
use crate::survey::stats::{ItemTally, StandardTally, Tally, percent};

pub use crate::survey::{KIND_NAME, kind};

#[derive(Serialize)]
struct Bar {
    choice: String,
    n: u32,
    share: f64,
    pct: String,
}

#[derive(Serialize)]
struct ItemData {
    id: String,
    text: String,
    standard: String,
    answered: u32,
    bars: Vec<Bar>,
}

#[derive(Serialize)]
struct StandardData {
    code: String,
    verdict: String,
    rate: String,
    interval: String,
    index: String,
    arithmetic: String,
}

#[derive(Serialize)]
struct Data {
    title: String,
    community: String,
    district: String,
    signatures: Vec<String>,
    date: NaiveDate,
    summary: String,
    /// The open-link answers, tallied apart (empty without any).
    open_link: String,
    point_label: String,
    points: Vec<[String; 4]>,
    invalid: Vec<[String; 2]>,
    standards: Vec<StandardData>,
    items: Vec<ItemData>,
    open: Vec<String>,
    open_note: String,
}

/// Text as printed: characters no shipped font has become □ (an emoji in
/// an open answer must not stop the table), the rest is kept literally.
pub fn printable(s: &str) -> (String, bool) {
    let fonts = Fonts::get();
    let mut replaced = false;
    let out = s
        .chars()
        .map(|c| {
            if !c.is_ascii() && needs_glyph(c) && !fonts.covers(c) {
                replaced = true;
                '□'
            } else {
                c
            }
        })
        .collect();
    (out, replaced)
}

/// The draft of a community's 统计表.
pub fn build(issuer: &Issuer<'_>, community: &Community, t: &Tally, date: NaiveDate) -> Draft {
    let title = format!("{}问卷调查统计表", community.name);
    let data = data(
        issuer,
        &title,
        (&community.district, &community.name),
        t,
        date,
    );
    // A community's table states when its survey closed: answers after
    // it are not taken, so the figures stay those printed here.
    let closing = match &t.closed {
        Some(c) => format!(
            "问卷调查已于{}（北京时间）结束（{}），此后不再接收答卷。",
            crate::config::TimeSettings::default().show(&c.time),
            c.by.name()
        ),
        None => "统计截至本表印发，问卷调查随本表印发结束，此后不再接收答卷。".into(),
    };
    let data = Data {
        point_label: "考评点".into(),
        summary: format!("{}{closing}", data.summary),
        ..data
    };
    issuer.draft(
        kind(),
        "wenjuantongji",
        &title,
        &data,
        date,
        &community.name,
        Some(community),
    )
}

/// The draft of a district's or the city's 统计表 (`area`, e.g. 五华区
/// or 昆明市); its 考评点 rows are the communities.
pub fn build_area(issuer: &Issuer<'_>, area: &str, t: &Tally, date: NaiveDate) -> Draft {
    let title = format!("{area}试点社区问卷调查统计表");
    let data = Data {
        point_label: "社区".into(),
        ..data(
            issuer,
            &title,
            (area, "各试点社区汇总（按社区列出）"),
            t,
            date,
        )
    };
    let mut d = issuer.draft(kind(), "wenjuantongji", &title, &data, date, area, None);
    d.file_name = crate::fsutil::safe_name(&format!("{area}-{KIND_NAME}.pdf"));
    d
}

fn data(
    issuer: &Issuer<'_>,
    title: &str,
    (district, community): (&str, &str),
    t: &Tally,
    date: NaiveDate,
) -> Data {
    let summary = format!(
        "发放问卷 {} 份，回收 {} 份（其中网页填写 {} 份），回收率 {}；有效答卷 {} 份，无效 {} 份。",
        t.issued,
        t.returned,
        t.web,
        t.response_rate.map_or("—".into(), percent),
        t.valid,
        t.returned - t.valid,
    );
    let mut any_replaced = false;
    let open = t
        .open
        .iter()
        .map(|o| {
            let (s, r) = printable(o);
            any_replaced |= r;
            s
        })
        .collect();
    Data {
        title: title.to_string(),
        community: community.to_string(),
        district: district.to_string(),
        point_label: String::new(),
        signatures: issuer.names(),
        date,
        summary,
        open_link: t
            .open_link
            .as_deref()
            .map_or(String::new(), |o| open_link(o, t)),
        points: t
            .points
            .iter()
            .map(|p| {
                [
                    p.point.clone(),
                    p.issued.to_string(),
                    p.returned.to_string(),
                    p.valid.to_string(),
                ]
            })
            .collect(),
        invalid: t
            .invalid
            .iter()
            .map(|(r, n)| [r.clone(), n.to_string()])
            .collect(),
        standards: t.standards.iter().map(standard_data).collect(),
        items: t.items.iter().map(item_data).collect(),
        open,
        open_note: if any_replaced {
            "（个别字符无法印出，以□代替；原文保存在档案库中。）".into()
        } else {
            String::new()
        },
    }
}

/// The sentence on open-link answers: counted apart, lower trust.
fn open_link(o: &Tally, t: &Tally) -> String {
    let rates: Vec<String> = o
        .standards
        .iter()
        .map(|s| {
            let rate = s.rate.map_or("—".into(), percent);
            format!(
                "{} 标准{} 满意率 {rate}（{}/{}）",
                s.indicator, s.standard, s.hits, s.n
            )
        })
        .collect();
    let counted = if t.open_link_counted {
        "已计入上述回收和满意率"
    } else {
        "不计入上述回收率和满意率"
    };
    format!(
        "另有考评点开放链接答卷 {} 份（有效 {} 份），可信度低于编号问卷，单独统计、{counted}：{}。",
        o.returned,
        o.valid,
        rates.join("；")
    )
}

/// One standard's row of the sheet.
fn standard_data(s: &StandardTally) -> StandardData {
    StandardData {
        code: format!("{} 标准{}", s.indicator, s.standard),
        verdict: s
            .verdict
            .map_or("不作结论".into(), |v| v.name().to_string()),
        rate: s.rate.map_or("—".into(), percent),
        interval: s.interval.map_or("—".into(), |(lo, hi)| {
            format!("{}—{}", percent(lo), percent(hi))
        }),
        index: s.index.map_or("—".into(), |i| format!("{i:.1}")),
        arithmetic: s.arithmetic.clone(),
    }
}

/// One item's distribution, as bars.
fn item_data(i: &ItemTally) -> ItemData {
    ItemData {
        id: i.id.clone(),
        text: i.text.clone(),
        standard: i.standard.replace('/', " 标准"),
        answered: i.answered,
        bars: i
            .counts
            .iter()
            .map(|(c, n)| {
                let share = if i.answered == 0 {
                    0.0
                } else {
                    f64::from(*n) / f64::from(i.answered)
                };
                Bar {
                    choice: c.clone(),
                    n: *n,
                    share,
                    pct: percent(share),
                }
            })
            .collect(),
    }
}

/// The 统计表 drafts of every community that has copies.
pub fn drafts(
    archive: &crate::archive::Archive,
    config: &crate::config::Config,
    date: chrono::NaiveDate,
) -> Result<Vec<Draft>, crate::survey::SurveyError> {
    let q = crate::survey::Questionnaire::load(
        Some(archive.root()),
        crate::catalog::Catalog::builtin(),
    )?;
    let survey = crate::survey::state::Survey::load(archive)?;
    let issuer = Issuer::default_of(config);
    let roster = archive.communities()?;
    let mut out = Vec::new();
    for c in roster.all() {
        if survey.of(&c.id).next().is_some() {
            let t = crate::survey::stats::tally(&survey, &q, &config.survey, &c.id);
            out.push(build(&issuer, c, &t, date));
        }
    }
    Ok(out)
}
