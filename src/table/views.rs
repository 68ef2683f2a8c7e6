//! The tables kaoping shows, as sheets: a submission's file list, a
//! submission's coverage, the 进度汇总表, the document register and the
//! registered communities. One description per table, written as `.xlsx`
//! or CSV, so the workbook and the CSV always hold the same cells. Sizes,
//! counts and numbers are numbers; hashes and ids are text; dates are
//! dates.

use super::write::{Col, Out, Sheet};
use crate::archive::coverage::Coverage;
use crate::archive::manifest::FileEntry;
use crate::documents::progress;
use crate::issuance::Entry;

fn columns(names: &[&str]) -> Vec<Col> {
    names.iter().map(|n| Col::new(n)).collect()
}

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
        let status = if s.files.is_empty() {
            "缺材料"
        } else {
            "有材料"
        };
        sheet.rows.push(vec![
            Out::from(s.indicator.as_str()),
            Out::from(s.indicator_name.as_str()),
            Out::from(s.standard),
            Out::from(s.text.as_str()),
            Out::from(s.files.len()),
            Out::from(status),
            Out::from(s.files.join("\n")),
        ]);
    }
    sheet
}

/// The 进度汇总表 (`kaoping progress`), its 总计 row last.
pub fn progress(rows: &[progress::Row], phase1: bool) -> Sheet {
    let mut sheet = Sheet::new("进度汇总表", columns(&progress::columns(phase1)));
    for r in rows {
        sheet.rows.push(vec![
            Out::from(r.district.as_str()),
            Out::from(r.communities),
            Out::from(r.quota),
            Out::from(r.registered),
            Out::from(r.submitted),
            Out::from(r.assessed),
            Out::from(r.named),
            Out::from(r.rectifying),
            Out::from(r.items_open),
            Out::from(r.items_closed),
            Out::from(r.items_overdue),
            Out::from(progress::plan_cell(r)),
        ]);
    }
    sheet
}

/// The document register (`kaoping register`).
pub fn register(entries: &[Entry]) -> Sheet {
    let mut sheet = Sheet::new(
        "公文登记簿",
        columns(&[
            "发文字号",
            "公文种类",
            "标题",
            "主送",
            "社区",
            "成文日期",
            "登记时间（北京时间）",
            "文件名",
            "字节数",
            "SHA-256",
            "超出任务数理由",
        ]),
    );
    sheet.columns[2] = Col::new("标题").width(50.0);
    sheet.columns[9] = Col::new("SHA-256").width(68.0);
    for e in entries {
        let r = &e.record;
        sheet.rows.push(vec![
            Out::from(r.number.as_str()),
            Out::from(r.kind.name()),
            Out::from(r.title.as_str()),
            Out::from(r.recipient.as_str()),
            Out::from(r.community.as_deref()),
            Out::Date(r.date),
            Out::from(beijing(&e.time)),
            Out::from(r.file_name.as_str()),
            Out::from(r.size()),
            Out::from(r.sha256()),
            Out::from(r.over_quota.as_deref()),
        ]);
    }
    sheet
}

/// The applications (`kaoping apply list`).
pub fn applications(apps: &[crate::application::Application]) -> Sheet {
    use crate::application::Decision;
    let mut sheet = Sheet::new(
        "申报汇总",
        columns(&[
            "申报号",
            "状态",
            "所属区县",
            "名称",
            "类型",
            "批次",
            "居民户数",
            "综合服务设施面积",
            "推荐理由",
            "登记编号",
            "退回或超出任务数的理由",
            "申报时间（北京时间）",
        ]),
    );
    sheet.columns[8] = Col::new("推荐理由").width(40.0);
    for a in apps {
        let p = &a.record.proposal;
        let (id, why) = match &a.decision {
            Some(Decision::Approved {
                community,
                over_quota,
            }) => (Some(community.as_str()), over_quota.as_deref()),
            Some(Decision::Returned { reason }) => (None, Some(reason.as_str())),
            None => (None, None),
        };
        sheet.rows.push(vec![
            Out::from(a.record.number),
            Out::from(a.status.name()),
            Out::from(p.district.as_str()),
            Out::from(p.name.as_str()),
            Out::from(p.kind.name()),
            Out::from(p.batch.name()),
            Out::from(p.households),
            Out::from(p.facility_area),
            Out::from(p.reason.as_str()),
            Out::from(id),
            Out::from(why),
            Out::from(beijing(&a.time)),
        ]);
    }
    sheet
}

/// A log time as people read it in Beijing time (the column heading says
/// so).
fn beijing(rfc3339: &str) -> String {
    crate::config::TimeSettings::default().show(rfc3339)
}
