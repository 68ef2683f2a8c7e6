//! Fixtures of the archive tests: evidence trees and ZIPs (the temporary
//! archive itself is [`crate::util::TestArchive`]).

use std::fs;
use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;

/// Writes a file, creating its folders.
pub fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

/// A small evidence tree in the forms people type.
pub fn evidence(dir: &Path) {
    write(
        &dir.join("Ⅱ-01 党组织领导核心作用/标准1/会议记录.txt"),
        "2019年党委会议记录".as_bytes(),
    );
    write(&dir.join("II-2/标准 1/政策文件.txt"), b"policy");
    write(&dir.join("2-2/标准2/经费保障.txt"), b"money");
    write(
        &dir.join("党组织领导核心作用/总体说明.txt"),
        b"whole indicator",
    );
    write(
        &dir.join("Ⅱ—3 发挥群众自治组织作用/1/照片/活动.jpg"),
        &[0xFF, 0xD8, 0xFF, 1, 2, 3],
    );
}

/// SHA-256 hex of bytes.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Builds a ZIP from (raw name, content) pairs; names are written as given
/// (no UTF-8 flag for names that are not UTF-8).
pub fn zip_raw(path: &Path, entries: &[(&[u8], &[u8])]) {
    let mut z = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, data) in entries {
        let opts = SimpleFileOptions::default().name(name);
        z.start_file_with_options(opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}
