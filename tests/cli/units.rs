//! The 责任单位 register through the real binary: a list with a bad cell is
//! refused naming the cell and nothing is kept; a good one replaces the
//! register, the log records its count and hash but no phone number, a
//! 督查情况通报 is addressed to the covered districts' units, and the
//! register goes out as a workbook for the office.

use std::fs;

use crate::cli::util::{kaoping, pdf_text, stderr_of_failure, stdout_of};

const HEADER: &str = "单位名称,类型,所属区县,分管负责人,分管负责人职务,分管负责人办公电话,分管负责人手机,联络员,联络员职务,联络员办公电话,联络员手机\n";
const WUHUA: &str = "五华区社区治理办,县（市）区,五华区,张三,副区长,0871-63101234,13800000001,李四,科长,,13912345678\n";
const CITY: &str = "市民政局,市级部门,,王五,副局长,0871-63100000,,赵六,科员,0871-63100001,\n";

#[test]
fn the_unit_register_is_checked_kept_private_and_addresses_documents() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).arg("init"));
    let bad = d.join("bad.csv");
    fs::write(
        &bad,
        format!("{HEADER}{WUHUA}市民政局,市级部门,,王五,副局长,,,赵六,科员,,1391234\n"),
    )
    .unwrap();
    let err = stderr_of_failure(kaoping(d).args(["unit", "import"]).arg(&bad), 1);
    assert!(
        err.contains("第 3 行") && err.contains("联络员手机") && err.contains("11 位"),
        "{err}"
    );
    assert!(!d.join("archive/units.json").exists());

    let good = d.join("名册.csv");
    fs::write(&good, format!("{HEADER}{WUHUA}{CITY}")).unwrap();
    let out = stdout_of(kaoping(d).args(["unit", "import"]).arg(&good));
    assert!(out.contains("2 个单位"), "{out}");
    let list = stdout_of(kaoping(d).args(["unit", "list"]));
    assert!(
        list.contains("13912345678") && list.contains("市民政局"),
        "{list}"
    );
    let log = fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    assert!(
        log.contains("\"kind\":\"units\"") && !log.contains("13912345678"),
        "{log}"
    );

    // The register as a workbook, not over an existing file.
    let xlsx = d.join("导出.xlsx");
    stdout_of(kaoping(d).args(["unit", "export", "-o"]).arg(&xlsx));
    assert!(fs::metadata(&xlsx).unwrap().len() > 1000);
    let err = stderr_of_failure(kaoping(d).args(["unit", "export", "-o"]).arg(&xlsx), 1);
    assert!(err.contains("已经存在"), "{err}");

    // A 督查 of 五华区: its 通报 goes to the district's unit.
    stdout_of(kaoping(d).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
    let mut add = kaoping(d);
    add.args(["user", "add", "dcy", "--role", "office", "--password-stdin"])
        .write_stdin("secret-pass-1\n");
    stdout_of(&mut add);
    stdout_of(kaoping(d).args([
        "inspection",
        "add",
        "--kind",
        "专项督查",
        "--theme",
        "设施",
        "--date",
        "2026-03-15",
        "--by",
        "dcy",
        "--community",
        "WH-001",
    ]));
    let docs = d.join("公文");
    stdout_of(
        kaoping(d)
            .args(["inspection", "report", "--date", "2026-03-20", "-o"])
            .arg(&docs),
    );
    if let Some(text) = pdf_text(&docs.join("督查情况通报.pdf")) {
        assert!(text.contains("五华区社区治理办："), "{text}");
    }
}
