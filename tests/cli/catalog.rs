//! `kaoping catalog` and `kaoping districts`: the JSON shapes other tools
//! rely on, look-ups by the forms people type, and the errors.

use serde_json::Value;

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

fn json(args: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(kaoping(dir.path()).args(args));
    serde_json::from_str(&out).unwrap()
}

#[test]
fn catalog_json_has_the_documented_shape_and_is_complete() {
    let v = json(&["catalog", "--json"]);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let mut indicators = 0;
    let mut standards = 0;
    for it in items {
        assert!(it["code"].as_str().unwrap().starts_with('Ⅰ'));
        assert!(it["name"].is_string());
        for ind in it["indicators"].as_array().unwrap() {
            indicators += 1;
            assert!(ind["code"].as_str().unwrap().starts_with("Ⅱ-"));
            for s in ind["standards"].as_array().unwrap() {
                standards += 1;
                assert!(s["number"].is_u64() && s["text"].is_string());
                for m in s["methods"].as_array().unwrap() {
                    let m = m.as_str().unwrap();
                    assert!(
                        ["材料审核", "实地考评", "问卷调查", "网络（媒体）调查"].contains(&m),
                        "{m}"
                    );
                }
            }
        }
    }
    assert_eq!((indicators, standards), (17, 54));
    // Ⅱ-3: "1.4.材料审核；2.3.实地考评".
    let ind = &items[0]["indicators"][2];
    assert_eq!(ind["code"], "Ⅱ-3");
    let methods: Vec<_> = ind["standards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["methods"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(methods, ["材料审核", "实地考评", "实地考评", "材料审核"]);
}

#[test]
fn one_indicator_by_every_typed_form() {
    for form in ["Ⅱ-9", "Ⅱ—9", "II-9", "2-9", "社区信息应用"] {
        let v = json(&["catalog", form, "--json"]);
        assert_eq!(v["code"], "Ⅱ-9", "{form}");
        assert_eq!(v["item"]["code"], "Ⅰ-2");
        assert_eq!(v["standards"].as_array().unwrap().len(), 5);
        assert_eq!(v["standards"][4]["methods"][0], "网络（媒体）调查");
    }
    let dir = tempfile::tempdir().unwrap();
    let text = stdout_of(kaoping(dir.path()).args(["catalog", "Ⅰ-3"]));
    assert!(text.contains("Ⅱ-10 社区居住环境") && text.contains("Ⅱ-13 社区物业服务管理"));
    assert!(!text.contains("Ⅱ-14"));
}

#[test]
fn method_filter_lists_only_material_review_standards() {
    let v = json(&["catalog", "--json", "--method", "材料审核"]);
    let n: usize = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|it| it["indicators"].as_array().unwrap())
        .map(|ind| ind["standards"].as_array().unwrap().len())
        .sum();
    // Ⅱ-1:1, Ⅱ-2:2, Ⅱ-3:2, Ⅱ-5:2, Ⅱ-8:4, Ⅱ-12:2, Ⅱ-14:3, Ⅱ-15:3, Ⅱ-16:3
    assert_eq!(n, 22);
}

#[test]
fn unknown_code_fails_with_the_valid_codes() {
    let dir = tempfile::tempdir().unwrap();
    let err = stderr_of_failure(kaoping(dir.path()).args(["catalog", "Ⅱ-18"]), 1);
    assert!(err.starts_with("错误："), "{err}");
    assert!(err.contains("Ⅱ-17") && err.contains("Ⅰ-4"), "{err}");
    let err = stderr_of_failure(kaoping(dir.path()).args(["catalog", "社区依法"]), 1);
    assert!(err.contains("Ⅱ-8 社区依法办事"), "{err}");
}

#[test]
fn districts_json_matches_attachment_1() {
    let v = json(&["districts", "--json"]);
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 18);
    let sum = |k: &str| rows.iter().map(|r| r[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("communities"), 742);
    assert_eq!(sum("urban"), 309);
    assert_eq!(sum("village_to_residence"), 433);
    assert_eq!(sum("pilot_quota"), 100);
    assert_eq!(sum("phase1_quota"), 35);
    let gd = rows.iter().find(|r| r["name"] == "官渡区").unwrap();
    assert_eq!(gd["note"], "（含大板桥街道）");
    let keys: Vec<_> = gd.as_object().unwrap().keys().cloned().collect();
    let mut want = [
        "name",
        "note",
        "communities",
        "urban",
        "village_to_residence",
        "pilot_quota",
        "phase1_quota",
    ]
    .map(String::from)
    .to_vec();
    want.sort();
    let mut got = keys;
    got.sort();
    assert_eq!(got, want);
}

#[test]
fn help_and_usage_errors_are_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let help = stdout_of(kaoping(dir.path()).arg("--help"));
    assert!(
        help.contains("用法") && help.contains("查看考评体系"),
        "{help}"
    );
    for cmd in ["catalog", "districts", "init"] {
        let h = stdout_of(kaoping(dir.path()).args([cmd, "--help"]));
        assert!(h.contains("用法：kaoping"), "{cmd}: {h}");
    }
    let err = stderr_of_failure(kaoping(dir.path()).arg("catalogg"), 2);
    assert!(
        err.contains("没有“catalogg”这个命令") && err.contains("catalog"),
        "{err}"
    );
}

/// Runs kaoping with `args`, reads one byte of its output and closes the
/// pipe; asserts a quiet success.
fn close_after_one_byte(dir: &std::path::Path, args: &[&str]) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kaoping"))
        .current_dir(dir)
        .env_remove("KAOPING_ARCHIVE")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut one = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut one).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.is_empty(), "{args:?}: {err}");
}

#[test]
fn closed_pipe_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    close_after_one_byte(d, &["catalog"]);
    // Output far larger than a pipe's buffer, so that the writes really
    // fail: the file list of a submission of 3000 files, as text and JSON.
    stdout_of(kaoping(d).arg("init"));
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    let std1 = d.join("材料/Ⅱ-01 党组织领导核心作用/标准1");
    std::fs::create_dir_all(&std1).unwrap();
    for i in 0..3000 {
        std::fs::write(std1.join(format!("会议记录{i:04}.txt")), i.to_string()).unwrap();
    }
    stdout_of(kaoping(d).args(["ingest", "材料", "--community", "WH-001"]));
    close_after_one_byte(d, &["show", "--community", "WH-001"]);
    close_after_one_byte(d, &["show", "--community", "WH-001", "--json"]);
}
