//! 申报: districts apply within Attachment 1's task numbers, the office
//! approves (registering the community) or returns with a reason.

use std::fs;

use super::util::{kaoping, stderr_of_failure, stdout_of};

fn applications(d: &std::path::Path) -> serde_json::Value {
    let out = stdout_of(kaoping(d).args(["apply", "list", "--json"]));
    serde_json::from_str(&out).unwrap()
}

fn apply(d: &std::path::Path, district: &str, name: &str) -> String {
    stdout_of(kaoping(d).args([
        "apply",
        "add",
        "--district",
        district,
        "--name",
        name,
        "--type",
        "城市社区",
        "--batch",
        "第一阶段",
        "--reason",
        "居民参与度高",
        "--households",
        "2400",
    ]))
}

#[test]
fn approvals_stay_within_the_task_numbers_unless_the_office_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    // 阳宗海风景区: 试点总任务数 2, 第一阶段任务数 1 (Attachment 1).
    assert!(apply(d, "阳宗海风景区", "汤池社区").contains("第 1 号"));
    apply(d, "阳宗海风景区", "七甸社区");
    apply(d, "阳宗海风景区", "宜良社区");
    stdout_of(kaoping(d).args(["apply", "approve", "1", "--id", "YZH-001"]));
    let err = stderr_of_failure(
        kaoping(d).args(["apply", "approve", "2", "--id", "YZH-002"]),
        1,
    );
    assert!(
        err.contains("第一阶段任务数是 1 个") && err.contains("--over-quota"),
        "{err}"
    );
    let list = stdout_of(kaoping(d).args(["community", "list", "--json"]));
    assert!(!list.contains("YZH-002"), "refused, so not registered");
    stdout_of(kaoping(d).args([
        "apply",
        "approve",
        "2",
        "--id",
        "YZH-002",
        "--over-quota",
        "市领导小组会议同意",
    ]));
    let err = stderr_of_failure(
        kaoping(d).args(["apply", "approve", "3", "--id", "YZH-003"]),
        1,
    );
    assert!(err.contains("试点总任务数是 2 个"), "{err}");
    stdout_of(kaoping(d).args([
        "apply",
        "return",
        "3",
        "--reason",
        "已超出任务数，请下一阶段再报",
    ]));
    let err = stderr_of_failure(
        kaoping(d).args(["apply", "approve", "3", "--id", "YZH-003"]),
        1,
    );
    assert!(err.contains("已经退回"), "{err}");
    let v = applications(d);
    assert_eq!(v[0]["status"], "已批准");
    assert_eq!(v[0]["decision"]["community"], "YZH-001");
    assert_eq!(v[1]["decision"]["over_quota"], "市领导小组会议同意");
    assert_eq!(v[2]["status"], "已退回");
    assert_eq!(v[2]["decision"]["reason"], "已超出任务数，请下一阶段再报");
    assert_eq!(v[0]["households"], 2400);
    let list = stdout_of(kaoping(d).args(["community", "list", "--json"]));
    assert!(list.contains("YZH-001") && list.contains("YZH-002") && !list.contains("YZH-003"));
    let q: serde_json::Value =
        serde_json::from_str(&stdout_of(kaoping(d).args(["apply", "quota", "--json"]))).unwrap();
    let yzh = q
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["district"] == "阳宗海风景区")
        .unwrap();
    assert_eq!(
        (
            yzh["registered"].as_u64(),
            yzh["phase1"].as_u64(),
            yzh["pending"].as_u64()
        ),
        (Some(2), Some(2), Some(0))
    );
}

#[test]
fn a_list_of_applications_is_taken_whole_or_not_at_all() {
    use rust_xlsxwriter::Workbook;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(["apply", "template", "-o", "申报表.xlsx"]));
    let write = |rows: &[[&str; 5]], name: &str| {
        let mut b = Workbook::new();
        let ws = b.add_worksheet();
        for (c, h) in ["名称", "所属区县", "类型", "批次", "推荐理由"]
            .iter()
            .enumerate()
        {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_string(0, 0, "五华区2019年试点社区推荐表").unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32 + 2, c as u16, *cell).unwrap();
            }
        }
        fs::write(d.join(name), b.save_to_buffer().unwrap()).unwrap();
    };
    write(
        &[
            ["翠湖社区", "五华区", "城市社区", "第一阶段", "基础扎实"],
            ["金星社区", "盘龙区", "城市社区", "第一阶段", "特色鲜明"],
            ["大观社区", "", "城市社区", "第一阶段", ""],
        ],
        "错.xlsx",
    );
    let log_before = fs::read(d.join("archive/log.jsonl")).unwrap_or_default();
    let err = stderr_of_failure(
        kaoping(d).args(["apply", "import", "错.xlsx", "--district", "五华区"]),
        1,
    );
    assert!(err.contains("B4 单元格") && err.contains("盘龙区"), "{err}");
    assert!(
        err.contains("E5 单元格") && err.contains("推荐理由"),
        "{err}"
    );
    assert_eq!(
        fs::read(d.join("archive/log.jsonl")).unwrap_or_default(),
        log_before
    );
    write(
        &[
            ["翠湖社区", "五华区", "城市社区", "第一阶段", "基础扎实"],
            ["大观社区", "", "“村改居”社区", "第二阶段", "居民自治好"],
        ],
        "好.xlsx",
    );
    let out = stdout_of(kaoping(d).args(["apply", "import", "好.xlsx", "--district", "五华区"]));
    assert!(out.contains("2 项申报"), "{out}");
    let v = applications(d);
    assert_eq!(v[1]["district"], "五华区");
    assert_eq!(v[1]["type"], "“村改居”社区");
    assert_eq!(v[1]["status"], "待审核");
}

#[test]
fn the_application_summary_is_an_issued_document_for_the_city_or_one_district() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    apply(d, "阳宗海风景区", "汤池社区");
    apply(d, "阳宗海风景区", "七甸社区");
    apply(d, "五华区", "翠湖社区");
    stdout_of(kaoping(d).args(["apply", "approve", "1", "--id", "YZH-001"]));
    stdout_of(kaoping(d).args([
        "apply",
        "approve",
        "2",
        "--id",
        "YZH-002",
        "--over-quota",
        "市领导小组会议同意",
    ]));
    fs::create_dir(d.join("公文")).unwrap();
    stdout_of(kaoping(d).args(["apply", "report", "-o", "公文", "--date", "2026-11-20"]));
    stdout_of(kaoping(d).args([
        "apply",
        "report",
        "--district",
        "阳宗海风景区",
        "-o",
        "公文",
        "--date",
        "2026-11-20",
    ]));
    let register = stdout_of(kaoping(d).args(["register", "--json"]));
    assert_eq!(register.matches("\"申报汇总表\"").count(), 2, "{register}");
    let city = d.join("公文/申报汇总表.pdf");
    let one = d.join("公文/阳宗海风景区-申报汇总表.pdf");
    assert!(city.exists() && one.exists());
    stdout_of(kaoping(d).args(["verify-doc", one.to_str().unwrap()]));
    let Some(city) = crate::util::pdf_text(&city) else {
        return;
    };
    assert!(
        city.contains("翠湖社区") && city.contains("待审核"),
        "{city}"
    );
    assert!(city.contains("市领导小组会议同意"), "{city}");
    let one = crate::util::pdf_text(&one).unwrap();
    assert!(
        one.contains("七甸社区") && !one.contains("翠湖社区"),
        "{one}"
    );
}
