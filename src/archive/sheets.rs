//! A submission's tables as sheets (`kaoping show`, `kaoping coverage`):
//! its file list and its 材料审核 coverage, written as `.xlsx` or CSV with
//! the same cells.

use super::coverage::Coverage;
use super::manifest::FileEntry;
use crate::table::write::{Col, Out, Sheet, columns};

/// The files of a submission version (`kaoping show`).
pub fn files(entries: &[&FileEntry]) -> Sheet {
    let mut sheet = Sheet::new(
        "文件清单",
        columns(&[
            "指标",
            "标准",
            "文件名",
            "归档位置",
            "原路径",
            "字节数",
            "SHA-256",
        ]),
    );
    sheet.columns[6] = Col::new("SHA-256").width(68.0);
    for f in entries {
        let name = f.placed.rsplit('/').next().unwrap_or("");
        sheet.rows.push(vec![
            Out::from(f.indicator.as_str()),
            Out::from(f.standard),
            Out::from(name),
            Out::from(f.placed.as_str()),
            Out::from(f.path.as_str()),
            Out::from(f.size),
            Out::from(f.sha256.as_str()),
        ]);
    }
    sheet
}

/// Which 材料审核 standards have files (`kaoping coverage`).
pub fn coverage(cov: &Coverage) -> Sheet {
    let mut sheet = Sheet::new(
        "材料覆盖",
        columns(&[
            "指标",
            "指标名称",
            "标准",
            "标准内容",
            "文件数",
            "状态",
            "文件",
        ]),
    );
    sheet.columns[3] = Col::new("标准内容").width(50.0);
    sheet.columns[6] = Col::new("文件").width(60.0);
    for s in &cov.standards {
        let status = match (s.files.is_empty(), s.shared.is_empty()) {
            (true, true) => "缺材料",
            (true, false) => "街道共享",
            _ => "有材料",
        };
        sheet.rows.push(vec![
            Out::from(s.indicator.as_str()),
            Out::from(s.indicator_name.as_str()),
            Out::from(s.standard),
            Out::from(s.text.as_str()),
            Out::from(s.files.len() + s.shared.len()),
            Out::from(status),
            Out::from(
                s.files
                    .iter()
                    .chain(&s.shared)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ]);
    }
    sheet
}
