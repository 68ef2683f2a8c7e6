//! `kaoping init` and configuration loading.

use std::fs;

use crate::cli::util::{kaoping, stderr_of_failure, stdout_of};

#[test]
fn init_creates_a_commented_config_and_never_overwrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout_of(kaoping(dir.path()).arg("init"));
    assert!(out.contains("已新建档案库"), "{out}");
    let cfg = dir.path().join("archive/kaoping.toml");
    let text = fs::read_to_string(&cfg).unwrap();
    assert!(text.contains("发文字号前缀") && text.contains("prefix = \"昆社治办\""));
    assert!(dir.path().join("archive/templates").is_dir());
    fs::write(&cfg, text.replace("昆社治办", "盘社治办")).unwrap();
    let out = stdout_of(kaoping(dir.path()).arg("init"));
    assert!(out.contains("保持不变"), "{out}");
    assert!(fs::read_to_string(&cfg).unwrap().contains("盘社治办"));
}

#[test]
fn init_honours_archive_option_env_and_positional() {
    let dir = tempfile::tempdir().unwrap();
    stdout_of(kaoping(dir.path()).args(["--archive", "a1", "init"]));
    stdout_of(kaoping(dir.path()).env("KAOPING_ARCHIVE", "a2").arg("init"));
    stdout_of(kaoping(dir.path()).args(["init", "a3"]));
    for d in ["a1", "a2", "a3"] {
        assert!(dir.path().join(d).join("kaoping.toml").is_file(), "{d}");
    }
}

#[test]
fn init_refuses_a_file_in_the_way() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("archive"), "not a folder").unwrap();
    let err = stderr_of_failure(kaoping(dir.path()).arg("init"), 1);
    assert!(err.contains("不是文件夹"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.path().join("archive")).unwrap(),
        "not a folder"
    );
}
