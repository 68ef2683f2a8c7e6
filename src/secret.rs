//! The archive's server key and what it signs.
//!
//! The key is 32 random bytes, made the first time a server needs it and
//! kept as the register [`KEY_FILE`] (a file readable by its owner only in
//! a local archive, a row of the database in a distributed one, so every
//! server of the archive signs alike). It is never printed or logged.
//!
//! It signs tokens a client carries and must not be able to make up: the
//! device cookie of the questionnaire's open links is `id.mac`, with `mac`
//! the HMAC-SHA256 of the id under the key, so a fabricated cookie is not
//! taken for a new device.

use std::io;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The register holding the key.
pub const KEY_FILE: &str = "server-secret.key";
/// Bytes of the key.
const KEY_BYTES: usize = 32;

/// Why the key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// The register could not be read or written.
    #[error("无法读取或写入档案库的服务器密钥 {KEY_FILE}")]
    Io(#[source] io::Error),
    /// The register holds something else than a key.
    #[error(
        "档案库的服务器密钥 {KEY_FILE} 已损坏（应为 64 位十六进制数）；删除它后重新启动网页服务即可生成新的（已发出的设备 Cookie 随之失效）"
    )]
    Corrupt,
    /// No randomness from the operating system.
    #[error("无法取得随机数来生成服务器密钥（{0}）")]
    Random(String),
}

/// The server key of one archive.
#[derive(Clone)]
pub struct ServerKey([u8; KEY_BYTES]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    /// The key of the archive at `root`, made and kept on first use.
    pub fn of_archive(root: &Path) -> Result<ServerKey, SecretError> {
        if let Some(bytes) =
            crate::storage::register::read(root, KEY_FILE).map_err(SecretError::Io)?
        {
            return ServerKey::parse(&bytes);
        }
        let mut key = [0u8; KEY_BYTES];
        getrandom::fill(&mut key).map_err(|e| SecretError::Random(e.to_string()))?;
        crate::storage::register::write(root, KEY_FILE, hex::encode(key).as_bytes())
            .map_err(SecretError::Io)?;
        // Read back: of two servers starting at once, both keep the key
        // that was written last.
        match crate::storage::register::read(root, KEY_FILE).map_err(SecretError::Io)? {
            Some(bytes) => ServerKey::parse(&bytes),
            None => Ok(ServerKey(key)),
        }
    }

    fn parse(bytes: &[u8]) -> Result<ServerKey, SecretError> {
        let text = std::str::from_utf8(bytes).map_err(|_| SecretError::Corrupt)?;
        let raw = hex::decode(text.trim()).map_err(|_| SecretError::Corrupt)?;
        let key: [u8; KEY_BYTES] = raw.try_into().map_err(|_| SecretError::Corrupt)?;
        Ok(ServerKey(key))
    }

    /// A key from fixed bytes, for tests.
    pub fn from_bytes(key: [u8; KEY_BYTES]) -> ServerKey {
        ServerKey(key)
    }

    fn mac(&self, purpose: &str, id: &str) -> Hmac<Sha256> {
        // A key of any length is accepted by HMAC; this cannot fail.
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(id.as_bytes());
        m
    }

    /// `id` signed for `purpose`: `id.mac` (mac in hex). `id` must not
    /// contain a dot.
    pub fn sign(&self, purpose: &str, id: &str) -> String {
        let mac = self.mac(purpose, id).finalize().into_bytes();
        format!("{id}.{}", hex::encode(mac))
    }

    /// The id of a token [`ServerKey::sign`] made for `purpose` with this
    /// key; `None` for anything else (compared in constant time).
    pub fn verify<'t>(&self, purpose: &str, token: &'t str) -> Option<&'t str> {
        let (id, mac) = token.split_once('.')?;
        let mac = hex::decode(mac).ok()?;
        self.mac(purpose, id).verify_slice(&mac).ok()?;
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_signed_with_the_key_verify() {
        let k = ServerKey::from_bytes([7; 32]);
        let t = k.sign("device", "abc123");
        assert_eq!(k.verify("device", &t), Some("abc123"));
        assert_eq!(k.verify("other", &t), None);
        assert_eq!(ServerKey::from_bytes([8; 32]).verify("device", &t), None);
        let forged = format!("abc124{}", &t[6..]);
        assert_eq!(k.verify("device", &forged), None);
        assert_eq!(k.verify("device", "abc123"), None);
        assert_eq!(k.verify("device", "abc123.zz"), None);
    }

    #[test]
    fn the_key_is_made_once_and_kept() {
        let t = tempfile::tempdir().unwrap();
        let a = ServerKey::of_archive(t.path()).unwrap();
        let b = ServerKey::of_archive(t.path()).unwrap();
        assert_eq!(a.0, b.0);
        assert!(!format!("{a:?}").contains(&hex::encode(a.0)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(t.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
    }
}
