//! The applications as one sheet (`kaoping apply list --xlsx/--csv`).

use crate::table::write::{Col, Out, Sheet, beijing, columns};

/// The applications (`kaoping apply list`).
pub fn applications(apps: &[super::Application]) -> Sheet {
    use super::Decision;
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
