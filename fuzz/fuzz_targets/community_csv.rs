//! Community CSV import (`kaoping::community::read_csv`): any bytes are
//! either read as communities with unique ids that are safe folder names,
//! or refused with an error; never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("社区.csv");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(communities) = kaoping::community::read_csv(&path) else {
        return;
    };
    let mut ids = std::collections::BTreeSet::new();
    for c in &communities {
        // Ids become folder names.
        assert!(
            !c.id.is_empty() && !c.id.starts_with(['.', '-']),
            "{:?}",
            c.id
        );
        assert!(!c.id.contains(['/', '\\', '\0']), "{:?}", c.id);
        assert!(ids.insert(c.id.clone()), "duplicate id {:?}", c.id);
        assert!(!c.name.is_empty() && !c.name.chars().any(char::is_control));
    }
});
