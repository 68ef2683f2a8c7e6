//! The whole process on PostgreSQL and Garage, and `migrate` both ways.

use super::{Setup, bucket_objects, local_objects};
use crate::engines;
use crate::web::util::{Server, sign_in};

#[test]
fn the_demo_runs_on_postgres_and_garage_and_keeps_nothing_on_the_servers_disk() {
    let Some(s) = Setup::demo() else { return };
    let garage = engines::garage().unwrap();
    // Nothing but the server's own configuration, its organs' signing keys
    // (secrets, never sent to the bucket), templates and temp files is on
    // its disk.
    let mut names: Vec<String> = std::fs::read_dir(s.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["kaoping.toml", "keys", "templates", "tmp"],
        "{names:?}"
    );
    let verified = s.on(&["verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
    // The register: every document's number once, in the log and in the
    // numbers table alike.
    let numbers = s.sql("SELECT count(*), count(DISTINCT number) FROM numbers");
    let documents = s.sql(
        "SELECT count(*) FROM log WHERE convert_from(line, 'UTF8')::json->>'kind' = 'document'",
    );
    assert_eq!(numbers, format!("{documents}|{documents}"));
    assert!(documents.parse::<u32>().unwrap() >= 20, "{documents}");
    // A single document on the shared archive reserves its number before
    // it renders, as every batch does: the 考评情况通报 here.
    let count = |kind: &str| -> u32 {
        s.sql(&format!(
            "SELECT count(*) FROM log WHERE convert_from(line, 'UTF8')::json->>'kind' = '{kind}'"
        ))
        .parse()
        .unwrap()
    };
    let reserved = count("number-reservation");
    let issued = s.on(&["naming", "bulletin", "-o", "bulletin"]);
    assert!(issued.contains("考评情况通报"), "{issued}");
    assert_eq!(count("number-reservation"), reserved + 1);
    assert_eq!(count("document"), documents.parse::<u32>().unwrap() + 1);
    // So does the 督办通知 (呈贡区's items are overdue after the demo).
    let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(30)).to_string();
    let args = ["--district", "呈贡区", "--deadline", &deadline, "-o", "sup"];
    let supervised = s.on(&[&["rectify", "supervise"][..], &args].concat());
    assert!(supervised.contains("督办通知"), "{supervised}");
    assert_eq!(count("number-reservation"), reserved + 2);
    assert_eq!(count("document"), documents.parse::<u32>().unwrap() + 2);
    // Every object the archive holds is in the bucket: copied out, the
    // local store has the same names and sizes.
    let out = s.dir.path().join("back");
    s.on(&["migrate", "--to-dir", out.to_str().unwrap()]);
    assert_eq!(local_objects(&out), bucket_objects(garage, &s.bucket));
    // A BagIt export streamed from the bucket is the very bag the local
    // copy exports (exports are reproducible byte for byte).
    for (from, zip) in [("archive", "dist.zip"), ("back", "local.zip")] {
        s.ok(&[
            "--archive",
            from,
            "export",
            "--community",
            "WH-001",
            "-o",
            zip,
        ]);
    }
    let dist = std::fs::read(s.dir.path().join("dist.zip")).unwrap();
    assert!(dist.len() > 1000);
    assert_eq!(dist, std::fs::read(s.dir.path().join("local.zip")).unwrap());
    // The web front end reads the same: the office page and a PDF from
    // the bucket.
    let server = Server::start_with(s.dir.path(), &[], &s.envs());
    let (c, _) = sign_in(&server, ("kaopingban", "demo-office-2019"));
    let page = c.get(server.at("/office")).send().unwrap().text().unwrap();
    assert!(page.contains("翠湖社区"), "{page}");
    let sha = s.sql(
        "SELECT convert_from(line, 'UTF8')::json->'data'->'objects'->0->>'sha256' FROM log
         WHERE convert_from(line, 'UTF8')::json->>'kind' = 'document' ORDER BY seq LIMIT 1",
    );
    let pdf = c
        .get(server.at(&format!("/documents/{sha}")))
        .send()
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().unwrap().starts_with(b"%PDF"));
}

#[test]
fn migrate_copies_a_local_archive_in_and_back_out_unchanged() {
    let Some((pg, garage)) = engines::engines() else {
        return;
    };
    let s = Setup::empty(pg, garage);
    let d = s.dir.path();
    s.ok(&["demo", d.join("local").to_str().unwrap()]);
    let local = d.join("local").join("archive");
    let into = d.join("dist");
    let mut args = vec![
        "--archive",
        local.to_str().unwrap(),
        "migrate",
        "--to-database",
        &s.conninfo,
        "--to-bucket",
        &s.bucket,
        "--endpoint",
        &s.endpoint,
        "--region",
        "garage",
        "--into",
    ];
    args.push(into.to_str().unwrap());
    let said = s.ok(&args);
    assert!(said.contains("核对通过"), "{said}");
    assert_eq!(local_objects(&local), bucket_objects(garage, &s.bucket));
    let verified = s.ok(&["--archive", into.to_str().unwrap(), "verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
    // A local archive is never turned distributed in place (its records
    // would be set aside): init refuses and points at migrate.
    let config = std::fs::read(local.join("kaoping.toml")).unwrap();
    let init = s.cmd(&s.target_args(&["init", local.to_str().unwrap()]));
    assert!(!init.status.success());
    assert!(String::from_utf8_lossy(&init.stderr).contains("kaoping migrate"));
    assert_eq!(std::fs::read(local.join("kaoping.toml")).unwrap(), config);
    // A second copy into the same database is refused: nothing changes.
    let again = s.cmd(
        &[
            &args[..args.len() - 1],
            &[d.join("dist2").to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已有内容"));
    assert!(
        !d.join("dist2").exists(),
        "a refused migration left a folder"
    );
    // And back out: the same log bytes, objects and registers.
    let back = d.join("back");
    s.ok(&[
        "--archive",
        into.to_str().unwrap(),
        "migrate",
        "--to-dir",
        back.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read(local.join("log.jsonl")).unwrap(),
        std::fs::read(back.join("log.jsonl")).unwrap()
    );
    assert_eq!(local_objects(&local), local_objects(&back));
    for f in ["communities.json", "accounts.json"] {
        assert_eq!(
            std::fs::read(local.join(f)).unwrap(),
            std::fs::read(back.join(f)).unwrap(),
            "{f}"
        );
    }
    let verified = s.ok(&["--archive", back.to_str().unwrap(), "verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
}
