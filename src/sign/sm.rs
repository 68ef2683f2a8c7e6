//! SM3 (GB/T 32905) digests, recorded beside SHA-256 for what Chinese
//! archives and 密评 expect, and detached SM2 signatures (GB/T 32918).

use sm3::{Digest, Sm3};

/// The SM3 digest of `bytes` as lower-case hex.
pub fn sm3_hex(bytes: &[u8]) -> String {
    hex::encode(Sm3::digest(bytes))
}

/// The distinguishing identifier SM2 signatures use when none is agreed
/// (GB/T 35276, and OpenSSL's default for `-sigopt distid:`).
pub const DIST_ID: &str = "1234567812345678";

/// An SM2 signature (DER) over `bytes` (SM3 with the distinguishing
/// identifier [`DIST_ID`]) with the PKCS#8 PEM key at `key`, as a
/// detached `.sig` that `openssl dgst -sm3 -verify` checks.
pub fn sm2_sign(
    organ: &str,
    key: &std::path::Path,
    bytes: &[u8],
) -> Result<Vec<u8>, super::SignError> {
    use pkcs8::DecodePrivateKey;
    use sm2::dsa::signature::Signer;
    let pem = std::fs::read_to_string(key).map_err(|_| super::SignError::Missing {
        organ: organ.to_string(),
        path: key.to_path_buf(),
    })?;
    let bad = |problem: String| super::SignError::BadFile {
        path: key.to_path_buf(),
        problem,
    };
    let secret = sm2::SecretKey::from_pkcs8_pem(&pem)
        .map_err(|e| bad(format!("不是 PKCS#8 格式的 SM2 私钥（{e}）")))?;
    let signer = sm2::dsa::SigningKey::new(DIST_ID, &secret)
        .map_err(|e| bad(format!("SM2 私钥不能用于签名（{e}）")))?;
    let signature: sm2::dsa::Signature = signer.sign(bytes);
    Ok(signature.to_der().as_bytes().to_vec())
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
