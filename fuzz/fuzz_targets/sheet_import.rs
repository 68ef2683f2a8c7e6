//! Self-assessment sheet import (`kaoping::assessment::sheet::read` and
//! `validate`): any bytes as a CSV, TOML or JSON sheet are either read and
//! validated against the built-in catalog or refused with an error, never a
//! panic. The first byte picks the format and the community's kind.

#![no_main]

use std::path::Path;

use kaoping::assessment::computed::CommunityKind;
use kaoping::assessment::sheet::{self, Subject};
use kaoping::catalog::Catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&select, bytes)) = data.split_first() else {
        return;
    };
    let path = Path::new(match select % 3 {
        0 => "自评表.csv",
        1 => "自评表.toml",
        _ => "自评表.json",
    });
    let kind = if select & 0x80 == 0 {
        CommunityKind::Urban
    } else {
        CommunityKind::VillageToResidence
    };
    let Ok(raw) = sheet::read(path, bytes) else {
        return;
    };
    let evidence_count = usize::from(select & 0x40 != 0);
    let evidence = move |_: &str, _: u32| evidence_count;
    let subject = Subject {
        kind,
        evidence: &evidence,
    };
    let _ = sheet::validate(path, raw, None, Catalog::builtin(), &subject);
});
