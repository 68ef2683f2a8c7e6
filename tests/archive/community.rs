//! `kaoping community add|import|list`.

use super::util::write;
use crate::util::TestArchive;

#[test]
fn add_then_list_shows_the_normalised_community() {
    let env = TestArchive::new();
    env.ok(&[
        "community",
        "add",
        "--id",
        "WH-001",
        "--name",
        "翠湖社区",
        "--district",
        "五华区",
        "--type",
        "村改居社区",
        "--batch",
        "第1阶段",
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["community", "list", "--json"])).unwrap();
    assert_eq!(json[0]["id"], "WH-001");
    assert_eq!(json[0]["type"], "“村改居”社区");
    assert_eq!(json[0]["batch"], "第一阶段");
    assert!(env.ok(&["community", "list"]).contains("翠湖社区"));
    // Same id, other data: refused.
    let err = env.fails(&crate::util::community_add("WH-001", "别的社区", "五华区"));
    assert!(err.contains("WH-001") && err.contains("翠湖社区"), "{err}");
    // Unknown district names the valid ones.
    let err = env.fails(&crate::util::community_add("X1", "x", "五华"));
    assert!(err.contains("五华区"), "{err}");
}

#[test]
fn imports_utf8_bom_gbk_and_english_headers() {
    let env = TestArchive::new();
    let bom = "\u{FEFF}编号,名称,所属区县,类型,批次\nA1,甲社区,盘龙区,城市社区,第一阶段\n";
    write(&env.path("bom.csv"), bom.as_bytes());
    let (gbk, _, _) = encoding_rs::GBK
        .encode("编号,名称,所属区县,类型,批次\r\nB1,乙社区,官渡区,“村改居”社区,第一阶段\r\n");
    write(&env.path("gbk.csv"), &gbk);
    write(
        &env.path("en.csv"),
        "id,name,district,type,batch\nC1,丙社区,呈贡区,城市社区,第二阶段\n".as_bytes(),
    );
    for f in ["bom.csv", "gbk.csv", "en.csv"] {
        env.ok(&["community", "import", f]);
    }
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["community", "list", "--json"])).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["甲社区", "乙社区", "丙社区"]);
    assert_eq!(json[1]["district"], "官渡区");
}

#[test]
fn a_bad_row_imports_nothing_and_names_its_line() {
    let env = TestArchive::new();
    let csv = "编号,名称,所属区县,类型,批次\n\
               A1,甲社区,盘龙区,城市社区,第一阶段\n\
               A2,乙社区,火星区,城市社区,第一阶段\n\
               A3,丙社区,盘龙区,乡村,第一阶段\n\
               A1,丁社区,盘龙区,城市社区,第一阶段\n";
    write(&env.path("bad.csv"), csv.as_bytes());
    let err = env.fails(&["community", "import", "bad.csv"]);
    assert!(err.contains("第 3 行") && err.contains("火星区"), "{err}");
    assert!(err.contains("第 4 行") && err.contains("乡村"), "{err}");
    assert!(err.contains("第 5 行") && err.contains("重复"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["community", "list", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 0);
}
