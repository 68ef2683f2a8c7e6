//! Validating a read sheet against the catalog: each row checked in turn
//! (indicator, standard, method, verdict, score, date, evidence), then the
//! sheet as a whole (every standard and method present), computed verdicts
//! filled from the community's facts.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;

use super::{Problem, RawSheet, SheetError};
use crate::assessment::computed::{self, CommunityKind, Computed};
use crate::assessment::{Assessment, Facts, ResultRow, Verdict};
use crate::catalog::{Catalog, Indicator, Method};
use crate::table::{Place, Row};

/// What validation needs to know about the community.
pub struct Subject<'a> {
    /// Urban or “村改居” (for Ⅱ-4 standard 1).
    pub kind: CommunityKind,
    /// How many evidence files back (indicator code, standard) in the
    /// latest submission.
    pub evidence: &'a dyn Fn(&str, u32) -> usize,
    /// The community the sheet is imported for, when known: a row whose
    /// 社区编号 names another is refused.
    pub community: Option<&'a str>,
    /// The level it is imported at, when known: a row whose 考评层级
    /// names another is refused.
    pub level: Option<crate::assessment::level::Level>,
}

/// The latest assessment date accepted: today in Beijing time (an
/// assessment that has not happened yet cannot be recorded).
fn latest_plausible() -> NaiveDate {
    crate::dates::today()
}

/// What one row's checks share: the catalog, the computed verdicts, the
/// community, and the rows seen so far (for duplicates).
struct Checker<'a> {
    catalog: &'a Catalog,
    computed: Vec<Computed>,
    subject: &'a Subject<'a>,
    seen: HashMap<(String, u32, Method), Place>,
}

/// Validates a read sheet against the catalog, fills computed verdicts
/// from the facts, and returns the assessment in catalog order.
pub fn validate(
    path: &Path,
    raw: RawSheet,
    extra_facts: Option<Facts>,
    catalog: &Catalog,
    subject: &Subject<'_>,
) -> Result<Assessment, SheetError> {
    let mut facts = raw.facts;
    if let Some(extra) = extra_facts {
        merge_facts(&mut facts, extra);
    }
    let mut problems = fact_problems(&facts);
    let mut checker = Checker {
        catalog,
        computed: computed::compute(&facts, subject.kind),
        subject,
        seen: HashMap::new(),
    };
    // A sheet made for another community or level is refused as a whole,
    // at its first such row, before anything else is said about it.
    if let Some(p) = raw.rows.iter().find_map(|r| checker.target(r).err()) {
        return Err(SheetError::Invalid {
            path: path.to_path_buf(),
            problems: vec![p],
        });
    }
    let mut rows = Vec::new();
    for row in &raw.rows {
        if !row.problems.is_empty() {
            // Its cells are reported; it still counts as the standard's
            // row so that the standard is not also listed as missing.
            let _ = checker.identify(row);
            problems.extend(row.problems.iter().cloned());
            continue;
        }
        match checker.row(row) {
            Ok(r) => rows.push(r),
            Err(p) => problems.push(p),
        }
    }
    problems.extend(checker.missing());
    if !problems.is_empty() {
        return Err(SheetError::Invalid {
            path: path.to_path_buf(),
            problems,
        });
    }
    // Catalog order, whatever the sheet's order.
    rows.sort_by_key(|r| {
        (
            crate::catalog::code::number_of(&r.indicator),
            r.standard,
            r.method,
        )
    });
    Ok(Assessment {
        results: rows,
        facts,
    })
}

fn fact_problems(facts: &Facts) -> Vec<Problem> {
    facts
        .certified_social_workers
        .keys()
        .filter(|year| {
            !year
                .trim()
                .parse::<i32>()
                .is_ok_and(|y| (1949..=2100).contains(&y))
        })
        .map(|year| {
            Problem::new(
                Place::Facts,
                format!("持证社工人数的年份“{year}”无效，应写成 \"2019\" = 22 这样的四位年份"),
            )
        })
        .collect()
}

impl<'a> Checker<'a> {
    /// Checks one row; the first problem found is returned.
    fn row(&mut self, row: &Row) -> Result<ResultRow, Problem> {
        let (ind, number, method) = self.identify(row)?;
        let verdict = self.verdict(row, ind, number, method)?;
        let score = score(row)?;
        let date = date(row)?;
        let remark = row.text("备注").to_string();
        if method == Method::MaterialReview
            && verdict == Verdict::Pass
            && (self.subject.evidence)(&ind.code, number) == 0
            && remark.is_empty()
        {
            return Err(Problem::new(
                row.at("结论"),
                format!(
                    "{} 标准{number} 在档案库中没有任何证据材料，不能判为“达标”；如确认达标，请在备注中写明理由",
                    ind.code
                ),
            ));
        }
        Ok(ResultRow {
            indicator: ind.code.clone(),
            standard: number,
            method,
            verdict,
            score,
            assessor: row.text("考评人").to_string(),
            date,
            remark,
        })
    }

    /// Refuses a row made for another community or level.
    fn target(&self, row: &Row) -> Result<(), Problem> {
        use crate::assessment::level::Level;
        let named = row.text("社区编号");
        if let Some(c) = self
            .subject
            .community
            .filter(|c| !named.is_empty() && !named.eq_ignore_ascii_case(c))
        {
            return Err(Problem::new(
                row.at("社区编号"),
                format!(
                    "这份考评表是社区 {named} 的（“社区编号”一栏），不能导入社区 {c}；请用社区 {c} 的考评表（kaoping assess template --community {c}）"
                ),
            ));
        }
        let typed = row.text("考评层级");
        if typed.is_empty() {
            return Ok(());
        }
        match (Level::parse(typed), self.subject.level) {
            (None, _) => Err(Problem::new(
                row.at("考评层级"),
                format!("考评层级“{typed}”无效，应为 社区自查、县区初评、专家评估 或 最终，或留空"),
            )),
            (Some(l), Some(want)) if l != want => Err(Problem::new(
                row.at("考评层级"),
                format!(
                    "这份考评表是{l}用的（“考评层级”一栏），不能作为{want}提交；请用{want}的考评表，或把“考评层级”一栏清空"
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Which standard and method the row is for, seen only once.
    fn identify(&mut self, row: &Row) -> Result<(&'a Indicator, u32, Method), Problem> {
        let code = row.text("指标编号");
        let catalog: &'a Catalog = self.catalog;
        let ind = match catalog.indicator(code) {
            Ok((_, ind)) => ind,
            Err(e) => {
                return Err(Problem::new(
                    row.at("指标编号"),
                    format!("指标编号“{code}”无效。{e}"),
                ));
            }
        };
        let given = row.text("标准序号");
        let Ok(number) = given.trim_start_matches("标准").trim().parse::<u32>() else {
            return Err(Problem::new(
                row.at("标准序号"),
                format!("标准序号“{given}”应为数字（1—{}）", ind.standards.len()),
            ));
        };
        let Some(standard) = ind.standard(number) else {
            return Err(Problem::new(
                row.at("标准序号"),
                format!(
                    "{} {} 没有标准 {number}，该指标共有 {} 条标准",
                    ind.code,
                    ind.name,
                    ind.standards.len()
                ),
            ));
        };
        let written = row.text("考评方法");
        let Some(method) = Method::parse(written) else {
            return Err(Problem::new(
                row.at("考评方法"),
                format!(
                    "考评方法“{written}”无效，只能是 材料审核、实地考评、问卷调查、网络（媒体）调查"
                ),
            ));
        };
        if !standard.methods.contains(&method) {
            let allowed: Vec<_> = standard.methods.iter().map(|m| m.name()).collect();
            return Err(Problem::new(
                row.at("考评方法"),
                format!(
                    "{} 标准{number} 不用“{method}”考评；该标准的考评方法是：{}",
                    ind.code,
                    allowed.join("、")
                ),
            ));
        }
        let key = (ind.code.clone(), number, method);
        if let Some(first) = self.seen.get(&key) {
            return Err(Problem::new(
                row.place.clone(),
                format!(
                    "{} 标准{number}（{method}）重复填写，{first}已经填过；每条标准每种方法只填一行",
                    ind.code
                ),
            ));
        }
        self.seen.insert(key, row.place.clone());
        Ok((ind, number, method))
    }

    /// The row's verdict, or the computed one when left blank.
    fn verdict(
        &self,
        row: &Row,
        ind: &Indicator,
        number: u32,
        method: Method,
    ) -> Result<Verdict, Problem> {
        let calc = self
            .computed
            .iter()
            .find(|c| c.indicator == ind.code && c.standard == number);
        let written = row.text("结论");
        let problem = |message: String| Err(Problem::new(row.at("结论"), message));
        match (Verdict::parse(written), written.is_empty(), calc) {
            (Some(v), _, Some(c)) if v != c.verdict => problem(format!(
                "{} 标准{number} 填写的结论“{v}”与按社区数据计算的结论“{}”不一致（{}）。请改正结论或数据",
                ind.code, c.verdict, c.arithmetic
            )),
            (Some(v), _, _) => Ok(v),
            (None, true, Some(c)) => Ok(c.verdict),
            (None, true, None) => problem(format!(
                "{} 标准{number}（{method}）没有填写结论，请填 达标、基本达标 或 未达标",
                ind.code
            )),
            (None, false, _) => problem(format!(
                "结论“{written}”无效，只能填 达标、基本达标 或 未达标"
            )),
        }
    }

    /// Every standard must be assessed by every method that applies to it.
    fn missing(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (_, ind, s) in self.catalog.standards() {
            for m in &s.methods {
                if !self.seen.contains_key(&(ind.code.clone(), s.number, *m)) {
                    out.push(Problem::new(
                        Place::Whole,
                        format!("缺少 {} 标准{}（{m}）的结论", ind.code, s.number),
                    ));
                }
            }
        }
        out
    }
}

fn score(row: &Row) -> Result<Option<f64>, Problem> {
    match row.text("得分") {
        "" => Ok(None),
        s => match s.parse::<f64>() {
            Ok(x) if (0.0..=100.0).contains(&x) => Ok(Some(x)),
            _ => Err(Problem::new(
                row.at("得分"),
                format!("得分“{s}”无效，应为 0—100 之间的数，或留空"),
            )),
        },
    }
}

fn date(row: &Row) -> Result<Option<NaiveDate>, Problem> {
    let s = row.text("考评日期");
    if s.is_empty() {
        return Ok(None);
    }
    match crate::dates::parse(s) {
        Some(d) if d > latest_plausible() => Err(Problem::new(
            row.at("考评日期"),
            format!(
                "考评日期“{s}”在今天（{}，北京时间）之后，考评日期不能是将来的日期，请检查年月日",
                crate::dates::today()
            ),
        )),
        Some(d) => Ok(Some(d)),
        None => Err(Problem::new(
            row.at("考评日期"),
            format!(
                "考评日期“{s}”无效，请写成 {} 这样的日期",
                crate::dates::FORMS
            ),
        )),
    }
}

fn merge_facts(into: &mut Facts, extra: Facts) {
    if extra.households.is_some() {
        into.households = extra.households;
    }
    if extra.facility_area.is_some() {
        into.facility_area = extra.facility_area;
    }
    if extra.social_organisations.is_some() {
        into.social_organisations = extra.social_organisations;
    }
    into.certified_social_workers
        .extend(extra.certified_social_workers);
}
