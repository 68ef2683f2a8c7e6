//! The database's index of the log (table `log_keys`): written with each
//! line, filled in for lines written before it by the schema upgrade, and
//! checked against the lines by `verify`.

use super::Setup;

#[test]
fn the_log_index_in_the_database_is_upgraded_into_and_checked_by_verify() {
    let Some(s) = Setup::demo() else { return };
    let count = |sql: &str| s.sql(sql).parse::<u64>().unwrap();
    let lines = count("SELECT count(*) FROM log");
    let kinds = "SELECT count(*) FROM log_keys WHERE key LIKE 'k:%'";
    assert_eq!(count(kinds), lines, "every line is indexed by its kind");
    let wh = count("SELECT count(*) FROM log_keys WHERE key = 'c:WH-001'");
    assert!(wh >= 8, "the demo's community WH-001 has lines: {wh}");
    // A database of the first schema (no index): commands ask for the
    // upgrade, `init --database` fills the index from the lines, and
    // the community is read as before.
    let before = s.on(&["assess", "show", "--community", "WH-001"]);
    s.sql("DROP TABLE log_keys; DELETE FROM kaoping_migrations WHERE version = 2");
    let old = s.cmd(&[
        "--archive",
        "archive",
        "assess",
        "show",
        "--community",
        "WH-001",
    ]);
    let said = String::from_utf8_lossy(&old.stderr);
    assert!(
        !old.status.success() && said.contains("init --database"),
        "{said}"
    );
    let upgraded = s.ok(&s.target_args(&["init", "archive"]));
    assert!(upgraded.contains("第 2 版"), "{upgraded}");
    assert_eq!(count(kinds), lines);
    assert_eq!(
        count("SELECT count(*) FROM log_keys WHERE key = 'c:WH-001'"),
        wh
    );
    assert_eq!(s.on(&["assess", "show", "--community", "WH-001"]), before);
    assert!(s.on(&["verify"]).contains("校验通过"));
    // A key no line has: `verify` names the table and the line.
    let seq = s.sql("SELECT min(seq) FROM log_keys WHERE key = 'k:account'");
    s.sql(&format!("INSERT INTO log_keys VALUES ('c:WH-001', {seq})"));
    let out = s.cmd(&["--archive", "archive", "verify"]);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("log_keys") && text.contains(&format!("第 {seq} 行")),
        "{text}"
    );
}
