//! Issue 25, the process rules that hold on every path: an interrupted
//! issue finishes or uses no number (5), no file the user names is
//! replaced without `--force` and files follow the umask (9), nothing is
//! dated after today in Beijing time (10), people read Beijing time (12),
//! `rectify list --json` (14).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::documents::{community_with_evidence, fill_sheet, import};
use crate::cli::util::{kaoping, stdout_of};

/// A community whose sheet is imported, ready for reports.
fn assessed(d: &Path) {
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    let sheet = fill_sheet(d, "WH-001", |ind, std, _| match (ind, std) {
        ("Ⅱ-10", "3") => ("未达标", "消防通道堆放杂物"),
        _ => ("达标", ""),
    });
    import(d, "WH-001", &sheet);
}

/// The registered 考评报告, in order.
fn reports(d: &Path) -> Vec<Value> {
    let all: Vec<Value> =
        serde_json::from_str(&stdout_of(kaoping(d).args(["register", "--json"]))).unwrap();
    all.into_iter()
        .filter(|e| e["kind"] == "考评报告")
        .collect()
}

fn verify_clean(d: &Path) {
    let out = stdout_of(kaoping(d).arg("verify"));
    assert!(out.contains("校验通过"), "{out}");
}

/// The size of the archive's log, to see it grow.
fn log_size(d: &Path) -> u64 {
    fs::metadata(d.join("archive/log.jsonl")).map_or(0, |m| m.len())
}

/// `kaoping report` into `out`, as a child process.
fn spawn_report(d: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_kaoping"))
        .current_dir(d)
        .env_remove("KAOPING_ARCHIVE")
        .args(["report", "--community", "WH-001", "-o"])
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn interrupt(child: &std::process::Child) {
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
}

/// Ctrl+C at any moment of `kaoping report` (issue 25, item 5): either
/// the PDF is written, its number registered and printed, or no number is
/// used and the next run takes it. Interrupts are sent at moments spread
/// over a run, and the moment the log grows (the number committed).
#[test]
fn an_interrupted_report_finishes_or_uses_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assessed(d);
    let start = Instant::now();
    stdout_of(kaoping(d).args(["report", "--community", "WH-001", "-o", "run0"]));
    let full = start.elapsed();
    let mut outs: Vec<PathBuf> = vec![d.join("run0")];
    let mut written = 1;
    for run in 1..=14u32 {
        let out = d.join(format!("run{run}"));
        let before = log_size(d);
        let child = spawn_report(d, &out);
        if run % 2 == 0 {
            // The moment the number is committed.
            let until = Instant::now() + full * 3;
            while log_size(d) == before && Instant::now() < until {
                std::thread::sleep(Duration::from_micros(200));
            }
        } else {
            std::thread::sleep(full.mul_f64(f64::from(run) / 14.0));
        }
        interrupt(&child);
        let status = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&status.stdout).to_string();
        let pdfs: Vec<PathBuf> = fs::read_dir(&out)
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        let registered = reports(d);
        if registered.len() == written + 1 {
            // Registered: the file is there, whole, and was announced.
            let last = registered.last().unwrap();
            let name = last["file_name"].as_str().unwrap();
            let pdf = out.join(name);
            assert!(
                pdf.exists(),
                "run {run}: {} registered without its file",
                last["number"]
            );
            let check = stdout_of(kaoping(d).arg("verify-doc").arg(&pdf));
            assert!(check.contains(last["number"].as_str().unwrap()), "{check}");
            assert!(
                stdout.contains(last["number"].as_str().unwrap()),
                "run {run}: the number was not printed: {stdout}"
            );
            written += 1;
        } else {
            assert_eq!(registered.len(), written, "run {run}");
            assert!(
                pdfs.iter().all(|p| !p.to_string_lossy().ends_with(".pdf")),
                "run {run}: a PDF without its number: {pdfs:?}"
            );
        }
        outs.push(out);
        // Serials run without a gap: an interrupted run used none.
        let serials: Vec<u64> = reports(d)
            .iter()
            .map(|e| e["serial"].as_u64().unwrap())
            .collect();
        assert_eq!(serials, (1..=serials.len() as u64).collect::<Vec<_>>());
        verify_clean(d);
    }
    // The next run takes the next number in line.
    stdout_of(kaoping(d).args(["report", "--community", "WH-001", "-o", "last"]));
    let serials = reports(d).len();
    assert_eq!(reports(d).last().unwrap()["serial"], serials as u64);
    verify_clean(d);
}

/// An interrupted export leaves either the whole ZIP (and says so) or no
/// file at all.
#[test]
fn an_interrupted_export_leaves_the_whole_file_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    let start = Instant::now();
    stdout_of(kaoping(d).args(["export", "--community", "WH-001", "-o", "full.zip"]));
    let full = start.elapsed();
    let whole = fs::read(d.join("full.zip")).unwrap();
    for run in 0..8u32 {
        let out = d.join(format!("e{run}.zip"));
        let child = Command::new(env!("CARGO_BIN_EXE_kaoping"))
            .current_dir(d)
            .env_remove("KAOPING_ARCHIVE")
            .args(["export", "--community", "WH-001", "-o"])
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(f64::from(run) / 6.0));
        interrupt(&child);
        let res = child.wait_with_output().unwrap();
        let said = String::from_utf8_lossy(&res.stdout);
        if out.exists() {
            assert_eq!(fs::read(&out).unwrap(), whole, "run {run}: a torn export");
            assert!(said.contains("已导出"), "run {run}: not reported: {said}");
        } else {
            assert!(!said.contains("已导出"), "run {run}: {said}");
        }
        let temps = fs::read_dir(d)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".tmp-")
            })
            .count();
        assert_eq!(temps, 0, "run {run}: a temporary file was left");
    }
    verify_clean(d);
}

/// The process's umask, as a new file gets it.
fn umask() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .unwrap_or(0o022)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Every file the user names is kept unless `--force` (issue 25, item
/// 9), with a message naming it and the fix; what is written gets the
/// umask's permissions, not 0600.
#[test]
fn named_output_files_are_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assessed(d);
    let refused = |args: &[&str], file: &str| {
        let out = kaoping(d).args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?} replaced {file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(file) && err.contains("--force"),
            "{args:?}: {err}"
        );
        assert_eq!(fs::read(d.join(file)).unwrap(), b"keep me", "{args:?}");
    };
    let cases: [(&[&str], &str); 6] = [
        (&["export", "--community", "WH-001", "-o", "a.zip"], "a.zip"),
        (
            &["field-form", "--community", "WH-001", "-o", "form.pdf"],
            "form.pdf",
        ),
        (&["community", "list", "-o", "list.csv"], "list.csv"),
        (&["register", "--xlsx", "reg.xlsx"], "reg.xlsx"),
        (
            &[
                "assess",
                "template",
                "--community",
                "WH-001",
                "-o",
                "t.xlsx",
            ],
            "t.xlsx",
        ),
        (&["report", "--community", "WH-001", "-o", "r.pdf"], "r.pdf"),
    ];
    for (args, file) in cases {
        fs::write(d.join(file), b"keep me").unwrap();
        refused(args, file);
        let mut forced = args.to_vec();
        forced.push("--force");
        stdout_of(kaoping(d).args(&forced));
        assert_ne!(fs::read(d.join(file)).unwrap(), b"keep me", "{args:?}");
        #[cfg(unix)]
        assert_eq!(mode(&d.join(file)), 0o666 & !umask(), "{args:?}");
    }
    // The report refused above used no number: the forced one is the first.
    let r = reports(d);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["serial"], 1);
    // `-o` names a file (.pdf) or a folder, for every command.
    stdout_of(kaoping(d).args(["field-form", "--community", "WH-001", "-o", "forms"]));
    assert!(d.join("forms/实地考评表-WH-001.pdf").exists());
    stdout_of(kaoping(d).args(["receipt", "--community", "WH-001", "-o", "回执.pdf"]));
    assert!(d.join("回执.pdf").exists());
    #[cfg(unix)]
    assert_eq!(mode(&d.join("回执.pdf")), 0o666 & !umask());
    verify_clean(d);
}

/// Today in Beijing time, and the day after.
fn beijing_days() -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    (today, today.succ_opt().unwrap())
}

/// Nothing is dated after today in Beijing time (issue 25, item 10): an
/// assessment date, a field record, a document's `--date`; a document's
/// number is in its date's year.
#[test]
fn dates_after_today_are_refused_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    let (today, tomorrow) = beijing_days();
    // A sheet dated tomorrow (the filled sheet is dated 2026-11-20).
    let sheet = fill_sheet(d, "WH-001", |_, _, _| ("达标", ""));
    let text = fs::read_to_string(&sheet).unwrap();
    assert!(text.contains("2026-11-20"));
    fs::write(
        d.join("future.csv"),
        text.replace("2026-11-20", &tomorrow.to_string()),
    )
    .unwrap();
    let out = kaoping(d)
        .args(["assess", "import", "--community", "WH-001"])
        .arg(d.join("future.csv"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "a sheet dated tomorrow was accepted");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("考评日期") && err.contains("今天"), "{err}");
    import(d, "WH-001", &sheet);
    // A document dated tomorrow: refused, no number used.
    let out = kaoping(d)
        .args(["report", "--community", "WH-001", "--date"])
        .arg(tomorrow.to_string())
        .args(["-o", "out"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("成文日期") && err.contains("今天"), "{err}");
    assert!(reports(d).is_empty());
    // With today pinned (KAOPING_TODAY), the day after it is refused too,
    // for a custom document and a receipt.
    let pinned = |args: &[&str]| {
        kaoping(d)
            .env("KAOPING_TODAY", today.to_string())
            .args(args)
            .output()
            .unwrap()
    };
    let t = tomorrow.to_string();
    let receipt = pinned(&[
        "receipt",
        "--community",
        "WH-001",
        "--date",
        &t,
        "-o",
        "out",
    ]);
    assert!(!receipt.status.success());
    let err = String::from_utf8_lossy(&receipt.stderr);
    assert!(err.contains("今天"), "{err}");
    // An on-site record dated tomorrow, by an assigned expert.
    let mut add = kaoping(d);
    add.args(["user", "add", "zj", "--role", "expert", "--password-stdin"])
        .write_stdin("secret-pass-1\n");
    stdout_of(&mut add);
    stdout_of(kaoping(d).args(["expert", "assign", "zj", "--community", "WH-001"]));
    stdout_of(kaoping(d).args([
        "point",
        "add",
        "--community",
        "WH-001",
        "--name",
        "一号小区",
        "--kind",
        "小区",
        "--standards",
        "Ⅱ-1/2",
    ]));
    let field = pinned(&[
        "field",
        "record",
        "--community",
        "WH-001",
        "--as",
        "zj",
        "--point",
        "P1",
        "--verdict",
        "Ⅱ-1/2=达标",
        "--date",
        &t,
    ]);
    let err = String::from_utf8_lossy(&field.stderr);
    assert!(!field.status.success() && err.contains("今天"), "{err}");
    // A document dated today is numbered in this year's sequence.
    let out = stdout_of(kaoping(d).args(["report", "--community", "WH-001", "-o", "out"]));
    let year = chrono::Datelike::year(&today);
    assert!(out.contains(&format!("〔{year}〕")), "{out}");
    verify_clean(d);
}

/// Times people read are Beijing time, labelled (issue 25, item 12);
/// JSON keeps RFC 3339.
#[test]
fn people_read_beijing_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    community_with_evidence(d, "WH-001", "翠湖社区", "五华区", "城市社区", &[]);
    let mut add = kaoping(d);
    add.args([
        "user",
        "add",
        "kaopingban",
        "--role",
        "office",
        "--password-stdin",
    ])
    .write_stdin("office-pass-1\n");
    stdout_of(&mut add);
    let utc_time = regex_like_utc();
    for args in [
        vec!["user", "list"],
        vec!["show", "--community", "WH-001"],
        vec!["history", "--community", "WH-001"],
        vec!["field", "list", "--community", "WH-001"],
    ] {
        let out = stdout_of(kaoping(d).args(&args));
        assert!(!utc_time(&out), "{args:?} shows a UTC time: {out}");
        if args[0] != "field" {
            assert!(out.contains("北京时间"), "{args:?}: {out}");
        }
    }
    let json: Value = serde_json::from_str(&stdout_of(kaoping(d).args([
        "history",
        "--community",
        "WH-001",
        "--json",
    ])))
    .unwrap();
    let t = json[0]["time"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{t}");
}

/// Whether text holds an RFC 3339 UTC time such as 2026-12-01T07:33:55Z.
fn regex_like_utc() -> impl Fn(&str) -> bool {
    |s: &str| {
        s.split(|c: char| c.is_whitespace() || "（）()，".contains(c))
            .any(|w| w.len() >= 20 && w.ends_with('Z') && w.contains('T') && w.starts_with("20"))
    }
}

/// `rectify list --json` (issue 25, item 14): the items with their state
/// on the day and the counts.
#[test]
fn rectify_list_has_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assessed(d);
    stdout_of(kaoping(d).args([
        "notice",
        "--community",
        "WH-001",
        "--deadline",
        "2026-12-31",
        "--date",
        "2026-12-01",
        "-o",
        "out",
    ]));
    let json: Value = serde_json::from_str(&stdout_of(kaoping(d).args([
        "rectify",
        "list",
        "--json",
        "--today",
        "2027-01-05",
    ])))
    .unwrap();
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{json}");
    assert_eq!(items[0]["community"], "WH-001");
    assert_eq!(items[0]["status"], "逾期");
    assert_eq!(items[0]["overdue"], true);
    assert_eq!(items[0]["deadline"], "2026-12-31");
    assert!(items[0]["id"].as_str().unwrap().starts_with("ZG"));
    assert_eq!(json["counts"]["overdue"], 1);
    assert_eq!(json["today"], "2027-01-05");
}

/// The demo tells one story in time (issue 25, item 13): everything it
/// records is recorded in its own days, no document is dated before what
/// it cites, and nothing after the day the story ends.
#[test]
fn the_demo_keeps_one_clock() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout_of(kaoping(d).args(["demo", "d"]));
    let k = |args: &[&str]| stdout_of(kaoping(d).arg("--archive").arg("d/archive").args(args));
    let register: Vec<Value> = serde_json::from_str(&k(&["register", "--json"])).unwrap();
    let day_of = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .unwrap()
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
            .date_naive()
    };
    for e in &register {
        let registered = day_of(e["time"].as_str().unwrap());
        let dated: chrono::NaiveDate = e["date"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            registered, dated,
            "{} registered on another day",
            e["number"]
        );
        assert_eq!(chrono::Datelike::year(&dated), 2019, "{}", e["number"]);
    }
    // The on-site records and photos the report cites are of the story's days.
    let log = crate::field::util::events(&d.join("d/archive"), "field-photo");
    for p in &log {
        let t = p["data"]["received"].as_str().unwrap();
        assert!(t.starts_with("2019-11-"), "a photo received {t}");
    }
    let visits = crate::field::util::events(&d.join("d/archive"), "field-visit");
    assert!(!visits.is_empty());
    for v in &visits {
        assert!(v["time"].as_str().unwrap().starts_with("2019-11-"), "{v}");
    }
    // 第二阶段 is opened after 第一阶段's 命名, still in the story's days.
    let phases = crate::field::util::events(&d.join("d/archive"), "phase-tasks");
    assert_eq!(phases.len(), 1, "{phases:?}");
    assert!(phases[0]["time"].as_str().unwrap().starts_with("2019-12-"));
    assert_eq!(phases[0]["data"]["second"]["naming"]["start"], "2020-09-01");
    let show = k(&["phase", "show"]);
    assert!(show.contains("第二阶段：试点创建 2020年1月—6月"), "{show}");
    let report = d.join("d/output/五华区-翠湖社区-考评报告.pdf");
    if let Some(text) = crate::util::pdf_text(&report) {
        let this_year = chrono::Datelike::year(&chrono::Utc::now()).to_string();
        assert!(text.contains("2019-11-20"), "{text}");
        assert!(
            !text.contains(&format!("{this_year}-")),
            "today cited: {text}"
        );
    }
    assert!(k(&["verify"]).contains("校验通过"));
}

/// The help of every command is Chinese throughout (issue 25, frictions):
/// no `[OPTIONS]`, `[env: …]`, `[default: …]`, no heading ending in an
/// ASCII colon; `community import` names the workbook formats.
#[test]
fn help_has_no_english_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let top = stdout_of(kaoping(d).arg("--help"));
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.chars().nth(2).is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(commands.len() > 20, "{top}");
    let check = |args: &[&str], text: &str| {
        for bad in [
            "[OPTIONS]",
            "[env:",
            "[default:",
            "[possible values",
            "Usage",
        ] {
            assert!(!text.contains(bad), "{args:?} shows {bad}:\n{text}");
        }
        for l in text.lines() {
            assert!(!l.ends_with(':') || l.starts_with(' '), "{args:?}: {l}");
        }
    };
    check(&["--help"], &top);
    for c in &commands {
        let text = stdout_of(kaoping(d).args([c.as_str(), "--help"]));
        check(&[c], &text);
        let subs: Vec<String> = text
            .lines()
            .skip_while(|l| !l.starts_with("命令"))
            .skip(1)
            .take_while(|l| l.starts_with("  "))
            .filter(|l| l.chars().nth(2).is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect();
        for s in subs {
            let text = stdout_of(kaoping(d).args([c.as_str(), s.as_str(), "--help"]));
            check(&[c, &s], &text);
        }
    }
    let import = stdout_of(kaoping(d).args(["community", "import", "--help"]));
    assert!(
        import.contains(".xlsx") && import.contains(".ods"),
        "{import}"
    );
}
