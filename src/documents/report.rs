//! 考评报告: the formal report on one pilot community's assessment: basic
//! facts, total and grade with the scheme used, item subtotals, computed
//! standards with their arithmetic, the problems found and the conclusion;
//! attachment 1 the full score table (item → indicator → standard ×
//! method), attachment 2 the evidence manifest tied to the submission's
//! root hash.

use chrono::NaiveDate;

use super::data::{Attachment, Cell, Para, Row, Styled, Table};
use super::{
    BASIS, Issuer, date_range, district_office, full_name, grouped_hash, marks, size_and_hash,
    size_text,
};
use crate::archive::manifest::Manifest;
use crate::assessment::Verdict;
use crate::assessment::compare::Comparison;
use crate::assessment::computed;
use crate::assessment::score::ScoreCard;
use crate::assessment::store::{StoredAssessment, kind_of};
use crate::catalog::{Catalog, Method};
use crate::community::Community;
use crate::config::Config;
use crate::issuance::Draft;

/// Kind name in the register.
pub const KIND: crate::issuance::DocKind = crate::issuance::DocKind::Report;

/// What the report is about, for its sections.
struct Subject<'a> {
    /// District + name, as documents name the community.
    name: String,
    community: &'a Community,
    stored: &'a StoredAssessment,
    card: &'a ScoreCard,
    evidence: Option<&'a Manifest>,
}

/// Builds the report draft.
#[allow(clippy::too_many_arguments)]
pub fn build(
    issuer: &Issuer<'_>,
    catalog: &Catalog,
    community: &Community,
    stored: &StoredAssessment,
    card: &ScoreCard,
    evidence: Option<&Manifest>,
    levels: &Levels,
    date: NaiveDate,
) -> Draft {
    let s = Subject {
        name: full_name(community),
        community,
        stored,
        card,
        evidence,
    };
    // "\n" breaks the title where the sense allows (GB/T 9704).
    let title = format!("关于{}城乡社区治理\n创新试点考评情况的报告", s.name);
    let recipients = issuer.config.documents.recipients.join("，");
    let mut data = issuer.common(&title, &recipients, date);
    data.body = [
        opening(&s),
        basics(&s),
        results(&s),
        problems(&s, catalog),
        conclusion(&s, issuer.config),
    ]
    .concat();
    data.attachments = vec![
        score_table(card, evidence),
        manifest_table(stored, evidence),
    ];
    if let Some(cmp) = &levels.comparison {
        data.attachments.push(levels_table(cmp));
    }
    if !levels.field.is_empty() {
        // After 一、基本情况's text.
        data.body.insert(3, levels.field.paragraph());
        data.attachments.extend(levels.field.attachments(catalog));
    }
    if !levels.overrides.is_empty() {
        data.body.insert(
            data.body.len().saturating_sub(1),
            overrides_para(&levels.overrides),
        );
    }
    data.cc = Some(district_office(community));
    issuer.draft(
        KIND,
        "baogao",
        &title,
        &data,
        date,
        &recipients,
        Some(community),
    )
}

/// Who assessed when, and what follows.
fn opening(s: &Subject<'_>) -> Vec<Para> {
    let a = &s.stored.assessment;
    let assessors = a.assessors().join("、");
    let group = if assessors.is_empty() {
        "考评组".to_string()
    } else {
        format!("考评组（{assessors}）")
    };
    let when = date_range(a.date_range());
    let name = &s.name;
    vec![Para::from(format!(
        "{BASIS}{group}于{when}对{name}进行了考评。现将考评情况报告如下。"
    ))]
}

/// 一、基本情况: the community and the evidence the review used.
fn basics(s: &Subject<'_>) -> Vec<Para> {
    let evidence_text = match s.evidence {
        Some(m) => format!(
            "本次材料审核依据该社区第 {} 版提交材料，共 {} 个文件、{}，根哈希（SHA-256）为 {}，材料清单见附件2。",
            m.version,
            m.file_count,
            size_text(m.total_bytes),
            grouped_hash(&s.stored.record.evidence_root_hash)
        ),
        None => "该社区未提交材料审核所需的证据材料。".to_string(),
    };
    let c = s.community;
    vec![
        Para::h1("一、基本情况"),
        Para::from(format!(
            "{}（编号 {}）为{}，属{}试点。{evidence_text}考评结果为第 {} 版。",
            s.name, c.id, c.kind, c.batch, s.stored.record.version
        )),
    ]
}

/// 二、考评结果: total, grade, verdict counts, item subtotals and the
/// standards judged from the community's data.
fn results(s: &Subject<'_>) -> Vec<Para> {
    let card = s.card;
    let [pass, partial, fail] = card.verdict_counts;
    let mut body = vec![
        Para::h1("二、考评结果"),
        Para::from(format!(
            "{}考评总分 {} 分（满分 {} 分），等次为“{}”。在 {} 项考评结论中，达标 {pass} 项，基本达标 {partial} 项，未达标 {fail} 项。",
            s.name,
            marks(card.total),
            marks(card.max),
            card.grade.name,
            pass + partial + fail
        )),
    ];
    let subtotals: Vec<String> = card
        .items
        .iter()
        .map(|it| {
            format!(
                "{} {} {} 分（满分 {} 分）",
                it.code,
                it.name,
                marks(it.score),
                marks(it.max)
            )
        })
        .collect();
    body.push(Para::from(format!(
        "各考评项目得分：{}。得分明细见附件1。",
        subtotals.join("；")
    )));
    let computed = computed::compute(&s.stored.assessment.facts, kind_of(s.community));
    if !computed.is_empty() {
        body.push(Para::h2("（一）按社区数据自动判定的标准"));
        for c in &computed {
            body.push(Para::from(format!(
                "{} 标准{}：{}，结论为“{}”。",
                c.indicator, c.standard, c.arithmetic, c.verdict
            )));
        }
    }
    body.extend(survey_arithmetic(s));
    body
}

/// The 问卷调查 standards whose verdict the survey gave, with its
/// arithmetic (kept as the row's remark by `kaoping survey record`).
fn survey_arithmetic(s: &Subject<'_>) -> Vec<Para> {
    let rows: Vec<_> = s
        .stored
        .assessment
        .results
        .iter()
        .filter(|r| {
            r.method == crate::catalog::Method::Questionnaire
                && r.assessor == crate::survey::record::ASSESSOR
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let mut body = vec![Para::h2("（二）按居民问卷调查统计判定的标准")];
    for r in rows {
        body.push(Para::from(format!(
            "{} 标准{}：{}。",
            r.indicator, r.standard, r.remark
        )));
    }
    body
}

/// 三、存在的问题: every standard judged short of 达标.
fn problems(s: &Subject<'_>, catalog: &Catalog) -> Vec<Para> {
    let mut body = vec![Para::h1("三、存在的问题")];
    let problems: Vec<_> = s.stored.assessment.shortfalls().collect();
    if problems.is_empty() {
        body.push(Para::from("各项考评标准均达标，未发现问题。"));
    }
    for (i, r) in problems.iter().enumerate() {
        let ind_name = catalog
            .indicator(&r.indicator)
            .map(|(_, ind)| ind.name.clone())
            .unwrap_or_default();
        body.push(Para::from(format!(
            "{}.{} {} 标准{}（{}）：{}。{}",
            i + 1,
            r.indicator,
            ind_name,
            r.standard,
            r.method,
            r.verdict,
            r.remark
        )));
    }
    body
}

/// 四、考评结论: grade, naming, the notice to come, and the scoring
/// scheme.
fn conclusion(s: &Subject<'_>, config: &Config) -> Vec<Para> {
    let card = s.card;
    let mut conclusion = format!(
        "经考评，{}等次为“{}”，{}。",
        s.name,
        card.grade.name,
        if card.named() {
            format!("建议命名为“{}”", config.certificate.honour)
        } else {
            "暂不予命名".to_string()
        }
    );
    if card.needs_notice() {
        conclusion.push_str("对考评发现的问题，另行下发整改通知书，请按要求限期整改。");
    }
    vec![
        Para::h1("四、考评结论"),
        Para::from(conclusion),
        Para::from(scheme_text(config)),
    ]
}

/// States the scoring scheme the report used.
fn scheme_text(config: &Config) -> String {
    let p = &config.scoring.points;
    let items: Vec<String> = config
        .scoring
        .items
        .iter()
        .map(|(k, v)| format!("{k} {} 分", marks(*v)))
        .collect();
    let mut grades = config.scoring.grades.clone();
    grades.sort_by(|a, b| b.min.total_cmp(&a.min));
    let grades: Vec<String> = grades
        .iter()
        .map(|g| {
            format!(
                "{}（{} 分及以上{}）",
                g.name,
                marks(g.min),
                if g.named { "，予以命名" } else { "" }
            )
        })
        .collect();
    format!(
        "计分办法：考评体系未规定分值，本报告按考评办公室确定的计分办法计分。各考评项目满分为 {}；项目分值平均分配到其下各项指标，指标分值平均分配到各条标准；每条标准按各考评方法的结论计分后取平均，达标、基本达标、未达标分别计该标准分值的 {}%、{}%、{}%，考评表填写了得分的以得分为准。等次：{}。",
        items.join("、"),
        marks(p.pass),
        marks(p.partial),
        marks(p.fail),
        grades.join("；")
    )
}

/// Indicators with at most this many rows in the score table are kept on
/// one page (a landscape page holds about twenty).
const KEEP_TOGETHER: usize = 12;

/// Attachment 1: every standard and method with verdict and marks, item
/// subtotals and the total. An indicator's cell spans its rows, a
/// standard's number and marks span its methods; subtotal and total rows
/// are marked `strong` (黑体).
fn score_table(card: &ScoreCard, evidence: Option<&Manifest>) -> Attachment {
    let mut rows: Vec<Row> = Vec::new();
    for it in &card.items {
        for ind in &it.indicators {
            let span: usize = ind.standards.iter().map(|s| s.rows.len()).sum();
            let mut first_of_indicator = true;
            for s in &ind.standards {
                for (i, r) in s.rows.iter().enumerate() {
                    let mut remark = r.remark.clone();
                    if r.method == Method::MaterialReview {
                        let n = evidence.map_or(0, |m| {
                            m.files
                                .iter()
                                .filter(|f| f.indicator == ind.code && f.standard == Some(s.number))
                                .count()
                        });
                        let note = format!("证据材料 {n} 个");
                        remark = if remark.is_empty() {
                            note
                        } else {
                            format!("{note}；{remark}")
                        };
                    }
                    let mut cells = Vec::new();
                    if first_of_indicator {
                        // A short indicator stays on one page, so that
                        // every page starts with an indicator's name.
                        cells.push(Cell::Styled(Styled {
                            text: format!("{} {}", ind.code, ind.name),
                            rowspan: Some(span),
                            align: Some("left"),
                            breakable: Some(span > KEEP_TOGETHER),
                            ..Styled::default()
                        }));
                        first_of_indicator = false;
                    }
                    if i == 0 {
                        cells.push(Cell::Styled(Styled {
                            text: format!("标准{}", s.number),
                            rowspan: Some(s.rows.len()),
                            breakable: Some(false),
                            ..Styled::default()
                        }));
                    }
                    cells.push(Cell::from(r.method.name()));
                    cells.push(Cell::from(r.verdict.name()));
                    if i == 0 {
                        cells.push(Cell::Styled(Styled {
                            text: format!("{}/{}", marks(s.score), marks(s.max)),
                            rowspan: Some(s.rows.len()),
                            ..Styled::default()
                        }));
                    }
                    cells.push(Cell::left(remark));
                    rows.push(Row::Plain(cells));
                }
            }
        }
        rows.push(Row::strong(vec![
            spanning(format!("{} {} 小计", it.code, it.name), 4),
            Cell::from(format!("{}/{}", marks(it.score), marks(it.max))),
            Cell::from(""),
        ]));
    }
    rows.push(Row::strong(vec![
        spanning("合计".to_string(), 3),
        Cell::from(format!("等次：{}", card.grade.name)),
        Cell::from(format!("{}/{}", marks(card.total), marks(card.max))),
        Cell::from(""),
    ]));
    Attachment {
        name: "考评得分明细表".into(),
        landscape: true,
        table: Some(Table::compact(
            &["考评指标", "标准", "考评方法", "结论", "得分/分值", "备注"],
            &[4.0, 1.3, 2.7, 1.7, 1.8, 4.5],
            rows,
        )),
        ..Attachment::default()
    }
}

/// A cell spanning `colspan` columns.
fn spanning(text: String, colspan: usize) -> Cell {
    Cell::Styled(Styled {
        text,
        colspan: Some(colspan),
        ..Styled::default()
    })
}

/// Attachment 2: the files behind the 材料审核 standards, with the
/// submission's root hash.
/// What the report says about the levels beyond the final sheet.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    /// The levels side by side (none for results without levels).
    pub comparison: Option<Comparison>,
    /// The office's overrides of final verdicts.
    pub overrides: Vec<crate::assessment::overrule::Override>,
    /// The 实地考评 and 网络（媒体）调查 evidence.
    pub field: super::field_evidence::FieldPart,
}

fn overrides_para(overrides: &[crate::assessment::overrule::Override]) -> Para {
    let each: Vec<String> = overrides
        .iter()
        .map(|o| {
            format!(
                "{} 标准{}（{}）由“{}”改定为“{}”，理由：{}",
                o.indicator, o.standard, o.method, o.from, o.to, o.reason
            )
        })
        .collect();
    Para::from(format!(
        "考评办公室改定了 {} 条最终结论：{}。",
        overrides.len(),
        each.join("；")
    ))
}

/// 各级考评结论对照: 自查 | 初评 | 专家组 | 最终 per standard and method,
/// the rows where two levels are two steps apart marked.
fn levels_table(cmp: &Comparison) -> Attachment {
    let show = |v: Option<Verdict>| v.map_or("—".to_string(), |v| v.to_string());
    let rows: Vec<Row> = cmp
        .rows
        .iter()
        .map(|r| {
            let cells = vec![
                Cell::from(r.indicator.clone()),
                Cell::from(format!("标准{}", r.standard)),
                Cell::from(r.method.name().to_string()),
                Cell::from(show(r.self_check)),
                Cell::from(show(r.district)),
                Cell::from(show(r.panel)),
                Cell::from(r.final_verdict.to_string()),
                Cell::from(if r.apart { "相差两级" } else { "" }.to_string()),
            ];
            if r.apart {
                Row::strong(cells)
            } else {
                Row::Plain(cells)
            }
        })
        .collect();
    let apart = cmp.rows.iter().filter(|r| r.apart).count();
    let who: Vec<String> = cmp
        .assessors
        .iter()
        .map(|(level, names)| {
            let n = if names.is_empty() {
                "未填写".to_string()
            } else {
                names.join("、")
            };
            format!("{level}：{n}")
        })
        .collect();
    Attachment {
        name: "各级考评结论对照".into(),
        landscape: true,
        body: vec![
            format!("考评人：{}。", who.join("；")),
            format!(
                "各级结论相差两级（一级判“达标”、另一级判“未达标”）的共 {apart} 条，已加粗标出。"
            ),
        ],
        table: Some(Table::compact(
            &[
                "指标",
                "标准",
                "考评方法",
                "社区自查",
                "县区初评",
                "专家组",
                "最终",
                "差异",
            ],
            &[1.2, 1.2, 2.2, 1.6, 1.6, 1.6, 1.6, 1.6],
            rows,
        )),
        ..Attachment::default()
    }
}

fn manifest_table(stored: &StoredAssessment, evidence: Option<&Manifest>) -> Attachment {
    let name = "材料审核证据清单".to_string();
    let Some(m) = evidence else {
        return Attachment {
            name,
            body: vec!["该社区未提交证据材料。".into()],
            ..Attachment::default()
        };
    };
    let rows: Vec<Row> = m
        .files
        .iter()
        .map(|f| {
            Row::Plain(
                vec![
                    Cell::from(f.indicator.clone()),
                    Cell::from(
                        f.standard
                            .map(|n| format!("标准{n}"))
                            .unwrap_or_else(|| "（整项）".into()),
                    ),
                    Cell::left(f.path.clone()),
                ]
                .into_iter()
                .chain(size_and_hash(f))
                .collect(),
            )
        })
        .collect();
    Attachment {
        name,
        landscape: true,
        body: vec![format!(
            "第 {} 版提交，共 {} 个文件、{}。清单根哈希（SHA-256）：{}。每个文件的完整哈希可用 kaoping show 查看。",
            m.version,
            m.file_count,
            size_text(m.total_bytes),
            grouped_hash(&stored.record.evidence_root_hash)
        )],
        table: Some(Table::compact(
            &["指标", "标准", "文件", "大小", "SHA-256（前12位）"],
            &[1.2, 1.2, 7.0, 1.5, 2.6],
            rows,
        )),
        ..Attachment::default()
    }
}
