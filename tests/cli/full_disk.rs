//! A full disk: ingesting into an archive on a small tmpfs fails with a
//! clear message, stores nothing and leaves the archive verify-clean with
//! earlier submissions intact. Needs root (to mount); skipped with a
//! printed reason otherwise.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

/// Mounts a tmpfs of `mb` MiB at `dir`; unmounted on drop.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, mb: u32) -> Option<Tmpfs> {
        fs::create_dir_all(dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn folder(d: &Path, archive: &Path, name: &str, id: &str, mb: usize) -> std::path::PathBuf {
    let f = d.join(name);
    stdout_of(
        kaoping(d)
            .arg("--archive")
            .arg(archive)
            .arg("scaffold")
            .arg(&f)
            .args(["--community", id]),
    );
    let ind = fs::read_dir(&f).unwrap().next().unwrap().unwrap().path();
    for i in 0..mb {
        // Incompressible-ish content, 1 MiB per file.
        let block: Vec<u8> = (0..1 << 20)
            .map(|j: u32| (j.wrapping_mul(2_654_435_761).wrapping_add(i as u32) >> 13) as u8)
            .collect();
        fs::write(ind.join(format!("扫描件{i}.pdf")), block).unwrap();
    }
    f
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mnt = d.join("small-disk");
    let Some(_mount) = Tmpfs::mount(&mnt, 72) else {
        eprintln!("skipping: cannot mount a tmpfs here (needs root)");
        return;
    };
    let archive = mnt.join("archive");
    let run = |args: &[&str]| {
        let mut c = kaoping(d);
        c.arg("--archive").arg(&archive).args(args);
        c
    };
    stdout_of(&mut run(&["init"]));
    stdout_of(&mut run(&crate::util::community_add(
        "WH-1",
        "翠湖社区",
        "五华区",
    )));
    let small = folder(d, &archive, "small", "WH-1", 1);
    stdout_of(run(&["ingest"]).arg(&small).args(["--community", "WH-1"]));
    let before = stdout_of(&mut run(&["history", "--community", "WH-1"]));

    let big = folder(d, &archive, "big", "WH-1", 40);
    let err = stderr_of_failure(run(&["ingest"]).arg(&big).args(["--community", "WH-1"]), 1);
    assert!(err.contains("磁盘空间不足"), "{err}");
    assert_eq!(
        stdout_of(&mut run(&["history", "--community", "WH-1"])),
        before
    );
    let verify = stdout_of(&mut run(&["verify"]));
    assert!(verify.contains("校验通过"), "{verify}");
}
