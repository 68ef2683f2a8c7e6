//! The 发文登记簿 as one sheet (`kaoping register --xlsx/--csv`, the
//! office page's download): one row per registered document, then one
//! per voided (作废) number with its reason.

use super::{Entry, VoidEntry};
use crate::table::write::{Col, Out, Sheet, beijing, columns};

/// The document register (`kaoping register`).
pub fn register(entries: &[Entry], voided: &[VoidEntry]) -> Sheet {
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
            "作废理由",
        ]),
    );
    sheet.columns[2] = Col::new("标题").width(50.0);
    sheet.columns[9] = Col::new("SHA-256").width(68.0);
    sheet.columns[11] = Col::new("作废理由").width(50.0);
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
            Out::Empty,
        ]);
    }
    for v in voided {
        let n = &v.number;
        sheet.rows.push(vec![
            Out::from(n.number.as_str()),
            Out::from("作废"),
            Out::from(n.title.as_str()),
            Out::from(n.recipient.as_str()),
            Out::Empty,
            Out::Empty,
            Out::from(beijing(&v.time)),
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::Empty,
            Out::from(v.reason.as_str()),
        ]);
    }
    sheet
}
