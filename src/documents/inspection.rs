//! 督查情况通报: the 整改意见 of one or more 督查 and 调研 sent to the
//! districts as a GB/T 9704 通报 — what was inspected, what was found in
//! which community (problems and good practice), what must be fixed by
//! when, and a table by district — numbered and registered like every
//! document.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::data::{Attachment, Cell, Para, Row, Table};
use super::{BASIS, Issuer};
use crate::community::Roster;
use crate::inspection::{Inspection, InspectionKind};
use crate::issuance::{self, DocKind};
use crate::render::cn_date;

/// Kind name in the register.
pub const KIND_NAME: &str = "督查情况通报";

/// The title: the theme of a single 专项督查, else the general one.
fn title(inspections: &[&Inspection]) -> String {
    match inspections {
        [one] if one.record.kind == InspectionKind::Special => format!(
            "关于城乡社区治理创新试点\n{}专项督查情况的通报",
            one.record.theme
        ),
        _ => "关于城乡社区治理创新试点\n督查调研情况的通报".to_string(),
    }
}

/// One record in the opening: `DC001（2026年3月15日，实地，参加人员 …，涉及2个县（市）区）
/// 对五华区、盘龙区的翠湖社区、金星社区进行了“…”专项督查`.
fn described(r: &crate::inspection::InspectionRecord, roster: &Roster) -> String {
    let theme = if r.theme.is_empty() {
        String::new()
    } else {
        format!("“{}”", r.theme)
    };
    let names: Vec<String> = r
        .communities
        .iter()
        .map(|id| roster.get(id).map_or(id.clone(), |c| c.name.clone()))
        .collect();
    let by = if r.by.is_empty() {
        String::new()
    } else {
        format!("，参加人员 {}", r.by.join("、"))
    };
    let of = if names.is_empty() {
        String::new()
    } else {
        format!("的{}", names.join("、"))
    };
    format!(
        "{}（{}，{}{by}，涉及{}个县（市）区）对{}{of}进行了{theme}{}",
        r.id,
        cn_date(r.date),
        r.way.name(),
        r.districts.len(),
        r.districts.join("、"),
        r.kind.name()
    )
}

fn opening(inspections: &[&Inspection], roster: &Roster) -> String {
    let what: Vec<String> = inspections
        .iter()
        .map(|i| described(&i.record, roster))
        .collect();
    format!(
        "{BASIS}领导小组办公室采取专项督查、定期不定期调研等形式，对试点创建中出现的问题进行收集整理。{}。现将有关情况通报如下。",
        what.join("；")
    )
}

/// One line of the problems: `1. 翠湖社区（WH-001）Ⅱ-2 标准1：…（整改事项 ZG003）`.
fn finding_line(n: usize, f: &crate::inspection::Finding, roster: &Roster) -> String {
    let name = roster
        .get(&f.community)
        .map_or(f.community.clone(), |c| c.name.clone());
    let mut at = f.indicator.clone().unwrap_or_default();
    if let Some(s) = f.standard {
        at.push_str(&format!(" 标准{s}"));
    }
    let item = f
        .item
        .as_deref()
        .map(|i| format!("（整改事项 {i}）"))
        .unwrap_or_default();
    format!("{n}.{name}（{}）{at}：{}{item}", f.community, f.text)
}

/// Findings grouped by district in Attachment 1's order.
fn by_district<'a>(
    inspections: &[&'a Inspection],
    roster: &Roster,
    problem: bool,
) -> BTreeMap<(usize, String), Vec<&'a crate::inspection::Finding>> {
    let order = &crate::districts::DistrictTable::builtin().districts;
    let mut by: BTreeMap<(usize, String), Vec<_>> = BTreeMap::new();
    for i in inspections {
        for f in i.record.findings.iter().filter(|f| f.problem == problem) {
            let d = roster
                .get(&f.community)
                .map_or(String::new(), |c| c.district.clone());
            let pos = order.iter().position(|x| x.name == d).unwrap_or(usize::MAX);
            by.entry((pos, d)).or_default().push(f);
        }
    }
    by
}

fn findings_paras(
    body: &mut Vec<Para>,
    inspections: &[&Inspection],
    roster: &Roster,
    problem: bool,
) {
    let groups = by_district(inspections, roster, problem);
    if groups.is_empty() {
        body.push(Para::from(if problem {
            "本次督查调研未发现需要整改的问题。"
        } else {
            "（无）"
        }));
        return;
    }
    for (n, ((_, district), findings)) in groups.into_iter().enumerate() {
        body.push(Para::h2(&format!(
            "（{}）{district}",
            super::supervise::cn_number(n + 1)
        )));
        for (k, f) in findings.into_iter().enumerate() {
            body.push(Para::from(finding_line(k + 1, f, roster)));
        }
    }
}

fn requirements(inspections: &[&Inspection]) -> Vec<Para> {
    let deadline = inspections.iter().filter_map(|i| i.record.deadline).max();
    let by = deadline.map_or("规定期限内".to_string(), |d| {
        format!("{}前", cn_date(d))
    });
    vec![
        Para::from(format!(
            "各县（市）区要督促有关试点社区对照通报的问题逐项制定措施、落实整改，于{by}完成整改，并报送整改情况和证明材料，由县（市）区复查销号。"
        )),
        Para::from(
            "督查发现的问题与评估验收发现的问题一并列入整改事项管理；整改事项未销号的试点社区，不予命名。",
        ),
    ]
}

fn table(inspections: &[&Inspection], roster: &Roster) -> Table {
    let order = &crate::districts::DistrictTable::builtin().districts;
    // district → (communities, problems, closed)
    let mut by: BTreeMap<(usize, String), (usize, usize, usize)> = BTreeMap::new();
    for i in inspections {
        for id in &i.record.communities {
            let d = roster.get(id).map_or(String::new(), |c| c.district.clone());
            let pos = order.iter().position(|x| x.name == d).unwrap_or(usize::MAX);
            let e = by.entry((pos, d)).or_default();
            e.0 += 1;
            e.1 += i
                .record
                .findings
                .iter()
                .filter(|f| f.problem && &f.community == id)
                .count();
            e.2 += i
                .items
                .iter()
                .filter(|it| it.community() == id && !it.is_open())
                .count();
        }
    }
    let rows = by
        .into_iter()
        .map(|((_, d), (c, p, closed))| {
            Row::Plain(
                [d, c.to_string(), p.to_string(), closed.to_string()]
                    .map(Cell::from)
                    .to_vec(),
            )
        })
        .collect();
    Table {
        columns: ["县（市）区", "督查调研社区", "发现问题", "已销号"]
            .map(String::from)
            .to_vec(),
        widths: vec![3.0, 2.0, 1.6, 1.4],
        compact: true,
        rows,
    }
}

/// Builds the 通报 of `inspections`, dated `date`, sent to the 责任单位
/// `units` names for the districts covered (when it names them all; else
/// to the configured recipients).
pub fn build(
    issuer: &Issuer<'_>,
    inspections: &[&Inspection],
    (roster, units): (&Roster, &[crate::units::Unit]),
    date: NaiveDate,
) -> issuance::Draft {
    let title = title(inspections);
    let mut districts: Vec<String> = Vec::new();
    for i in inspections {
        for d in &i.record.districts {
            if !districts.contains(d) {
                districts.push(d.clone());
            }
        }
    }
    let recipients = if let Some(names) = crate::units::addressed(units, &districts) {
        names
    } else if issuer.config.documents.recipients.is_empty() {
        "各县（市）区城乡社区治理工作领导小组".to_string()
    } else {
        issuer.config.documents.recipients.join("、")
    };
    let mut data = issuer.common(&title, &recipients, date);
    let mut body = vec![
        Para::from(opening(inspections, roster)),
        Para::h1("一、发现的问题"),
    ];
    findings_paras(&mut body, inspections, roster, true);
    body.push(Para::h1("二、好的做法"));
    findings_paras(&mut body, inspections, roster, false);
    body.push(Para::h1("三、整改要求"));
    body.extend(requirements(inspections));
    data.body = body;
    data.attachments = vec![Attachment {
        name: "各县（市）区督查调研情况统计".into(),
        table: Some(table(inspections, roster)),
        ..Attachment::default()
    }];
    let kind = DocKind::Other(KIND_NAME.into());
    let mut draft = issuer.draft(kind, "tongzhi", &title, &data, date, &recipients, None);
    draft.file_name = crate::fsutil::safe_name(&format!("{KIND_NAME}.pdf"));
    draft
}
