//! 阶段任务 through the real binary: a task table whose districts do not
//! add up is refused without a reason (nothing recorded) and recorded with
//! one; `phase show` prints the three phases; a 第二阶段 application is
//! checked against its phase's tasks once set (refused before, saying
//! so); `progress --phase 2` counts that phase.

use std::fs;
use std::path::Path;

use super::util::{kaoping, stderr_of_failure, stdout_of};

/// Attachment 1's districts with 试点总任务数 − 第一阶段任务数.
pub const REST: [(&str, u32); 18] = [
    ("五华区", 10),
    ("盘龙区", 7),
    ("官渡区", 15),
    ("西山区", 12),
    ("呈贡区", 4),
    ("晋宁区", 1),
    ("东川区", 1),
    ("安宁市", 4),
    ("富民县", 1),
    ("宜良县", 2),
    ("嵩明县", 1),
    ("石林县", 1),
    ("禄劝县", 1),
    ("寻甸县", 1),
    ("高新区", 1),
    ("经开区", 1),
    ("滇池度假区", 1),
    ("阳宗海风景区", 1),
];

/// A task table: every district's rest split (second, rest − second), 五华区
/// given `wuhua` instead.
pub fn table(wuhua: (u32, u32)) -> String {
    let mut s = String::from("区县,第二阶段任务数,第三阶段任务数\n");
    for (d, rest) in REST {
        let (a, b) = if d == "五华区" {
            wuhua
        } else {
            (rest.div_ceil(2), rest - rest.div_ceil(2))
        };
        s.push_str(&format!("{d},{a},{b}\n"));
    }
    s
}

fn log(d: &Path) -> Vec<u8> {
    fs::read(d.join("archive/log.jsonl")).unwrap_or_default()
}

fn apply(d: &Path, name: &str) {
    stdout_of(kaoping(d).args([
        "apply",
        "add",
        "--district",
        "五华区",
        "--name",
        name,
        "--type",
        "城市社区",
        "--batch",
        "第二阶段",
        "--reason",
        "居民参与度高",
    ]));
}

#[test]
fn tasks_that_do_not_add_up_need_a_reason_and_show_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    fs::write(d.join("任务.csv"), table((3, 5))).unwrap();
    let before = log(d);
    let set = |extra: &[&str]| {
        let mut c = kaoping(d);
        c.args([
            "phase",
            "set",
            "--tasks",
            "任务.csv",
            "--p2-creation",
            "2020-01..2020-06",
            "--p2-assessment",
            "2020-07..2020-08",
            "--p2-naming",
            "2020-09",
        ])
        .args(extra);
        c
    };
    let err = stderr_of_failure(&mut set(&[]), 1);
    assert!(
        err.contains("五华区")
            && err.contains("第二阶段 3 个 + 第三阶段 5 个 = 8 个")
            && err.contains("= 10 个")
            && err.contains("任务.csv 中")
            && err.contains("第 2 行")
            && err.contains("--reason"),
        "{err}"
    );
    assert_eq!(log(d), before, "nothing recorded");
    // An unknown district is refused with its name.
    fs::write(d.join("错.csv"), table((5, 5)).replace("盘龙区", "龙盘区")).unwrap();
    let err = stderr_of_failure(kaoping(d).args(["phase", "set", "--tasks", "错.csv"]), 1);
    assert!(err.contains("龙盘区"), "{err}");
    // Dates half given are refused.
    let err = stderr_of_failure(
        kaoping(d).args([
            "phase",
            "set",
            "--tasks",
            "任务.csv",
            "--reason",
            "五华区两个社区合并",
            "--p3-naming",
            "2020-12",
        ]),
        1,
    );
    assert!(
        err.contains("第三阶段") && err.contains("缺少试点创建"),
        "{err}"
    );
    assert_eq!(log(d), before);

    let out = stdout_of(&mut set(&["--reason", "五华区两个社区合并，任务相应调减"]));
    assert!(out.contains("已下达阶段任务"), "{out}");
    let show = stdout_of(kaoping(d).args(["phase", "show"]));
    assert!(show.contains("五华区  14  4  3  5"), "{show}");
    assert!(show.contains("五华区两个社区合并"), "{show}");
    assert!(
        show.contains(
            "第二阶段：试点创建 2020年1月—6月；评估验收 2020年7月—8月；总结命名 2020年9月"
        ),
        "{show}"
    );
    assert!(show.contains("第一阶段：宣传启动 2018年9月"), "{show}");
    assert!(show.contains("第三阶段：日期尚未确定"), "{show}");
    // A later setting replaces the earlier one.
    fs::write(d.join("好.csv"), table((5, 5))).unwrap();
    stdout_of(kaoping(d).args(["phase", "set", "--tasks", "好.csv"]));
    let show = stdout_of(kaoping(d).args(["phase", "show"]));
    assert!(show.contains("五华区  14  4  5  5"), "{show}");
    assert!(!show.contains("理由"), "{show}");
    assert!(show.contains("第二阶段：日期尚未确定"), "{show}");
    // The blank table lists the districts.
    stdout_of(kaoping(d).args(["phase", "template", "-o", "空白.xlsx"]));
    assert!(d.join("空白.xlsx").exists());
}

#[test]
fn a_second_phase_application_is_checked_against_its_phase_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    apply(d, "大观社区");
    apply(d, "华山社区");
    let err = stderr_of_failure(
        kaoping(d).args(["apply", "approve", "1", "--id", "WH-101"]),
        1,
    );
    assert!(
        err.contains("尚未下达第二阶段的任务数") && err.contains("phase set"),
        "{err}"
    );
    let err = stderr_of_failure(kaoping(d).args(["progress", "--phase", "2", "--csv"]), 1);
    assert!(err.contains("尚未下达第二阶段"), "{err}");

    // 五华区: 1 in 第二阶段, 9 in 第三阶段.
    fs::write(d.join("任务.csv"), table((1, 9))).unwrap();
    stdout_of(kaoping(d).args(["phase", "set", "--tasks", "任务.csv"]));
    stdout_of(kaoping(d).args(["apply", "approve", "1", "--id", "WH-101"]));
    let err = stderr_of_failure(
        kaoping(d).args(["apply", "approve", "2", "--id", "WH-102"]),
        1,
    );
    assert!(
        err.contains("五华区的第二阶段任务数是 1 个") && err.contains("--over-quota"),
        "{err}"
    );
    let list = stdout_of(kaoping(d).args(["community", "list", "--json"]));
    assert!(!list.contains("WH-102"), "refused, so not registered");
    stdout_of(kaoping(d).args([
        "apply",
        "approve",
        "2",
        "--id",
        "WH-102",
        "--over-quota",
        "市领导小组会议同意",
    ]));

    let csv = stdout_of(kaoping(d).args(["progress", "--phase", "2", "--csv"]));
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().contains("第二阶段任务数"), "{csv}");
    let wuhua = csv.lines().find(|l| l.starts_with("五华区")).unwrap();
    assert!(wuhua.starts_with("五华区,89,1,2,"), "{csv}");
    let total = csv.lines().find(|l| l.starts_with("总计")).unwrap();
    assert!(total.contains(",2,"), "{csv}");
    // 第一阶段 counts none of them.
    let csv1 = stdout_of(kaoping(d).args(["progress", "--phase", "1", "--csv"]));
    assert!(
        csv1.lines().next().unwrap().contains("第一阶段任务数"),
        "{csv1}"
    );
    assert!(csv1.contains("五华区,89,4,0,"), "{csv1}");
    // The table as a document.
    fs::create_dir(d.join("公文")).unwrap();
    stdout_of(kaoping(d).args([
        "progress",
        "--phase",
        "2",
        "-o",
        "公文",
        "--date",
        "2026-11-20",
    ]));
    let pdf = fs::read_dir(d.join("公文"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("the table as a PDF");
    if let Some(text) = crate::util::pdf_text(&pdf) {
        assert!(text.contains("第二阶段"), "{text}");
    }
}
