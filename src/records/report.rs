//! The printed papers of 归档 and 移交, as data for the `guidang` template
//! and as workbooks: the 归档文件目录, the 四性检测报告 and the 移交接收
//! 登记表 the two sides sign.

use serde::Serialize;

use super::RecordsError;
use super::check::{Outcome, Report};
use super::metadata::Metadata;
use crate::render::{DocMeta, Engine};
use crate::table::write::{Out, Sheet, columns, xlsx};

/// A table on a paper.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// Its heading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// Relative column widths.
    pub widths: Vec<u32>,
}

/// One paper's data.
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    /// Title.
    pub title: String,
    /// Lines under the title.
    pub lines: Vec<String>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Paragraphs after the tables.
    pub paragraphs: Vec<String>,
    /// Signature boxes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatures: Option<Vec<String>>,
    /// Landscape pages.
    pub landscape: bool,
}

const CATALOGUE_COLUMNS: [&str; 8] = [
    "档号",
    "责任者",
    "文号",
    "题名",
    "日期",
    "文件数",
    "页数",
    "保管期限",
];

fn catalogue_row(m: &Metadata) -> Vec<String> {
    let pages: u32 = m.files.iter().filter_map(|f| f.pages).sum();
    vec![
        m.code.code.clone(),
        m.content.author.clone(),
        m.content.number.clone(),
        m.content.title.clone(),
        m.content.date.clone(),
        m.file_count.to_string(),
        if pages > 0 {
            pages.to_string()
        } else {
            String::new()
        },
        m.retention.clone(),
    ]
}

/// The 归档文件目录 of `records` (in 档号 order).
pub fn catalogue(unit: &str, phase: &str, records: &[Metadata]) -> Paper {
    Paper {
        title: format!("{phase}归档文件目录"),
        lines: vec![format!("立档单位：{unit}　　共 {} 件", records.len())],
        tables: vec![Table {
            heading: None,
            columns: CATALOGUE_COLUMNS.iter().map(|s| s.to_string()).collect(),
            rows: records.iter().map(catalogue_row).collect(),
            widths: vec![5, 5, 4, 9, 3, 2, 2, 3],
        }],
        paragraphs: Vec::new(),
        signatures: None,
        landscape: true,
    }
}

/// The 归档文件目录 as a workbook.
pub fn catalogue_xlsx(records: &[Metadata]) -> Result<Vec<u8>, RecordsError> {
    let mut sheet = Sheet::new("归档文件目录", columns(&CATALOGUE_COLUMNS));
    sheet.rows = records
        .iter()
        .map(|m| catalogue_row(m).into_iter().map(Out::Text).collect())
        .collect();
    xlsx(&[sheet]).map_err(|e| RecordsError::Invalid(e.to_string()))
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "通过",
        Outcome::Fail => "不通过",
        Outcome::NotRun => "未检测",
    }
}

/// The conclusion in words.
pub fn conclusion(r: &Report) -> String {
    let not_run: Vec<String> = r
        .lines
        .iter()
        .filter(|l| l.outcome == Outcome::NotRun)
        .map(|l| {
            let why: Vec<&str> = l.problems.iter().map(|p| p.reason.as_str()).collect();
            format!("{}未进行：{}", l.name, why.join("；"))
        })
        .collect();
    let failed = r
        .lines
        .iter()
        .filter(|l| l.outcome == Outcome::Fail)
        .count();
    match (failed, not_run.is_empty()) {
        (0, true) => "通过：各项检测均符合要求".into(),
        (0, false) => format!("通过（{}），其余各项均符合要求", not_run.join("；")),
        (f, _) => format!("不通过：{f} 项检测发现问题（见问题清单）"),
    }
}

/// The 四性检测报告 of `r`.
pub fn check_paper(r: &Report) -> Paper {
    let aspect = |a| {
        serde_json::to_value(a)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let items = r
        .lines
        .iter()
        .map(|l| {
            vec![
                aspect(l.aspect),
                l.name.clone(),
                l.method.clone(),
                l.checked.to_string(),
                outcome(l.outcome).to_string(),
            ]
        })
        .collect();
    let problems: Vec<Vec<String>> = r
        .lines
        .iter()
        .flat_map(|l| {
            l.problems
                .iter()
                .map(move |p| vec![l.name.clone(), p.subject.clone(), p.reason.clone()])
        })
        .collect();
    let mut tables = vec![Table {
        heading: Some("检测项目与结果".into()),
        columns: ["类别", "检测项目", "检测方法", "数量", "结果"]
            .map(String::from)
            .to_vec(),
        rows: items,
        widths: vec![2, 5, 10, 2, 2],
    }];
    if !problems.is_empty() {
        tables.push(Table {
            heading: Some("问题清单".into()),
            columns: ["检测项目", "档号或文件", "原因"]
                .map(String::from)
                .to_vec(),
            rows: problems,
            widths: vec![4, 6, 10],
        });
    }
    Paper {
        title: format!("电子档案{}环节四性检测报告", r.stage.name()),
        lines: vec![
            format!("检测对象：{}", r.subject),
            format!("检测时间：{}", crate::clock::show(&r.time)),
            format!(
                "档案件数：{} 件；计算机文件共 {}",
                r.records,
                crate::sizes::size_text(r.bytes)
            ),
            format!("检测依据：DA/T 70-2018《文书类电子档案检测一般要求》"),
            format!("检测结论：{}", conclusion(r)),
        ],
        tables,
        paragraphs: r
            .lines
            .iter()
            .flat_map(|l| l.notes.iter().map(|n| format!("提示：{n}")))
            .chain(std::iter::once(format!(
                "检测环境：{}",
                r.environment.join("；")
            )))
            .collect(),
        signatures: None,
        landscape: true,
    }
}

/// Facts printed on the 移交接收登记表.
#[derive(Debug, Clone)]
pub struct Handover {
    /// 移交单位.
    pub from: String,
    /// 接收单位.
    pub to: String,
    /// The phase.
    pub phase: String,
    /// Records and bytes.
    pub totals: (u64, u64),
    /// 档号 range.
    pub range: (String, String),
    /// SM3 of 移交清单.xml.
    pub catalogue_sm3: String,
    /// The 移交 check's conclusion.
    pub conclusion: String,
}

/// The 移交接收登记表.
pub fn handover_paper(h: &Handover) -> Paper {
    let rows = vec![
        vec!["移交单位".into(), h.from.clone()],
        vec!["接收单位".into(), h.to.clone()],
        vec![
            "内容".into(),
            format!("城乡社区治理创新试点{}电子档案", h.phase),
        ],
        vec!["档号范围".into(), format!("{} 至 {}", h.range.0, h.range.1)],
        vec![
            "件数与数据量".into(),
            format!(
                "{} 件，计算机文件共 {}",
                h.totals.0,
                crate::sizes::size_text(h.totals.1)
            ),
        ],
        vec![
            "载体与格式".into(),
            "DA/T 48 电子文件封装包（XML，内容 Base64 编码），公文为 PDF/A".into(),
        ],
        vec!["移交清单 SM3".into(), h.catalogue_sm3.clone()],
        vec!["移交前四性检测".into(), h.conclusion.clone()],
        vec![
            "接收检测".into(),
            "接收方运行 kaoping transfer check 移交包 --sm3 上列摘要，结论：□通过　□不通过".into(),
        ],
    ];
    Paper {
        title: "电子档案移交接收登记表".into(),
        lines: Vec::new(),
        tables: vec![Table {
            heading: None,
            columns: vec!["项目".into(), "内容".into()],
            rows,
            widths: vec![3, 10],
        }],
        paragraphs: Vec::new(),
        signatures: Some(vec![
            "移交单位（盖章）\n经办人：\n审核人：\n日期：".into(),
            "接收单位（盖章）\n经办人：\n审核人：\n日期：".into(),
        ]),
        landscape: false,
    }
}

/// Renders `paper` to PDF/A.
pub fn render(engine: &Engine, paper: &Paper, author: &str) -> Result<Vec<u8>, RecordsError> {
    let meta = DocMeta {
        title: paper.title.clone(),
        author: author.to_string(),
        date: crate::clock::today(),
    };
    Ok(engine.render("guidang", paper, &meta)?)
}
