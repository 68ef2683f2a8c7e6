//! The `next` parameter of the sign-in form: whatever is sent, the
//! redirect goes to `/` or to the value itself, and that value, resolved by
//! a URL parser as a browser would (tabs and newlines dropped, `\` read as
//! `/`), stays on the same site.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let next = kaoping::web::safe_next(Some(raw));
    assert!(next == "/" || next == raw);
    assert!(next.starts_with('/'));
    let base = url::Url::parse("http://kaoping.local/login").unwrap();
    let to = base.join(next).expect("a local path always resolves");
    assert_eq!(to.host_str(), Some("kaoping.local"), "{raw:?} → {to}");
    assert_eq!(to.scheme(), "http");
    // What the browser would follow after decoding once is still local.
    let decoded = percent_encoding::percent_decode_str(next).decode_utf8_lossy();
    if let Ok(again) = base.join(&decoded) {
        assert_eq!(again.host_str(), Some("kaoping.local"), "{raw:?} → {again}");
    }
});
