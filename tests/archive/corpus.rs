//! The bad-input corpus (issue 6): every kind of hostile or odd input the
//! archive must survive, in one table. Each case builds its folder or ZIP
//! (ZIPs crafted byte by byte where the `zip` crate would refuse to write
//! them), runs the real `kaoping ingest` against one shared archive that
//! already holds a good submission, and checks the exact outcome: a clear
//! error naming the offending entry with nothing written, or the exact
//! handling. After every case `kaoping verify` must pass and the earlier
//! submission must be unchanged.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;

use super::util::{evidence, sha256, write, zip_raw};
use crate::util::TestArchive;

/// SHA-256 of no bytes at all.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The classic CSV-injection payload.
const FORMULA: &str = "=cmd|' /C calc'!A0";

/// What a case must lead to.
enum Expect {
    /// Refused: the message contains every string; nothing is written.
    Refused(Vec<String>),
    /// Accepted as a new version; the check gets the ingest's stdout and
    /// the new version's `show --json` rows.
    Stored(fn(&TestArchive, &str, &[serde_json::Value])),
}

struct Case {
    name: &'static str,
    /// Builds the input under the env's folder; returns its path relative
    /// to the env (what is passed to `kaoping ingest`).
    build: fn(&TestArchive) -> String,
    expect: Expect,
}

fn refused(parts: &[&str]) -> Expect {
    Expect::Refused(parts.iter().map(|s| s.to_string()).collect())
}

/// CRC-32 (IEEE) for the handmade ZIPs.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A ZIP written by hand: stored entries with the given raw names and no
/// UTF-8 flag, plus extra central-directory records `(name, i)` that point
/// at the data of entry `i` (overlapping entries).
fn handmade_zip(entries: &[(&[u8], &[u8])], overlapping: &[(&[u8], usize)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for (name, data) in entries {
        offsets.push(out.len() as u32);
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags: no UTF-8 bit
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&0u16.to_le_bytes()); // time
        out.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
        out.extend_from_slice(&crc32(data).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(data);
    }
    let cd_start = out.len() as u32;
    let records: Vec<(&[u8], usize)> = entries
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .chain(overlapping.iter().copied())
        .collect();
    for (name, i) in &records {
        let data = entries[*i].1;
        out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // made by: MS-DOS
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0x21u16.to_le_bytes());
        out.extend_from_slice(&crc32(data).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0; 4]); // extra, comment lengths
        out.extend_from_slice(&[0; 4]); // disk, internal attributes
        out.extend_from_slice(&[0; 4]); // external attributes
        out.extend_from_slice(&offsets[*i].to_le_bytes());
        out.extend_from_slice(name);
    }
    let cd_size = out.len() as u32 - cd_start;
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(records.len() as u16).to_le_bytes());
    out.extend_from_slice(&(records.len() as u16).to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A good entry so that a refusal is about the bad one only.
const GOOD: (&[u8], &[u8]) = ("Ⅱ-1/标准1/正常.txt".as_bytes(), b"fine");

fn zip_with(env: &TestArchive, file: &str, bad: &[u8]) -> String {
    zip_raw(&env.path(file), &[GOOD, (bad, b"evil")]);
    file.to_string()
}

fn folder(env: &TestArchive, name: &str) -> PathBuf {
    let dir = env.path(name);
    write(&dir.join("Ⅱ-1/标准1/正常.txt"), b"fine");
    dir
}

fn paths(rows: &[serde_json::Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["path"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn row<'a>(rows: &'a [serde_json::Value], path: &str) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["path"] == path)
        .unwrap_or_else(|| panic!("{path} not stored: {:?}", paths(rows)))
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "zip-slip with ../",
            build: |env| zip_with(env, "slip1.zip", b"../../outside.txt"),
            expect: refused(&["不安全", "../../outside.txt", "“..”"]),
        },
        Case {
            name: "zip-slip with .. inside the path",
            build: |env| zip_with(env, "slip2.zip", "Ⅱ-1/标准1/../../../x.txt".as_bytes()),
            expect: refused(&["Ⅱ-1/标准1/../../../x.txt", "“..”"]),
        },
        Case {
            name: "absolute path",
            build: |env| zip_with(env, "abs.zip", b"/etc/cron.d/evil"),
            expect: refused(&["/etc/cron.d/evil", "绝对路径"]),
        },
        Case {
            name: "drive letter",
            build: |env| zip_with(env, "drive.zip", b"C:\\Windows\\System32\\evil.dll"),
            expect: refused(&["C:\\Windows\\System32\\evil.dll", "绝对路径"]),
        },
        Case {
            name: "backslash traversal",
            build: |env| zip_with(env, "bslash.zip", b"..\\..\\evil.txt"),
            expect: refused(&["..\\..\\evil.txt", "“..”"]),
        },
        Case {
            name: "backslash absolute path",
            build: |env| zip_with(env, "bsabs.zip", b"\\evil.txt"),
            expect: refused(&["\\evil.txt", "绝对路径"]),
        },
        Case {
            name: "backslashes as folder separators (Windows tools)",
            build: |env| {
                zip_raw(
                    &env.path("bsep.zip"),
                    &[("Ⅱ-2\\标准1\\反斜杠.txt".as_bytes(), b"backslash")],
                );
                "bsep.zip".into()
            },
            expect: Expect::Stored(|_, _, rows| {
                assert_eq!(paths(rows), ["Ⅱ-2/标准1/反斜杠.txt"]);
                assert_eq!(rows[0]["placed"], "Ⅱ-02 基层政府主导作用/标准1/反斜杠.txt");
            }),
        },
        Case {
            name: "symbolic-link entry",
            build: |env| {
                let mut z = zip::ZipWriter::new(fs::File::create(env.path("link.zip")).unwrap());
                z.start_file("Ⅱ-1/标准1/正常.txt", SimpleFileOptions::default())
                    .unwrap();
                z.write_all(b"fine").unwrap();
                z.add_symlink(
                    "Ⅱ-1/标准1/密码",
                    "/etc/shadow",
                    SimpleFileOptions::default(),
                )
                .unwrap();
                z.finish().unwrap();
                "link.zip".into()
            },
            expect: refused(&["Ⅱ-1/标准1/密码", "符号链接"]),
        },
        Case {
            name: "zip bomb: high expansion ratio",
            build: |env| {
                let mut z = zip::ZipWriter::new(fs::File::create(env.path("ratio.zip")).unwrap());
                let opts = SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .compression_level(Some(9));
                z.start_file("Ⅱ-1/标准1/zeros.bin", opts).unwrap();
                let chunk = vec![0u8; 1 << 20];
                for _ in 0..64 {
                    z.write_all(&chunk).unwrap();
                }
                z.finish().unwrap();
                assert!(fs::metadata(env.path("ratio.zip")).unwrap().len() < 200_000);
                "ratio.zip".into()
            },
            expect: refused(&["压缩炸弹", "Ⅱ-1/标准1/zeros.bin", "67108864 字节"]),
        },
        Case {
            name: "zip bomb: overlapping entries",
            build: |env| {
                let data = vec![b'x'; 4096];
                let zip = handmade_zip(
                    &[(b"II-1/1/a.txt", &data)],
                    &[(b"II-1/1/b.txt", 0), (b"II-1/1/c.txt", 0)],
                );
                fs::write(env.path("overlap.zip"), zip).unwrap();
                "overlap.zip".into()
            },
            expect: refused(&[
                "压缩炸弹",
                "共用",
                "II-1/1/a.txt",
                "II-1/1/b.txt",
                "II-1/1/c.txt",
            ]),
        },
        Case {
            name: "entry longer than it declares",
            build: |env| {
                let mut z = zip::ZipWriter::new(fs::File::create(env.path("liar.zip")).unwrap());
                let opts = SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated);
                z.start_file("Ⅱ-1/标准1/liar.bin", opts).unwrap();
                z.write_all(&vec![0u8; 300_000]).unwrap();
                z.finish().unwrap();
                let mut bytes = fs::read(env.path("liar.zip")).unwrap();
                // Declare 100 bytes in the local and the central header.
                let declared = 100u32.to_le_bytes();
                for (sig, at) in [(0x0403_4b50u32, 22), (0x0201_4b50, 24)] {
                    let pos = bytes
                        .windows(4)
                        .position(|w| w == sig.to_le_bytes())
                        .unwrap();
                    bytes[pos + at..pos + at + 4].copy_from_slice(&declared);
                }
                fs::write(env.path("liar.zip"), bytes).unwrap();
                "liar.zip".into()
            },
            expect: refused(&["Ⅱ-1/标准1/liar.bin", "比声明的大小更长", "没有保存任何文件"]),
        },
        Case {
            name: "two entries with the same name",
            build: |env| {
                let zip = handmade_zip(
                    &[
                        (b"II-1/1/same.txt", b"first"),
                        (b"II-1/1/same.txt", b"second"),
                    ],
                    &[],
                );
                fs::write(env.path("dup.zip"), zip).unwrap();
                "dup.zip".into()
            },
            expect: refused(&["同名", "II-1/1/same.txt"]),
        },
        Case {
            name: "two names for one path (/ and \\)",
            build: |env| {
                zip_raw(
                    &env.path("dup2.zip"),
                    &[
                        (b"II-1/1/same.txt", b"first"),
                        (b"II-1\\1\\same.txt", b"second"),
                    ],
                );
                "dup2.zip".into()
            },
            expect: refused(&["同名", "II-1/1/same.txt"]),
        },
        Case {
            name: "GBK names without the UTF-8 flag",
            build: |env| {
                let (a, _, _) = encoding_rs::GBK.encode("社区材料/Ⅱ-14/标准3/工作机制（堃）.txt");
                let (b, _, _) = encoding_rs::GBK.encode("社区材料/Ⅱ-1/标准1/会议记录.txt");
                fs::write(
                    env.path("gbk.zip"),
                    handmade_zip(&[(&a, b"m"), (&b, b"r")], &[]),
                )
                .unwrap();
                "gbk.zip".into()
            },
            expect: Expect::Stored(|_, _, rows| {
                assert_eq!(
                    paths(rows),
                    ["Ⅱ-1/标准1/会议记录.txt", "Ⅱ-14/标准3/工作机制（堃）.txt"]
                );
            }),
        },
        Case {
            name: "CP437 names without the UTF-8 flag",
            build: |env| {
                fs::write(
                    env.path("cp437.zip"),
                    handmade_zip(
                        &[
                            (b"II-1/1/M\x81ller Caf\x82.txt", b"western"),
                            (b"II-1/1/Stra\xE1e \x9C5.txt", b"sharp s"),
                        ],
                        &[],
                    ),
                )
                .unwrap();
                "cp437.zip".into()
            },
            expect: Expect::Stored(|_, _, rows| {
                assert_eq!(
                    paths(rows),
                    ["II-1/1/Müller Café.txt", "II-1/1/Straße £5.txt"]
                );
                assert!(rows.iter().all(|r| r["path_bytes"].is_null()));
            }),
        },
        Case {
            name: "CP437 name that is also valid GBK",
            build: |env| {
                fs::write(
                    env.path("cp437b.zip"),
                    handmade_zip(&[(b"II-1/1/M\x81ller.txt", b"only u-umlaut")], &[]),
                )
                .unwrap();
                "cp437b.zip".into()
            },
            expect: Expect::Stored(|_, _, rows| {
                assert_eq!(paths(rows), ["II-1/1/Müller.txt"]);
            }),
        },
        Case {
            name: "non-UTF-8 folder name",
            build: |env| {
                let dir = folder(env, "nonutf8");
                let odd = dir.join("Ⅱ-1/标准1").join(os(b"\xBB\xE1\xD2\xE9"));
                write(&odd.join("x.txt"), b"odd folder");
                "nonutf8".into()
            },
            expect: Expect::Stored(|env, _, rows| {
                let r = row(rows, "Ⅱ-1/标准1/\\xBB\\xE1\\xD2\\xE9/x.txt");
                let raw: Vec<u8> = "Ⅱ-1/标准1/"
                    .bytes()
                    .chain(*b"\xBB\xE1\xD2\xE9/x.txt")
                    .collect();
                assert_eq!(r["path_bytes"], hex::encode(raw));
                assert_eq!(cat(env, r["sha256"].as_str().unwrap()), b"odd folder");
            }),
        },
        Case {
            name: "non-UTF-8 indicator folder cannot be placed",
            build: |env| {
                let dir = folder(env, "nonutf8b");
                write(&dir.join(os(b"\xB2\xC4\xC1\xCF")).join("x.txt"), b"?");
                "nonutf8b".into()
            },
            expect: refused(&["\\xB2\\xC4\\xC1\\xCF/x.txt", "无法归类", "不是考评指标"]),
        },
        Case {
            name: "symlink loop and a link out of the folder",
            build: |env| {
                let dir = folder(env, "links");
                let std1 = dir.join("Ⅱ-1/标准1");
                std::os::unix::fs::symlink("..", std1.join("回环")).unwrap();
                std::os::unix::fs::symlink(&std1, std1.join("自己")).unwrap();
                std::os::unix::fs::symlink("/etc/passwd", std1.join("passwd")).unwrap();
                "links".into()
            },
            expect: Expect::Stored(|_, out, rows| {
                assert_eq!(paths(rows), ["Ⅱ-1/标准1/正常.txt"]);
                for l in ["回环", "自己", "passwd"] {
                    assert!(out.contains(&format!("Ⅱ-1/标准1/{l}")), "{l}: {out}");
                }
                assert!(out.contains("符号链接"), "{out}");
            }),
        },
        Case {
            name: "unreadable file",
            build: |env| {
                use std::os::unix::fs::PermissionsExt;
                let dir = folder(env, "unreadable");
                let secret = dir.join("Ⅱ-1/标准1/保密.txt");
                write(&secret, b"secret");
                fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
                "unreadable".into()
            },
            expect: refused(&["Ⅱ-1/标准1/保密.txt", "没有读取权限", "没有保存任何文件"]),
        },
        Case {
            name: "unreadable folder",
            build: |env| {
                use std::os::unix::fs::PermissionsExt;
                let dir = folder(env, "unlistable");
                let locked = dir.join("Ⅱ-2/标准1");
                write(&locked.join("x.txt"), b"x");
                fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
                "unlistable".into()
            },
            expect: refused(&["Ⅱ-2/标准1", "没有读取权限"]),
        },
        Case {
            name: "empty folders are ignored",
            build: |env| {
                let dir = folder(env, "emptydirs");
                fs::create_dir_all(dir.join("Ⅱ-3/标准1")).unwrap();
                fs::create_dir_all(dir.join("Ⅱ-1/标准1/空的/更空")).unwrap();
                "emptydirs".into()
            },
            expect: Expect::Stored(|_, _, rows| {
                assert_eq!(paths(rows), ["Ⅱ-1/标准1/正常.txt"]);
            }),
        },
        Case {
            name: "only empty folders",
            build: |env| {
                fs::create_dir_all(env.path("onlyempty/Ⅱ-3/标准1")).unwrap();
                fs::create_dir_all(env.path("onlyempty/Ⅱ-4")).unwrap();
                "onlyempty".into()
            },
            expect: refused(&["onlyempty", "没有可以提交的材料"]),
        },
        Case {
            name: "ZIP with only folder entries",
            build: |env| {
                let mut z =
                    zip::ZipWriter::new(fs::File::create(env.path("onlydirs.zip")).unwrap());
                z.add_directory("Ⅱ-3/标准1/", SimpleFileOptions::default())
                    .unwrap();
                z.finish().unwrap();
                "onlydirs.zip".into()
            },
            expect: refused(&["onlydirs.zip", "没有可以提交的材料"]),
        },
        Case {
            name: "0-byte files, in a folder and in a ZIP",
            build: |env| {
                let dir = folder(env, "zero");
                write(&dir.join("Ⅱ-1/标准1/空文件.txt"), b"");
                zip_raw(
                    &env.path("zero.zip"),
                    &[("Ⅱ-5/标准1/空.doc".as_bytes(), b"")],
                );
                "zero".into()
            },
            expect: Expect::Stored(|env, _, rows| {
                let r = row(rows, "Ⅱ-1/标准1/空文件.txt");
                assert_eq!(r["sha256"], EMPTY_SHA256);
                assert_eq!(r["size"], 0);
                assert!(cat(env, EMPTY_SHA256).is_empty());
                let out = env.ingest("zero.zip", "B1", &[]);
                assert!(out.contains("1 个文件，0 字节"), "{out}");
                let last = show(env, "B1");
                assert_eq!(last[0]["sha256"], EMPTY_SHA256);
                assert_eq!(last[0]["path"], "Ⅱ-5/标准1/空.doc");
            }),
        },
        Case {
            name: "names with a newline or a carriage return (control characters)",
            build: |env| {
                let dir = folder(env, "ctrlnames");
                write(&dir.join("Ⅱ-2/标准1/第一行\n第二行.txt"), b"newline");
                write(&dir.join("Ⅱ-2/标准1/回车\r.txt"), b"cr");
                "ctrlnames".into()
            },
            expect: refused(&["第二行.txt", "控制字符"]),
        },
        Case {
            name: "names with % and printf directives",
            build: |env| {
                let dir = folder(env, "oddnames");
                write(&dir.join("Ⅱ-2/标准1/100%完成 %s%n%d %25.txt"), b"percent");
                "oddnames".into()
            },
            expect: Expect::Stored(|env, _, rows| {
                let (path, content) = ("Ⅱ-2/标准1/100%完成 %s%n%d %25.txt", &b"percent"[..]);
                let r = row(rows, path);
                assert_eq!(r["sha256"], sha256(content));
                assert!(r["path_bytes"].is_null());

                // The export still validates and comes back with the same
                // content (names adjusted as documented in bagit.rs).
                env.ok(&["export", "--community", "B1", "-o", "odd-export.zip"]);
                env.ingest("odd-export.zip", "B2", &[]);
                let back = show(env, "B2");
                let mut got: Vec<&str> =
                    back.iter().map(|r| r["sha256"].as_str().unwrap()).collect();
                let mut want: Vec<&str> =
                    rows.iter().map(|r| r["sha256"].as_str().unwrap()).collect();
                got.sort();
                want.sort();
                assert_eq!(got, want);
            }),
        },
        Case {
            name: "junk files",
            build: |env| {
                let dir = folder(env, "junk");
                write(&dir.join(".DS_Store"), b"junk");
                write(&dir.join("Ⅱ-1/标准1/Thumbs.db"), b"junk");
                write(&dir.join("Ⅱ-1/标准1/~$记录.docx"), b"lock");
                write(&dir.join("__MACOSX/Ⅱ-1/._x"), b"junk");
                "junk".into()
            },
            expect: Expect::Stored(|_, out, rows| {
                assert_eq!(paths(rows), ["Ⅱ-1/标准1/正常.txt"]);
                for j in [".DS_Store", "Thumbs.db", "~$记录.docx", "__MACOSX"] {
                    assert!(out.contains(j), "{j} not listed: {out}");
                }
            }),
        },
    ]
}

#[cfg(unix)]
fn os(bytes: &[u8]) -> &std::ffi::OsStr {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes)
}

fn cat(env: &TestArchive, hash: &str) -> Vec<u8> {
    let out = env.cmd().args(["cat", hash]).output().unwrap();
    assert!(out.status.success());
    out.stdout
}

fn show(env: &TestArchive, id: &str) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["show", "--community", id, "--json"])).unwrap();
    v.as_array().unwrap().clone()
}

fn versions(env: &TestArchive, id: &str) -> usize {
    let v: serde_json::Value =
        serde_json::from_str(&env.ok(&["history", "--community", id, "--json"])).unwrap();
    v.as_array().map_or(0, Vec::len)
}

/// Runs `kaoping ingest`; as root, without the capabilities that let root
/// read any file, so that permission bits count as for everyone else.
fn ingest(env: &TestArchive, input: &str) -> std::process::Output {
    let mut cmd = if is_root() {
        let mut c = std::process::Command::new("setpriv");
        c.arg("--bounding-set=-dac_override,-dac_read_search")
            .arg(env!("CARGO_BIN_EXE_kaoping"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_kaoping"))
    };
    cmd.env_remove("KAOPING_ARCHIVE")
        .arg("--archive")
        .arg(env.archive())
        // Cases may repeat an earlier case's content: each still counts.
        .args(["ingest", input, "--community", "B1", "--allow-identical"])
        .current_dir(env.dir.path())
        .output()
        .unwrap()
}

fn is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

fn setpriv_missing() -> bool {
    std::process::Command::new("setpriv")
        .arg("--help")
        .output()
        .is_err()
}

#[cfg(unix)]
#[test]
fn every_bad_input_is_refused_clearly_or_handled_exactly() {
    if is_root() && setpriv_missing() {
        eprintln!("skipped: running as root and setpriv (util-linux) is missing");
        return;
    }
    let env = TestArchive::new();
    env.community("A1");
    env.community("B1");
    env.community("B2");
    evidence(&env.path("good"));
    env.ingest("good", "A1", &["--submitter", "张三"]);
    let earlier = env.ok(&["show", "--community", "A1", "--version", "1", "--json"]);
    let earlier_dir = snapshot_of(&env.archive().join("submissions/A1"));
    for case in cases() {
        let input = (case.build)(&env);
        let before = env.snapshot();
        let versions_before = versions(&env, "B1");
        let out = ingest(&env, &input);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        match &case.expect {
            Expect::Refused(parts) => {
                assert!(
                    !out.status.success(),
                    "{}: should be refused:\n{stdout}",
                    case.name
                );
                for p in parts {
                    assert!(
                        stderr.contains(p.as_str()),
                        "{}: “{p}” missing in:\n{stderr}",
                        case.name
                    );
                }
                assert_eq!(env.snapshot(), before, "{}: the archive changed", case.name);
                assert_eq!(versions(&env, "B1"), versions_before, "{}", case.name);
            }
            Expect::Stored(check) => {
                assert!(
                    out.status.success(),
                    "{}: should be stored:\n{stdout}{stderr}",
                    case.name
                );
                assert_eq!(versions(&env, "B1"), versions_before + 1, "{}", case.name);
                check(&env, &stdout, &show(&env, "B1"));
            }
        }
        let verify = env.cmd().arg("verify").output().unwrap();
        let text = String::from_utf8_lossy(&verify.stdout);
        assert!(
            verify.status.success() && text.contains("校验通过"),
            "{}: verify failed:\n{text}{}",
            case.name,
            String::from_utf8_lossy(&verify.stderr)
        );
        assert_eq!(
            env.ok(&["show", "--community", "A1", "--version", "1", "--json"]),
            earlier,
            "{}",
            case.name
        );
        assert_eq!(
            snapshot_of(&env.archive().join("submissions/A1")),
            earlier_dir
        );
        assert!(
            !env.path("outside.txt").exists() && !env.dir.path().join("../outside.txt").exists()
        );
    }
}

fn snapshot_of(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.push((e.path().to_path_buf(), fs::read(e.path()).unwrap()));
        }
    }
    out
}

use crate::util::pdf_text;

/// The one PDF in `dir` whose name contains `part`.
fn pdf_in(dir: &Path, part: &str) -> PathBuf {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(part))
        .unwrap_or_else(|| panic!("no PDF with {part} in {}", dir.display()))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// CSV cells that look like formulas and names full of Typst markup are
/// data: imported, stored and printed exactly as typed, never evaluated.
#[test]
fn formula_cells_and_typst_markup_are_kept_verbatim() {
    let env = TestArchive::new();
    // Community names become folder and file names, so they may hold
    // neither slash nor backslash (issue 11); everything else is data.
    let formula_name = "=cmd|' -C calc'!A0";
    let typst_name = "#set text(red) $x^2$ *粗* _斜_ ]社区[ @a <b> `c`";
    let csv = format!(
        "编号,名称,所属区县,类型,批次\n\
         F1,\"{}\",五华区,城市社区,第一阶段\n\
         T1,{typst_name},五华区,城市社区,第一阶段\n",
        formula_name.replace('"', "\"\"")
    );
    write(&env.path("社区.csv"), csv.as_bytes());
    env.ok(&["community", "import", "社区.csv"]);
    let list: serde_json::Value =
        serde_json::from_str(&env.ok(&["community", "list", "--json"])).unwrap();
    assert_eq!(list[0]["name"], formula_name);
    assert_eq!(list[1]["name"], typst_name);

    // Evidence whose file name is Typst markup, for the receipt.
    let markup_file = "#strong[粗] $y$ *z* ]x[ = 标题.txt";
    let dir = env.path("材料");
    write(&dir.join("Ⅱ-1/标准1").join(markup_file), b"markup");
    // (A file name cannot hold FORMULA's slash.)
    let formula_files = ["=cmd|'calc'!A0.txt", "-2+3.txt", "@SUM(A1).txt", "+1.txt"];
    for name in &formula_files {
        write(&dir.join("Ⅱ-1/标准1").join(name), name.as_bytes());
    }
    env.ingest("材料", "T1", &[]);
    env.ingest("材料", "F1", &[]);
    // The file list for Excel/WPS escapes formula-looking names; the
    // archive and its JSON keep them exactly.
    let listed = env.ok(&["show", "--community", "F1", "--csv"]);
    assert!(listed.starts_with('\u{feff}'), "no BOM for Excel");
    let mut r = csv::Reader::from_reader(listed.trim_start_matches('\u{feff}').as_bytes());
    let names: Vec<String> = r.records().map(|x| x.unwrap()[2].to_string()).collect();
    for name in &formula_files {
        assert!(
            names.contains(&format!("'{name}")),
            "{name} not escaped: {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n.starts_with(['=', '+', '-', '@'])));
    let stored = paths(&show(&env, "F1"));
    for name in &formula_files {
        assert!(stored.contains(&format!("Ⅱ-1/标准1/{name}")), "{stored:?}");
    }
    let rows = show(&env, "T1");
    assert_eq!(rows[0]["path"], format!("Ⅱ-1/标准1/{markup_file}"));

    // An assessment sheet with formula-looking remarks and assessor.
    env.ok(&["assess", "template", "--community", "F1", "-o", "空表.csv"]);
    let text = fs::read_to_string(env.path("空表.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut w = csv::Writer::from_writer(vec![]);
    w.write_record(r.headers().unwrap()).unwrap();
    for (i, rec) in r.records().enumerate() {
        let mut cells: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        cells[5] = if i == 1 { "未达标" } else { "达标" }.into();
        cells[7] = "@王明".into();
        cells[8] = "2026-11-20".into();
        cells[9] = if i == 1 { FORMULA } else { "+见现场记录" }.into();
        w.write_record(&cells).unwrap();
    }
    fs::write(env.path("考评表.csv"), w.into_inner().unwrap()).unwrap();
    crate::util::submit_levels(env.dir.path(), Some(&env.archive()), "F1", "考评表.csv");
    env.ok(&["assess", "import", "考评表.csv", "--community", "F1"]);
    let shown: serde_json::Value =
        serde_json::from_str(&env.ok(&["assess", "show", "--community", "F1", "--json"])).unwrap();
    let results = shown["results"].as_array().unwrap();
    assert_eq!(results[1]["remark"], FORMULA);
    assert_eq!(results[1]["assessor"], "@王明");
    assert!(results.iter().filter(|r| r["remark"] == FORMULA).count() == 1);

    env.ok(&[
        "receipt",
        "--community",
        "T1",
        "--date",
        "2026-11-27",
        "-o",
        "out",
    ]);
    env.ok(&[
        "report",
        "--community",
        "F1",
        "--date",
        "2026-11-27",
        "-o",
        "out",
    ]);
    env.ok(&["verify"]);
    let Some(receipt) = pdf_text(&pdf_in(&env.path("out"), "回执")) else {
        return;
    };
    assert!(receipt.contains(&squeeze(typst_name)), "{receipt}");
    assert!(receipt.contains(&squeeze(markup_file)), "{receipt}");
    let report = pdf_text(&pdf_in(&env.path("out"), "考评报告")).unwrap();
    assert!(report.contains(&squeeze(FORMULA)), "{report}");
}
