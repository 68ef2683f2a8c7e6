//! The report's attachments: the score table (attachment 1), the
//! evidence manifest (attachment 2) and the levels compared side by side.

use super::super::data::{Attachment, Cell, Row, Styled, Table};
use super::super::{grouped_hash, marks, size_and_hash, size_text};
use crate::archive::manifest::Manifest;
use crate::assessment::compare::Comparison;
use crate::assessment::score::{IndicatorScore, ScoreCard, StandardScore};
use crate::assessment::store::StoredAssessment;
use crate::assessment::{ResultRow, Verdict};
use crate::catalog::Method;
use crate::event::street::StreetEvidence;

/// Indicators with at most this many rows in the score table are kept on
/// one page (a landscape page holds about twenty).
const KEEP_TOGETHER: usize = 12;

/// Attachment 1: every standard and method with verdict and marks, item
/// subtotals and the total. An indicator's cell spans its rows, a
/// standard's number and marks span its methods; subtotal and total rows
/// are marked `strong` (黑体).
pub(super) fn score_table(card: &ScoreCard, evidence: Option<&Manifest>) -> Attachment {
    let mut rows: Vec<Row> = Vec::new();
    for it in &card.items {
        for ind in &it.indicators {
            rows.extend(indicator_rows(ind, evidence));
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

/// The rows of one indicator: one per standard and method, the
/// indicator's cell on the first, a standard's number and marks on its
/// first method.
fn indicator_rows(ind: &IndicatorScore, evidence: Option<&Manifest>) -> Vec<Row> {
    let span: usize = ind.standards.iter().map(|s| s.rows.len()).sum();
    let mut rows = Vec::new();
    for s in &ind.standards {
        for (i, r) in s.rows.iter().enumerate() {
            let mut cells = Vec::new();
            if rows.is_empty() {
                cells.push(indicator_cell(ind, span));
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
            cells.push(Cell::left(remark(ind, s, r, evidence)));
            rows.push(Row::Plain(cells));
        }
    }
    rows
}

/// The indicator's cell, spanning its `span` rows. A short indicator
/// stays on one page, so that every page starts with an indicator's name.
fn indicator_cell(ind: &IndicatorScore, span: usize) -> Cell {
    Cell::Styled(Styled {
        text: format!("{} {}", ind.code, ind.name),
        rowspan: Some(span),
        align: Some("left"),
        breakable: Some(span > KEEP_TOGETHER),
        ..Styled::default()
    })
}

/// A row's remark; a 材料审核 row's starts with how many evidence files
/// the standard has.
fn remark(
    ind: &IndicatorScore,
    s: &StandardScore,
    r: &ResultRow,
    evidence: Option<&Manifest>,
) -> String {
    if r.method != Method::MaterialReview {
        return r.remark.clone();
    }
    let n = evidence.map_or(0, |m| {
        m.files
            .iter()
            .filter(|f| f.indicator == ind.code && f.standard == Some(s.number))
            .count()
    });
    let note = format!("证据材料 {n} 个");
    if r.remark.is_empty() {
        note
    } else {
        format!("{note}；{}", r.remark)
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

/// 各级考评结论对照: 自查 | 初评 | 专家组 | 最终 per standard and method,
/// the rows where two levels are two steps apart marked.
pub(super) fn levels_table(cmp: &Comparison) -> Attachment {
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

/// Attachment 2: the files behind the 材料审核 standards, with the
/// submission's root hash.
/// The rows of a 街道's shared files, marked as shared.
fn shared_rows(s: &StreetEvidence) -> impl Iterator<Item = Row> + '_ {
    s.files.iter().zip(&s.objects).map(|(f, o)| {
        let hash = o.sha256.get(..12).unwrap_or(&o.sha256);
        Row::Plain(vec![
            Cell::from(f.indicator.clone()),
            Cell::from(format!("标准{}", f.standard)),
            Cell::left(format!("{}（街道共享）", f.placed)),
            Cell::from(size_text(o.size)),
            Cell::from(hash),
        ])
    })
}

pub(super) fn manifest_table(
    stored: &StoredAssessment,
    evidence: Option<&Manifest>,
    street: Option<&StreetEvidence>,
) -> Attachment {
    let name = "材料审核证据清单".to_string();
    let Some(m) = evidence else {
        return Attachment {
            name,
            body: vec!["该社区未提交证据材料。".into()],
            ..Attachment::default()
        };
    };
    let mut rows: Vec<Row> = m
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
    let mut body = vec![format!(
        "第 {} 版提交，共 {} 个文件、{}。清单根哈希（SHA-256）：{}。每个文件的完整哈希可用 kaoping show 查看。",
        m.version,
        m.file_count,
        size_text(m.total_bytes),
        grouped_hash(&stored.record.evidence_root_hash)
    )];
    if let Some(s) = street {
        body.push(format!(
            "另有{}提交的街道共享材料（第 {} 版，{} 个文件），计入本社区，列在表末并注明“街道共享”。",
            s.street,
            s.version,
            s.files.len()
        ));
        rows.extend(shared_rows(s));
    }
    Attachment {
        name,
        landscape: true,
        body,
        table: Some(Table::compact(
            &["指标", "标准", "文件", "大小", "SHA-256（前12位）"],
            &[1.2, 1.2, 7.0, 1.5, 2.6],
            rows,
        )),
        ..Attachment::default()
    }
}
