//! Multipart path handling of `kaoping serve`: whatever a browser sends as
//! a file name or a folder-relative path, the staged name is server-made
//! (serial plus a plain extension), and a folder destination is either
//! refused or lies inside the staging folder, made only of the checked
//! path's own plain components.
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let staged = kaoping::web::staged_name(7, &raw);
    let (serial, ext) = staged.split_once('.').unwrap_or((&staged, ""));
    assert_eq!(serial, "000007");
    assert!(ext.len() <= 10);
    assert!(ext.chars().all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));

    let base = Path::new("/srv/archive/uploads.tmp/upload-x/t/网页上传");
    if let Ok(dest) = kaoping::web::folder_destination(base, &raw) {
        assert!(kaoping::web::inside(base, &dest));
        let rest = dest.strip_prefix(base).unwrap();
        let parts: Vec<_> = rest.components().collect();
        assert!(!parts.is_empty());
        for c in &parts {
            let Component::Normal(name) = c else {
                panic!("{raw:?} gave {dest:?}");
            };
            let name = name.to_str().unwrap();
            assert!(name != "." && name != ".." && !name.is_empty());
            assert!(!name.contains(['/', '\\', '\0']));
            assert!(!name.chars().any(char::is_control));
        }
        assert_eq!(rest.to_str().unwrap(), raw);
    }
});
