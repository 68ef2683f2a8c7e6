//! ZIP import (`kaoping::archive::zipin`): any bytes given as a ZIP are
//! either refused with an error or listed as safe relative paths, and every
//! listed entry reads back no longer than it declared.

#![no_main]

use std::io::{self, Read};

use kaoping::archive::collect::Source;
use kaoping::archive::zipin::{self, ZipLimits};
use libfuzzer_sys::fuzz_target;

/// Small limits so that a crafted input cannot make one run slow.
const LIMITS: ZipLimits = ZipLimits {
    max_entries: 1_000,
    max_total: 16 << 20,
    max_ratio: 500,
    ratio_floor: 1 << 16,
};

fuzz_target!(|data: &[u8]| {
    // The importer reads a file by path, as the CLI does.
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("提交.zip");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(collected) = zipin::collect_zip(&path, LIMITS) else {
        return;
    };
    for file in &collected.files {
        assert!(!file.rel.0.is_empty(), "empty path listed");
        for comp in &file.rel.0 {
            assert!(!comp.is_empty(), "empty component in {:?}", file.rel.0);
            assert!(comp.as_slice() != b"." && comp.as_slice() != b"..");
            assert!(!comp.contains(&b'/') && !comp.contains(&0));
        }
    }
    let Ok(mut zip) = zipin::open(&path) else {
        panic!("collect_zip accepted a ZIP that open refuses");
    };
    for file in &collected.files {
        let Source::Zip(index) = file.source else {
            panic!("a ZIP entry listed as a file on disk");
        };
        let Ok(reader) = zipin::entry_reader(&mut zip, index) else {
            continue;
        };
        let mut counted = 0u64;
        let mut reader = reader.take(file.size.saturating_add(1));
        let mut buf = [0u8; 8192];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => counted += n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        assert!(
            counted <= file.size,
            "entry {index} yielded more than it declared"
        );
    }
});
