//! Ingesting ZIP files: GBK names, unsafe entries, zip bombs.

use std::fs;
use std::io::Write;

use zip::write::SimpleFileOptions;

use super::util::{Env, zip_raw};

#[test]
fn gbk_names_without_the_utf8_flag_are_decoded() {
    let env = Env::new();
    env.community("A1");
    let (gbk_name, _, _) =
        encoding_rs::GBK.encode("社区材料/Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt");
    let (gbk_name2, _, _) = encoding_rs::GBK.encode("社区材料/Ⅱ-14/标准3/工作机制.txt");
    zip_raw(
        &env.path("gbk.zip"),
        &[
            (&gbk_name, b"minutes"),
            (&gbk_name2, b"mechanism"),
            ("社区材料/Thumbs.db".as_bytes(), b"junk"),
        ],
    );
    env.ok(&["ingest", "gbk.zip", "--community", "A1"]);
    let files: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "--community", "A1", "--json"])).unwrap();
    let paths: Vec<&str> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // The wrapping folder 社区材料/ is taken off.
    assert_eq!(
        paths,
        [
            "Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt",
            "Ⅱ-14/标准3/工作机制.txt"
        ]
    );
    assert_eq!(
        files[1]["placed"],
        "Ⅱ-14 社区领导机制和工作机制/标准3/工作机制.txt"
    );
}

#[test]
fn unsafe_entries_reject_the_whole_zip() {
    let env = Env::new();
    env.community("A1");
    let before = env.snapshot();
    for (name, why) in [
        (&b"../../outside.txt"[..], ".."),
        ("Ⅱ-1/标准1/../../../x.txt".as_bytes(), ".."),
        (&b"/etc/cron.d/evil"[..], "绝对路径"),
    ] {
        zip_raw(
            &env.path("slip.zip"),
            &[("Ⅱ-1/标准1/ok.txt".as_bytes(), b"ok"), (name, b"evil")],
        );
        let err = env.fails(&["ingest", "slip.zip", "--community", "A1"]);
        assert!(err.contains("不安全") && err.contains(why), "{err}");
        assert!(!env.path("outside.txt").exists());
    }
    // A symbolic-link entry.
    let mut z = zip::ZipWriter::new(fs::File::create(env.path("link.zip")).unwrap());
    z.start_file("Ⅱ-1/标准1/ok.txt", SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"ok").unwrap();
    z.add_symlink(
        "Ⅱ-1/标准1/passwd",
        "/etc/passwd",
        SimpleFileOptions::default(),
    )
    .unwrap();
    z.finish().unwrap();
    let err = env.fails(&["ingest", "link.zip", "--community", "A1"]);
    assert!(err.contains("符号链接") && err.contains("passwd"), "{err}");
    assert_eq!(env.snapshot(), before);
}

#[test]
fn a_zip_bomb_is_rejected_before_extraction() {
    let env = Env::new();
    env.community("A1");
    let before = env.snapshot();
    let mut z = zip::ZipWriter::new(fs::File::create(env.path("bomb.zip")).unwrap());
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    z.start_file("Ⅱ-1/标准1/zeros.bin", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..512 {
        z.write_all(&chunk).unwrap();
    }
    z.finish().unwrap();
    assert!(fs::metadata(env.path("bomb.zip")).unwrap().len() < 2 << 20);
    let err = env.fails(&["ingest", "bomb.zip", "--community", "A1"]);
    assert!(err.contains("压缩炸弹"), "{err}");
    assert_eq!(env.snapshot(), before);
    assert!(
        !env.archive().join("tmp").exists()
            || fs::read_dir(env.archive().join("tmp")).unwrap().count() == 0
    );
}
