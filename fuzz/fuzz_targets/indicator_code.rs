//! Indicator-name parsing (`kaoping::catalog::code::parse_prefix` and the
//! catalog's lookups built on it): any text gives a code and the rest of
//! the input (trimmed), or nothing, never a panic.

#![no_main]

use kaoping::catalog::Catalog;
use kaoping::catalog::code;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Some((_, rest)) = code::parse_prefix(input) {
        // The rest is the trimmed tail of the input, not new text.
        assert_eq!(rest, rest.trim(), "rest {rest:?} is not trimmed");
        assert!(
            input.trim_end().ends_with(rest),
            "rest {rest:?} is not a tail of {input:?}"
        );
        assert!(rest.len() < input.len(), "a code that consumed nothing");
    }
    let catalog = Catalog::builtin();
    if let Ok((_, ind)) = catalog.indicator(input) {
        // Whatever was accepted names an indicator that looks itself up.
        let again = catalog.indicator(&ind.code).map(|(_, i)| i.code.clone());
        assert_eq!(again.ok().as_deref(), Some(ind.code.as_str()));
    }
    let _ = catalog.nearest_indicator(input);
});
