//! Checking an OFD's signatures without the archive: `OFD.xml` names the
//! signature list, each signature description lists the files it covers
//! with their digests; every `CheckValue` is recomputed with SM3, the
//! CMS in `SignedValue` is checked over the bytes of `Signature.xml`,
//! and files that no signature covers (added after signing) are named.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use const_oid::ObjectIdentifier;
use sha2::{Digest, Sha256};

use super::read::{self, Element};
use super::{ECDSA_SHA256, RSA_SHA256, SIGNS_DIR, SM3_OID, method_name};
use crate::sign::SignError;
use crate::sign::verify::day;

/// One OFD signature as checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfdSignatureCheck {
    /// The signature's ID in the list.
    pub id: String,
    /// Its description's path in the package.
    pub path: String,
    /// Who signed: the certificate's common name.
    pub signer: String,
    /// The certificate's subject.
    pub subject: String,
    /// The certificate's serial number (hex).
    pub serial: String,
    /// First day of the certificate's validity.
    pub valid_from: String,
    /// Last day of validity.
    pub valid_until: String,
    /// `SignatureMethod` (an OID), as written.
    pub method: String,
    /// The algorithm by name.
    pub algorithm: String,
    /// `SignatureDateTime`, as written.
    pub signed_at: String,
    /// How many files the signature covers.
    pub files: usize,
    /// The files whose `CheckValue` does not match their bytes.
    pub changed: Vec<String>,
    /// The files the signature lists that are not in the package.
    pub missing: Vec<String>,
    /// The CMS verifies over the bytes of `Signature.xml` with the
    /// signer's certificate.
    pub value_intact: bool,
    /// `SignatureMethod` is what the certificate's key signs with.
    pub method_matches: bool,
    /// A test certificate (测试 in its subject).
    pub test: bool,
}

impl OfdSignatureCheck {
    /// Every listed file present and unchanged, and the signature over
    /// the list valid.
    pub fn valid(&self) -> bool {
        self.value_intact
            && self.method_matches
            && self.changed.is_empty()
            && self.missing.is_empty()
    }
}

/// All that an OFD's signatures say.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OfdCheck {
    /// The signatures in the list's order.
    pub signatures: Vec<OfdSignatureCheck>,
    /// Files outside `Doc_0/Signs/` that no signature covers.
    pub unsigned: Vec<String>,
}

impl OfdCheck {
    /// At least one signature, every signature valid, every file covered.
    pub fn valid(&self) -> bool {
        !self.signatures.is_empty()
            && self.signatures.iter().all(OfdSignatureCheck::valid)
            && self.unsigned.is_empty()
    }
}

type Files = BTreeMap<String, Vec<u8>>;

fn part<'a>(files: &'a Files, path: &str) -> Result<&'a [u8], SignError> {
    files
        .get(path)
        .map(Vec::as_slice)
        .ok_or_else(|| SignError::Ofd(format!("OFD 文件中缺少 {path}")))
}

/// Checks every signature of the OFD package `bytes`; a package without
/// a signature list gives no signatures.
pub fn check_ofd(bytes: &[u8]) -> Result<OfdCheck, SignError> {
    let files: Files = read::files(bytes)?.into_iter().collect();
    let entry = read::elements("OFD.xml", part(&files, "OFD.xml")?)?;
    let Some(list) = read::text_of(&entry, "Signatures").filter(|t| !t.is_empty()) else {
        return Ok(OfdCheck {
            signatures: Vec::new(),
            unsigned: Vec::new(),
        });
    };
    let list_path = read::resolve("OFD.xml", list);
    let list = read::elements(&list_path, part(&files, &list_path)?)?;
    let mut covered = BTreeSet::new();
    let mut signatures = Vec::new();
    for e in list.iter().filter(|e| e.name == "Signature") {
        let base = e
            .attribute("BaseLoc")
            .ok_or_else(|| SignError::Ofd(format!("{list_path} 中的签名缺少 BaseLoc")))?;
        let path = read::resolve(&list_path, base);
        let id = e.attribute("ID").unwrap_or_default().to_string();
        signatures.push(one(&files, id, path, &mut covered)?);
    }
    let unsigned = files
        .keys()
        .filter(|name| !name.starts_with(SIGNS_DIR) && !covered.contains(*name))
        .cloned()
        .collect();
    Ok(OfdCheck {
        signatures,
        unsigned,
    })
}

/// The references of a description: (file path, CheckValue text).
fn references(path: &str, elements: &[Element]) -> Result<Vec<(String, String)>, SignError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<String> = None;
    for e in elements {
        match e.name.as_str() {
            "Reference" => {
                let file = e
                    .attribute("FileRef")
                    .ok_or_else(|| SignError::Ofd(format!("{path} 中的 Reference 缺少 FileRef")))?;
                current = Some(read::resolve(path, file));
            }
            "CheckValue" => {
                if let Some(file) = current.take() {
                    out.push((file, e.text.trim().to_string()));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn one(
    files: &Files,
    id: String,
    path: String,
    covered: &mut BTreeSet<String>,
) -> Result<OfdSignatureCheck, SignError> {
    let xml = part(files, &path)?;
    let elements = read::elements(&path, xml)?;
    let check_method = elements
        .iter()
        .find(|e| e.name == "References")
        .and_then(|e| e.attribute("CheckMethod"))
        .unwrap_or("MD5");
    if check_method != SM3_OID && !check_method.eq_ignore_ascii_case("sm3") {
        return Err(SignError::Ofd(format!(
            "{path} 的摘要方法 {check_method} 不受支持（只核验 SM3，{SM3_OID}）"
        )));
    }
    let mut changed = Vec::new();
    let mut missing = Vec::new();
    let refs = references(&path, &elements)?;
    for (file, value) in &refs {
        covered.insert(file.clone());
        let Some(bytes) = files.get(file) else {
            missing.push(file.clone());
            continue;
        };
        let want: String = value.chars().filter(|c| !c.is_whitespace()).collect();
        let stated = base64::engine::general_purpose::STANDARD.decode(want);
        let actual = <sm3::Sm3 as Digest>::digest(bytes);
        if stated.ok().as_deref() != Some(actual.as_slice()) {
            changed.push(file.clone());
        }
    }
    let value_path = read::text_of(&elements, "SignedValue")
        .map(|loc| read::resolve(&path, loc))
        .ok_or_else(|| SignError::Ofd(format!("{path} 缺少 SignedValue")))?;
    let checked = crate::sign::cms::check(part(files, &value_path)?, &Sha256::digest(xml))?;
    let tbs = checked.certificate.tbs_certificate();
    let subject = tbs.subject().to_string();
    let key_oid = tbs.subject_public_key_info().algorithm.oid;
    let method = read::text_of(&elements, "SignatureMethod")
        .unwrap_or_default()
        .to_string();
    let method_matches = signs_with(key_oid) == Some(method.as_str());
    let algorithm = method_name(&method)
        .map(str::to_string)
        .unwrap_or_else(|| format!("未知算法（{method}）"));
    Ok(OfdSignatureCheck {
        id,
        path,
        signer: common_name(&subject),
        serial: hex::encode_upper(tbs.serial_number().as_bytes()),
        valid_from: day(tbs.validity().not_before.to_unix_duration().as_secs()),
        valid_until: day(tbs.validity().not_after.to_unix_duration().as_secs()),
        method,
        algorithm,
        signed_at: read::text_of(&elements, "SignatureDateTime")
            .unwrap_or_default()
            .to_string(),
        files: refs.len(),
        changed,
        missing,
        value_intact: checked.intact,
        method_matches,
        test: subject.contains("测试"),
        subject,
    })
}

/// The `SignatureMethod` a certificate's key type signs with here.
fn signs_with(key: ObjectIdentifier) -> Option<&'static str> {
    if key == const_oid::db::rfc5912::ID_EC_PUBLIC_KEY {
        Some(ECDSA_SHA256)
    } else if key == const_oid::db::rfc5912::RSA_ENCRYPTION {
        Some(RSA_SHA256)
    } else {
        None
    }
}

/// The `CN` of a subject written `CN=…,O=…` (the whole subject without).
fn common_name(subject: &str) -> String {
    subject
        .split(',')
        .find_map(|p| p.trim().strip_prefix("CN="))
        .unwrap_or(subject)
        .to_string()
}
