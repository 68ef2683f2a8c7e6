//! SM3 (GB/T 32905) digests, recorded beside SHA-256 for what Chinese
//! archives and 密评 expect.

use sm3::{Digest, Sm3};

/// The SM3 digest of `bytes` as lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sm3_of_abc_is_the_standard_example() {
        // GB/T 32905-2016, appendix A, example 1.
        assert_eq!(
            super::sm3_hex(b"abc"),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }
}
