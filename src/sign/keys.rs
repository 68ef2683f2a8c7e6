//! An organ's signing key and certificate chain: read from PEM files (a
//! PKCS#8 key, encrypted with a passphrase from an environment variable
//! or not; a certificate chain, the organ's own certificate first),
//! checked against each other and against today, and made anew as a
//! self-signed test certificate (marked 测试 in its subject) for trials.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use der::{Decode, Encode, EncodePem};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, PrivateKeyInfoRef};
use spki::{EncodePublicKey, SubjectPublicKeyInfoOwned};
use x509_cert::Certificate;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use super::SignError;

/// The private half of a key: the algorithms PAdES verifiers check.
#[derive(Clone)]
pub enum PrivateKey {
    /// ECDSA on NIST P-256 with SHA-256.
    P256(p256::ecdsa::SigningKey),
    /// RSA (2048 bits or more), PKCS#1 v1.5 with SHA-256.
    Rsa(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
}

/// Which algorithm a new test key uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA P-256 (the default: small and fast).
    P256,
    /// RSA 2048.
    Rsa2048,
}

/// An organ's loaded key and its certificate chain.
#[derive(Clone)]
pub struct OrganKey {
    /// The organ's full name.
    pub organ: String,
    /// The private key.
    pub key: PrivateKey,
    /// The chain, the organ's certificate first.
    pub chain: Vec<Certificate>,
}

/// Where an organ's files are.
#[derive(Debug, Clone)]
pub struct KeyFiles {
    /// The PKCS#8 key (PEM).
    pub key: PathBuf,
    /// The certificate chain (PEM).
    pub certificate: PathBuf,
    /// The environment variable holding the key's passphrase, if any.
    pub passphrase_env: Option<String>,
}

impl OrganKey {
    /// The organ's own certificate.
    pub fn certificate(&self) -> &Certificate {
        // `load` refuses an empty chain.
        &self.chain[0]
    }

    /// Reads an organ's key and chain and checks them against `now`
    /// (seconds since the Unix epoch).
    pub fn load(organ: &str, files: &KeyFiles, now: u64) -> Result<OrganKey, SignError> {
        let missing = |path: &Path| SignError::Missing {
            organ: organ.to_string(),
            path: path.to_path_buf(),
        };
        let key_pem = std::fs::read_to_string(&files.key).map_err(|_| missing(&files.key))?;
        let cert_pem =
            std::fs::read(&files.certificate).map_err(|_| missing(&files.certificate))?;
        let chain = Certificate::load_pem_chain(&cert_pem).map_err(|e| SignError::BadFile {
            path: files.certificate.clone(),
            problem: format!("不是 PEM 格式的证书链（{e}）"),
        })?;
        if chain.is_empty() {
            return Err(SignError::BadFile {
                path: files.certificate.clone(),
                problem: "文件里没有证书".into(),
            });
        }
        let key = read_key(organ, &key_pem, files)?;
        let loaded = OrganKey {
            organ: organ.to_string(),
            key,
            chain,
        };
        loaded.check_pair(files)?;
        loaded.check_time(now)?;
        Ok(loaded)
    }

    fn check_pair(&self, files: &KeyFiles) -> Result<(), SignError> {
        let public = self.key.public_der()?;
        let in_cert = self
            .certificate()
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(SignError::der)?;
        if public != in_cert {
            return Err(SignError::BadFile {
                path: files.certificate.clone(),
                problem: format!("证书与密钥 {} 不配对", files.key.display()),
            });
        }
        Ok(())
    }

    fn check_time(&self, now: u64) -> Result<(), SignError> {
        let validity = self.certificate().tbs_certificate().validity();
        let from = validity.not_before.to_unix_duration().as_secs();
        let until = validity.not_after.to_unix_duration().as_secs();
        if now < from || now > until {
            return Err(SignError::Expired {
                organ: self.organ.clone(),
                from: super::verify::day(from),
                until: super::verify::day(until),
            });
        }
        Ok(())
    }

    /// When the certificate expires (seconds since the Unix epoch).
    pub fn not_after(&self) -> u64 {
        let validity = self.certificate().tbs_certificate().validity();
        validity.not_after.to_unix_duration().as_secs()
    }

    /// The certificate's subject as text.
    pub fn subject(&self) -> String {
        self.certificate().tbs_certificate().subject().to_string()
    }
}

impl PrivateKey {
    /// The SubjectPublicKeyInfo (DER) of the public half.
    pub fn public_der(&self) -> Result<Vec<u8>, SignError> {
        let doc = match self {
            PrivateKey::P256(k) => k.verifying_key().to_public_key_der(),
            PrivateKey::Rsa(k) => {
                let private: &rsa::PrivateKey = k.as_ref().as_ref();
                private.to_public_key().to_public_key_der()
            }
        };
        Ok(doc.map_err(SignError::spki)?.as_bytes().to_vec())
    }

    /// The algorithm's name as people read it.
    pub fn algorithm(&self) -> &'static str {
        match self {
            PrivateKey::P256(_) => "ECDSA P-256",
            PrivateKey::Rsa(_) => "RSA",
        }
    }
}

fn read_key(organ: &str, pem: &str, files: &KeyFiles) -> Result<PrivateKey, SignError> {
    let bad = |problem: String| SignError::BadFile {
        path: files.key.clone(),
        problem,
    };
    let (label, der) = der::pem::decode_vec(pem.as_bytes())
        .map_err(|e| bad(format!("不是 PEM 格式的 PKCS#8 私钥（{e}）")))?;
    let plain: Vec<u8> = match label {
        "PRIVATE KEY" => der,
        "ENCRYPTED PRIVATE KEY" => {
            let var = files.passphrase_env.clone().unwrap_or_default();
            let pass = std::env::var(&var)
                .ok()
                .filter(|_| !var.is_empty())
                .ok_or_else(|| SignError::Passphrase {
                    organ: organ.to_string(),
                    var: var.clone(),
                })?;
            let info = pkcs8::EncryptedPrivateKeyInfoRef::from_der(&der)
                .map_err(|e| bad(format!("无法读取加密私钥（{e}）")))?;
            info.decrypt(pass.as_bytes())
                .map_err(|_| SignError::WrongPassphrase {
                    organ: organ.to_string(),
                    var,
                })?
                .as_bytes()
                .to_vec()
        }
        other => return Err(bad(format!("PEM 标签是 {other}，应为 PRIVATE KEY"))),
    };
    parse_plain(&plain).map_err(bad)
}

fn parse_plain(der: &[u8]) -> Result<PrivateKey, String> {
    let info = PrivateKeyInfoRef::try_from(der).map_err(|e| format!("无法读取私钥（{e}）"))?;
    let oid = info.algorithm.oid;
    if oid == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
        let key = p256::SecretKey::from_pkcs8_der(der)
            .map_err(|_| "只支持 P-256（prime256v1）曲线的 ECDSA 私钥".to_string())?;
        Ok(PrivateKey::P256(key.into()))
    } else if oid == const_oid::db::rfc5912::RSA_ENCRYPTION {
        let key =
            rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| format!("RSA 私钥有误（{e}）"))?;
        if rsa::traits::PublicKeyParts::size(&key) < 256 {
            return Err("RSA 密钥至少要 2048 位".into());
        }
        Ok(PrivateKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(
            key,
        ))))
    } else {
        Err(format!(
            "不支持的密钥算法 {oid}；请用 RSA（2048 位以上）或 ECDSA P-256"
        ))
    }
}

/// A self-signed test certificate's profile: an end-entity certificate
/// for signing documents, issued by itself.
struct TestProfile(Name);

impl BuilderProfile for TestProfile {
    fn get_issuer(&self, subject: &Name) -> Name {
        subject.clone()
    }
    fn get_subject(&self) -> Name {
        self.0.clone()
    }
    fn build_extensions(
        &self,
        _spk: spki::SubjectPublicKeyInfoRef<'_>,
        _issuer: spki::SubjectPublicKeyInfoRef<'_>,
        tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<x509_cert::ext::Extension>> {
        use x509_cert::ext::ToExtension;
        let subject = tbs.subject();
        Ok(vec![
            BasicConstraints {
                ca: false,
                path_len_constraint: None,
            }
            .to_extension(subject, &[])?,
            KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation)
                .to_extension(subject, &[])?,
        ])
    }
}

/// A new key and self-signed test certificate for `organ`, valid from
/// `now` for `days` days. Returns (key PEM, certificate PEM).
pub fn make_test(
    organ: &str,
    algorithm: Algorithm,
    now: u64,
    days: u32,
) -> Result<(String, String), SignError> {
    let key = generate(algorithm)?;
    let subject = Name::from_str(&format!(
        "CN={}（测试证书）,O={},OU=kaoping 测试用，不具法律效力,C=CN",
        escape_rdn(organ),
        escape_rdn(organ)
    ))
    .map_err(SignError::der)?;
    let spki = SubjectPublicKeyInfoOwned::from_der(&key.public_der()?).map_err(SignError::der)?;
    let mut serial = [0u8; 16];
    getrandom::fill(&mut serial).map_err(|e| SignError::Crypto(e.to_string()))?;
    serial[0] &= 0x7f;
    let serial = SerialNumber::new(&serial).map_err(SignError::der)?;
    // Valid from `now`, the time the caller then checks the key against
    // (not the clock after the key was generated, which is later: an RSA
    // key takes a moment, and a certificate starting after `now` would be
    // refused as not yet valid).
    let start = std::time::UNIX_EPOCH + Duration::from_secs(now);
    let end = start + Duration::from_secs(u64::from(days) * 86_400);
    let validity = Validity::new(
        Time::try_from(start).map_err(SignError::der)?,
        Time::try_from(end).map_err(SignError::der)?,
    );
    let builder = CertificateBuilder::new(TestProfile(subject), serial, validity, spki)
        .map_err(|e| SignError::Crypto(e.to_string()))?;
    let cert = match &key {
        PrivateKey::P256(k) => builder.build::<_, p256::ecdsa::DerSignature>(k),
        PrivateKey::Rsa(k) => builder.build::<_, rsa::pkcs1v15::Signature>(k.as_ref()),
    }
    .map_err(|e| SignError::Crypto(e.to_string()))?;
    let cert_pem = cert
        .to_pem(der::pem::LineEnding::LF)
        .map_err(SignError::der)?;
    Ok((key_pem(&key)?, cert_pem))
}

fn generate(algorithm: Algorithm) -> Result<PrivateKey, SignError> {
    use p256::elliptic_curve::Generate;
    Ok(match algorithm {
        Algorithm::P256 => PrivateKey::P256(
            p256::ecdsa::SigningKey::try_generate()
                .map_err(|e| SignError::Crypto(e.to_string()))?,
        ),
        Algorithm::Rsa2048 => {
            let key = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048)
                .map_err(|e| SignError::Crypto(e.to_string()))?;
            PrivateKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key)))
        }
    })
}

fn key_pem(key: &PrivateKey) -> Result<String, SignError> {
    let doc = match key {
        PrivateKey::P256(k) => k.to_pkcs8_pem(der::pem::LineEnding::LF),
        PrivateKey::Rsa(k) => {
            let private: &rsa::PrivateKey = k.as_ref().as_ref();
            private.to_pkcs8_pem(der::pem::LineEnding::LF)
        }
    };
    Ok(doc
        .map_err(|e| SignError::Crypto(e.to_string()))?
        .to_string())
}

/// Escapes the characters RFC 4514 gives a meaning in a name.
fn escape_rdn(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
