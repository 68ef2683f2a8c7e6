//! 考评报告: the formal report on one pilot community's assessment: basic
//! facts, total and grade with the scheme used, item subtotals, computed
//! standards with their arithmetic, the problems found and the conclusion;
//! attachment 1 the full score table (item → indicator → standard ×
//! method), attachment 2 the evidence manifest tied to the submission's
//! root hash.

use chrono::NaiveDate;

use super::data::Para;
use super::{
    BASIS, Issuer, date_range, district_office, full_name, grouped_hash, marks, size_text,
};
use crate::archive::manifest::Manifest;
use crate::assessment::compare::Comparison;
use crate::assessment::computed;
use crate::assessment::score::ScoreCard;
use crate::assessment::store::{StoredAssessment, kind_of};
use crate::catalog::Catalog;
use crate::community::Community;
use crate::config::Config;
use crate::issuance::Draft;

mod attachments;

use attachments::{levels_table, manifest_table, score_table};

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
        manifest_table(stored, evidence, levels.street.as_ref()),
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

/// What the report says about the levels beyond the final sheet.
#[derive(Debug, Clone, Default)]
pub struct Levels {
    /// The levels side by side (none for results without levels).
    pub comparison: Option<Comparison>,
    /// The office's overrides of final verdicts.
    pub overrides: Vec<crate::assessment::overrule::Override>,
    /// The 实地考评 and 网络（媒体）调查 evidence.
    pub field: super::field_evidence::FieldPart,
    /// The evidence the community's 街道 handed in for all its pilot
    /// communities, if any.
    pub street: Option<crate::event::street::StreetEvidence>,
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
