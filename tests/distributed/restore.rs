//! The restore drill of the README: a distributed archive backed up with
//! `pg_dump` and a copy of its bucket (rclone, an independent S3 client)
//! is restored into a fresh database and bucket, and a new server root
//! attached to them by `kaoping init` verifies clean and reads the same
//! register and submissions.

use super::Setup;
use crate::engines::{self, REMOTE};

#[test]
fn a_distributed_archive_restores_from_pg_dump_and_a_bucket_copy() {
    let Some(s) = Setup::demo() else { return };
    let (pg, garage) = engines::engines().unwrap();
    let d = s.dir.path();
    // Back up: the database as SQL, the bucket copied object by object.
    let dump = d.join("kaoping.sql");
    pg.dump(engines::dbname(&s.conninfo), &dump);
    let conninfo = pg.create_database();
    let restored = pg
        .psql_command(engines::dbname(&conninfo))
        .arg("-f")
        .arg(&dump)
        .output()
        .unwrap();
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let bucket = garage.create_bucket();
    let copied = garage.rclone(&[
        "copy",
        &format!("{REMOTE}:{}", s.bucket),
        &format!("{REMOTE}:{bucket}"),
    ]);
    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    // A new server root on the restored pair, with the organs' keys copied
    // from the old server (they never go to the database or bucket).
    s.ok(&[
        "init",
        "restored",
        "--database",
        &conninfo,
        "--bucket",
        &bucket,
        "--endpoint",
        &s.endpoint,
        "--region",
        "garage",
    ]);
    crate::records::copy_dir(&s.root().join("keys"), &d.join("restored/keys"));
    let verified = s.ok(&["--archive", "restored", "verify"]);
    assert!(verified.contains("校验通过"), "{verified}");
    for args in [["register", "--json"], ["history", "--community"]] {
        let mut a = args.to_vec();
        if a[0] == "history" {
            a.push("WH-001");
        }
        let before = s.on(&a);
        let mut on_restored = vec!["--archive", "restored"];
        on_restored.extend(&a);
        assert_eq!(s.ok(&on_restored), before, "{a:?}");
    }
    // The restored archive goes on: a new submission is accepted there.
    let folder = d.join("补充材料/Ⅱ-01 党组织领导核心作用/标准1");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("补充说明.txt"), "恢复后补交的材料").unwrap();
    let out = s.ok(&[
        "--archive",
        "restored",
        "ingest",
        "补充材料",
        "--community",
        "WH-001",
    ]);
    assert!(out.contains("第 2 版"), "{out}");
}
