//! Signing what kaoping issues, so that a recipient can trust a document
//! without the archive: each issuing organ's key and certificate
//! ([`keys`]), PAdES baseline B-B signatures added to the rendered PDF as
//! an incremental update ([`pdf`], [`cms`]), their check ([`verify`]),
//! and SM3 digests and SM2 detached signatures ([`sm`]).
//!
//! The [`Keyring`] finds each organ's files (the paths `kaoping.toml`
//! names, or `keys/<key>.key.pem` and `keys/<key>.cert.pem` in the
//! archive root) and loads them once. An organ without a key gets a
//! self-signed test certificate when `[signing] test_keys` allows it;
//! otherwise, and whenever a key is unreadable, mismatched or expired,
//! signing is refused with the fix in the message.

pub mod cms;
mod fast;
pub mod keys;
pub mod ofd;
pub mod pdf;
pub mod seal;
pub mod sm;
pub mod verify;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::Config;
pub use keys::{Algorithm, KeyFiles, OrganKey};
pub use verify::{PdfCheck, SignatureCheck, check_pdf};

/// Why a document could not be signed or a signature not read.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// The organ's key or certificate file is not there.
    #[error(
        "发文机关“{organ}”没有签名密钥或证书：找不到 {path}。请把机关的 PKCS#8 私钥和证书链放到该位置（或在 kaoping.toml 的 [[organs]] 中用 signing_key、certificate 指定），试用时可运行 kaoping keys init --organ {organ} 生成测试证书；这次没有发文、没有占用文号"
    )]
    Missing {
        /// The organ.
        organ: String,
        /// The file looked for.
        path: PathBuf,
    },
    /// A key or certificate file cannot be used.
    #[error("签名文件 {path} 不能使用：{problem}；这次没有发文、没有占用文号")]
    BadFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// The certificate is outside its validity.
    #[error(
        "发文机关“{organ}”的签名证书不在有效期内（{from} 至 {until}）：请换用有效的证书（试用时可运行 kaoping keys init --organ {organ} --force 重新生成测试证书）；这次没有发文、没有占用文号"
    )]
    Expired {
        /// The organ.
        organ: String,
        /// First valid day.
        from: String,
        /// Last valid day.
        until: String,
    },
    /// The key is encrypted and its passphrase variable is not set.
    #[error(
        "发文机关“{organ}”的私钥有口令保护，但环境变量 {var} 没有设置：请设置该变量（或在 [[organs]] 中用 passphrase_env 指明变量名）后重试；这次没有发文、没有占用文号"
    )]
    Passphrase {
        /// The organ.
        organ: String,
        /// The variable.
        var: String,
    },
    /// The passphrase does not open the key.
    #[error("发文机关“{organ}”的私钥口令不对（环境变量 {var}）；这次没有发文、没有占用文号")]
    WrongPassphrase {
        /// The organ.
        organ: String,
        /// The variable.
        var: String,
    },
    /// A key file could not be written.
    #[error("无法写入 {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The PDF could not be read or updated.
    #[error("PDF 无法签名或读取签名：{0}")]
    Pdf(String),
    /// A cryptographic step failed.
    #[error("签名计算失败：{0}")]
    Crypto(String),
    /// An OFD package or its signature parts could not be read.
    #[error("OFD 的签名无法读取：{0}")]
    Ofd(String),
}

impl SignError {
    fn der(e: impl std::fmt::Display) -> SignError {
        SignError::Crypto(e.to_string())
    }
    fn spki(e: impl std::fmt::Display) -> SignError {
        SignError::Crypto(e.to_string())
    }
    fn cms(e: impl std::fmt::Display) -> SignError {
        SignError::Crypto(e.to_string())
    }
    fn pdf(e: impl std::fmt::Display) -> SignError {
        SignError::Pdf(e.to_string())
    }
}

/// An organ the keyring knows: its name and where its files are.
#[derive(Debug, Clone)]
struct Known {
    files: KeyFiles,
    explicit: bool,
}

/// The issuing organs' keys, loaded when first needed.
pub struct Keyring {
    root: PathBuf,
    known: HashMap<String, Known>,
    seals: HashMap<String, PathBuf>,
    sm2: HashMap<String, PathBuf>,
    test_keys: bool,
    loaded: Mutex<HashMap<String, OrganKey>>,
}

/// Seconds since the Unix epoch, from the system clock (certificates
/// are checked against real time, not the demo story's).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The default key file name stem of an organ's key: its config key, or
/// its name made safe for a file name.
pub fn file_stem(key: &str) -> String {
    crate::fsutil::safe_name(key)
}

impl Keyring {
    /// The keyring of the archive at `root` with `config`'s organs (and
    /// the district offices' own organs).
    pub fn new(root: &Path, config: &Config) -> Keyring {
        let mut known = HashMap::new();
        let mut seals = HashMap::new();
        let mut sm2 = HashMap::new();
        for o in &config.organs {
            if let Some(k) = &o.sm2_key {
                sm2.insert(o.name.clone(), root.join(k));
            }
            if let Some(seal) = &o.seal {
                seals.insert(o.name.clone(), root.join(seal));
            }
            let stem = file_stem(&o.key);
            let explicit = o.signing_key.is_some() || o.certificate.is_some();
            let files = KeyFiles {
                key: root.join(
                    o.signing_key
                        .clone()
                        .unwrap_or(format!("keys/{stem}.key.pem")),
                ),
                certificate: root.join(
                    o.certificate
                        .clone()
                        .unwrap_or(format!("keys/{stem}.cert.pem")),
                ),
                passphrase_env: o.passphrase_env.clone(),
            };
            known.insert(o.name.clone(), Known { files, explicit });
        }
        Keyring {
            root: root.to_path_buf(),
            known,
            seals,
            sm2,
            test_keys: config.signing.test_keys,
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// Where `organ`'s files are.
    pub fn files(&self, organ: &str) -> KeyFiles {
        match self.known.get(organ) {
            Some(k) => k.files.clone(),
            None => default_files(&self.root, organ),
        }
    }

    /// `organ`'s key, loaded (or made as a test key when allowed).
    pub fn key(&self, organ: &str) -> Result<OrganKey, SignError> {
        if let Some(k) = self.loaded.lock().ok().and_then(|m| m.get(organ).cloned()) {
            return Ok(k);
        }
        let files = self.files(organ);
        let explicit = self.known.get(organ).is_some_and(|k| k.explicit);
        if self.test_keys && !explicit && !files.key.exists() && !files.certificate.exists() {
            write_test(organ, &files, Algorithm::P256, false)?;
        }
        let key = OrganKey::load(organ, &files, unix_now())?;
        if let Ok(mut m) = self.loaded.lock() {
            m.insert(organ.to_string(), key.clone());
        }
        Ok(key)
    }

    /// The seal image of each organ (`None` for one without), when any
    /// of them has one.
    pub fn seals(&self, organs: &[String]) -> Result<Option<Vec<Option<seal::Seal>>>, SignError> {
        if !organs.iter().any(|o| self.seals.contains_key(o)) {
            return Ok(None);
        }
        organs
            .iter()
            .map(|o| self.seals.get(o).map(|p| seal::read(p)).transpose())
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The detached SM2 signatures of `bytes` by each organ that has an
    /// SM2 key, in the order of the organs.
    pub fn sm2_signatures(
        &self,
        organs: &[String],
        bytes: &[u8],
    ) -> Result<Vec<Vec<u8>>, SignError> {
        organs
            .iter()
            .filter_map(|o| self.sm2.get(o).map(|k| sm::sm2_sign(o, k, bytes)))
            .collect()
    }

    /// Checks that every organ named can sign now.
    pub fn check(&self, organs: &[String]) -> Result<(), SignError> {
        organs.iter().try_for_each(|o| self.key(o).map(|_| ()))
    }

    /// The PDF signed by each organ in turn (one signature each, in the
    /// order of the organs), stating `number` and `title`.
    pub fn sign_pdf(
        &self,
        pdf: Vec<u8>,
        organs: &[String],
        number: &str,
        title: &str,
    ) -> Result<Vec<u8>, SignError> {
        let time = pdf_time();
        let mut out = pdf;
        for organ in organs {
            let key = self.key(organ)?;
            let info = pdf::SignInfo {
                time: time.clone(),
                reason: format!("{number}《{title}》"),
                name: organ.clone(),
            };
            out = pdf::sign(out, &key, &info)?;
        }
        Ok(out)
    }
}

fn default_files(root: &Path, organ: &str) -> KeyFiles {
    let stem = file_stem(organ);
    KeyFiles {
        key: root.join(format!("keys/{stem}.key.pem")),
        certificate: root.join(format!("keys/{stem}.cert.pem")),
        passphrase_env: None,
    }
}

/// Writes a new test key and certificate for `organ` to `files` (refusing
/// to replace existing files unless `force`).
pub fn write_test(
    organ: &str,
    files: &KeyFiles,
    algorithm: Algorithm,
    force: bool,
) -> Result<(), SignError> {
    let (key, cert) = keys::make_test(organ, algorithm, unix_now(), 3 * 365)?;
    for (path, bytes) in [(&files.key, key), (&files.certificate, cert)] {
        let w = |source| SignError::Write {
            path: path.clone(),
            source,
        };
        crate::fsutil::create_dir_durable(crate::fsutil::parent_of(path)).map_err(w)?;
        if force {
            crate::fsutil::write_atomic(path, bytes.as_bytes()).map_err(w)?;
        } else {
            crate::fsutil::write_new_atomic(path, bytes.as_bytes()).map_err(w)?;
        }
        restrict(path).map_err(w)?;
    }
    Ok(())
}

#[cfg(unix)]
fn restrict(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if path.extension().is_some_and(|e| e == "pem") && path.to_string_lossy().ends_with(".key.pem")
    {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Now as a PDF date in Beijing time.
fn pdf_time() -> String {
    let t = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    format!("D:{}+08'00'", t.format("%Y%m%d%H%M%S"))
}
