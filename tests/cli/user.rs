//! `kaoping user`: opening, listing, changing and removing web accounts,
//! and the mistakes an office worker can make doing it.

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

fn archive_with_community(dir: &std::path::Path) {
    stdout_of(kaoping(dir).arg("init"));
    stdout_of(kaoping(dir).args(crate::util::community_add("WH-001", "翠湖社区", "五华区")));
}

#[test]
fn accounts_are_added_listed_changed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with_community(d);
    let out = stdout_of(
        kaoping(d)
            .args([
                "user",
                "add",
                "翠湖社区",
                "--role",
                "community",
                "--community",
                "WH-001",
            ])
            .arg("--password-stdin")
            .write_stdin("cuihu-pass-1\n"),
    );
    assert!(out.contains("只能查看和提交社区 WH-001"), "{out}");
    stdout_of(
        kaoping(d)
            .args([
                "user",
                "add",
                "张科长",
                "--role",
                "考评办",
                "--password-stdin",
            ])
            .write_stdin("office-pass-1\n"),
    );
    let list = stdout_of(kaoping(d).args(["user", "list"]));
    assert!(
        list.contains("翠湖社区") && list.contains("WH-001"),
        "{list}"
    );
    assert!(
        list.contains("张科长") && list.contains("全部社区"),
        "{list}"
    );
    // Only a hash is kept.
    let stored = std::fs::read_to_string(d.join("archive/accounts.json")).unwrap();
    assert!(stored.contains("$argon2id$") && !stored.contains("cuihu-pass-1"));
    stdout_of(
        kaoping(d)
            .args(["user", "passwd", "翠湖社区", "--password-stdin"])
            .write_stdin("new-password-2\n"),
    );
    assert_ne!(
        std::fs::read_to_string(d.join("archive/accounts.json")).unwrap(),
        stored
    );
    stdout_of(kaoping(d).args(["user", "remove", "张科长"]));
    let list = stdout_of(kaoping(d).args(["user", "list"]));
    assert!(!list.contains("张科长"), "{list}");
    // Each change is in the log, without the password.
    let log = std::fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    assert_eq!(log.matches("\"kind\":\"account\"").count(), 4);
    for secret in ["$argon2", "cuihu-pass-1", "office-pass-1", "new-password-2"] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
    let verify = stdout_of(kaoping(d).arg("verify"));
    assert!(verify.contains("校验通过"), "{verify}");
}

#[test]
fn account_mistakes_are_explained_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with_community(d);
    let add = |args: &[&str], pw: &str| {
        let mut cmd = kaoping(d);
        cmd.args(["user", "add"]).args(args).arg("--password-stdin");
        cmd.write_stdin(format!("{pw}\n"));
        stderr_of_failure(&mut cmd, 1)
    };
    let err = add(&["a", "--role", "community"], "long-enough-1");
    assert!(err.contains("--community"), "{err}");
    let err = add(
        &["a", "--role", "office", "--community", "WH-001"],
        "long-enough-1",
    );
    assert!(err.contains("不要加 --community"), "{err}");
    let err = add(
        &["a", "--role", "community", "--community", "XX-9"],
        "long-enough-1",
    );
    assert!(err.contains("XX-9"), "{err}");
    let err = add(&["a b", "--role", "office"], "long-enough-1");
    assert!(err.contains("不可用"), "{err}");
    let err = add(&["a", "--role", "office"], "short");
    assert!(err.contains("至少 8 个字符"), "{err}");
    let mut cmd = kaoping(d);
    cmd.args(["user", "add", "a", "--role", "admin", "--password-stdin"]);
    let err = stderr_of_failure(&mut cmd, 2);
    assert!(err.contains("community") && err.contains("office"), "{err}");
    // Without a terminal and without --password-stdin there is no way to
    // type a password: say so.
    let mut cmd = kaoping(d);
    cmd.args(["user", "add", "a", "--role", "office"])
        .write_stdin("");
    let err = stderr_of_failure(&mut cmd, 1);
    assert!(err.contains("--password-stdin"), "{err}");
    assert!(!d.join("archive/accounts.json").exists());
    // A taken name.
    let mut ok = kaoping(d);
    ok.args(["user", "add", "a", "--role", "office", "--password-stdin"])
        .write_stdin("long-enough-1\n");
    stdout_of(&mut ok);
    let err = add(&["a", "--role", "office"], "long-enough-2");
    assert!(err.contains("已存在"), "{err}");
    let mut cmd = kaoping(d);
    cmd.args(["user", "remove", "nobody"]);
    let err = stderr_of_failure(&mut cmd, 1);
    assert!(err.contains("没有名为 nobody 的账号"), "{err}");
}

#[test]
fn district_and_expert_accounts_and_assignments() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    archive_with_community(d);
    stdout_of(kaoping(d).args(crate::util::community_add("PL-001", "拓东社区", "盘龙区")));
    let add = |args: &[&str]| {
        let mut cmd = kaoping(d);
        cmd.args(["user", "add"]).args(args).arg("--password-stdin");
        cmd.write_stdin("long-enough-1\n");
        cmd
    };
    // An alias is accepted and stored as Attachment 1 prints it.
    let out = stdout_of(&mut add(&[
        "wuhua",
        "--role",
        "district",
        "--district",
        "昆明市五华区",
    ]));
    assert!(
        out.contains("县（市）区账号 wuhua") && out.contains("五华区"),
        "{out}"
    );
    let err = stderr_of_failure(
        &mut add(&["x", "--role", "district", "--district", "火星区"]),
        1,
    );
    assert!(err.contains("火星区"), "{err}");
    let err = stderr_of_failure(&mut add(&["x", "--role", "district"]), 1);
    assert!(err.contains("--district"), "{err}");
    let err = stderr_of_failure(
        &mut add(&["x", "--role", "expert", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("kaoping expert assign"), "{err}");
    stdout_of(&mut add(&["zhang", "--role", "expert"]));
    let stored = std::fs::read_to_string(d.join("archive/accounts.json")).unwrap();
    assert!(
        stored.contains("\"role\": \"district\"") && stored.contains("\"district\": \"五华区\"")
    );

    let out = stdout_of(kaoping(d).args([
        "expert",
        "assign",
        "zhang",
        "--community",
        "WH-001",
        "PL-001",
    ]));
    assert!(out.contains("WH-001、PL-001"), "{out}");
    let out = stdout_of(kaoping(d).args(["expert", "assign", "zhang", "--community", "WH-001"]));
    assert!(out.contains("没有改动"), "{out}");
    // Bad values are named; nothing changes.
    let before = std::fs::read_to_string(d.join("archive/accounts.json")).unwrap();
    let err = stderr_of_failure(
        kaoping(d).args(["expert", "assign", "zhang", "--community", "XX-9"]),
        1,
    );
    assert!(err.contains("XX-9"), "{err}");
    let err = stderr_of_failure(
        kaoping(d).args(["expert", "assign", "wuhua", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("wuhua") && err.contains("专家账号"), "{err}");
    let err = stderr_of_failure(
        kaoping(d).args(["expert", "assign", "nobody", "--community", "WH-001"]),
        1,
    );
    assert!(err.contains("nobody"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("archive/accounts.json")).unwrap(),
        before
    );
    stdout_of(kaoping(d).args(["expert", "unassign", "zhang", "--community", "PL-001"]));
    let err = stderr_of_failure(
        kaoping(d).args(["expert", "unassign", "zhang", "--community", "PL-001"]),
        1,
    );
    assert!(err.contains("PL-001") && err.contains("没有分配"), "{err}");
    let list = stdout_of(kaoping(d).args(["expert", "list"]));
    assert!(
        list.contains("zhang") && list.contains("WH-001") && !list.contains("PL-001"),
        "{list}"
    );
    let list = stdout_of(kaoping(d).args(["user", "list"]));
    assert!(
        list.contains("wuhua") && list.contains("五华区") && list.contains("专家"),
        "{list}"
    );
    let log = std::fs::read_to_string(d.join("archive/log.jsonl")).unwrap();
    assert!(
        log.contains("\"action\":\"assign\"") && log.contains("\"action\":\"unassign\""),
        "{log}"
    );
    let verify = stdout_of(kaoping(d).arg("verify"));
    assert!(verify.contains("校验通过"), "{verify}");
}
