//! Any bytes as an on-site photo: sniffing the format and reading the
//! EXIF 拍摄时间 and GPS (kamadak-exif) never panic, and what is read is in
//! range; EXIF written back into the bytes reads again without panicking.
#![no_main]

use kaoping::field::exif;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = exif::ImageFormat::sniff(data);
    let zone = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    let facts = exif::read(data, zone);
    if let Some((lat, lon)) = facts.gps {
        assert!((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon));
    }
    if let Some(t) = &facts.taken {
        assert!(chrono::DateTime::parse_from_rfc3339(t).is_ok(), "{t}");
    }
    let _ = exif::read(&exif::with_exif(data, None, facts.gps), zone);
});
