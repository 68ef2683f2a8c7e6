//! OFD digital signatures (GB/T 33190-2016 §18, type `Sign`): the
//! signature list `Doc_0/Signs/Signatures.xml`, one signature description
//! `Doc_0/Signs/Sign_N/Signature.xml` per organ with the SM3 `CheckValue`
//! of every other file of the package, and `SignedValue.dat`, a detached
//! CMS SignedData (RSA or ECDSA P-256, SHA-256, the same signer
//! attributes as the PDF's) over the bytes of `Signature.xml`; and their
//! check ([`check_ofd`]).
//!
//! This is a digital signature as GB/T 33190 lays it out, verifiable with
//! any SM3 tool and any PKCS#7 verifier. It is not a GB/T 38540 electronic
//! seal (`SES_Signature` with an SM2 seal): readers that expect one show
//! it as a signature they do not know.

mod check;
mod read;
#[cfg(test)]
mod tests;

use base64::Engine as _;
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use check::{OfdCheck, OfdSignatureCheck, check_ofd};

use super::SignError;
use super::keys::{OrganKey, PrivateKey};

/// The OFD namespace.
const NS: &str = "http://www.ofdspec.org/2016";

/// The digest every `CheckValue` is made with: SM3 (GB/T 32905), by its
/// OID as GM/T 0006 assigns it.
pub const SM3_OID: &str = "1.2.156.10197.1.401";

/// ecdsa-with-SHA256 (RFC 5758).
pub const ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";

/// sha256WithRSAEncryption (RFC 4055).
pub const RSA_SHA256: &str = "1.2.840.113549.1.1.11";

/// The folder of the signature parts; its files are not covered by the
/// signatures (a later signature may be added beside them).
pub const SIGNS_DIR: &str = "Doc_0/Signs/";

/// The signature list, as `OFD.xml`'s `DocBody/Signatures` names it.
pub const SIGNATURES: &str = "Doc_0/Signs/Signatures.xml";

/// The `SignatureMethod` of a key: the OID of what it signs with.
pub fn method(key: &PrivateKey) -> &'static str {
    match key {
        PrivateKey::P256(_) => ECDSA_SHA256,
        PrivateKey::Rsa(_) => RSA_SHA256,
    }
}

/// A `SignatureMethod` OID by its name, as a reader is shown it.
pub fn method_name(oid: &str) -> Option<&'static str> {
    match oid {
        ECDSA_SHA256 => Some("ECDSA（P-256）+ SHA-256"),
        RSA_SHA256 => Some("RSA + SHA-256"),
        _ => None,
    }
}

/// The `CheckValue` of a file: its SM3 digest in Base64.
pub fn check_value(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(<sm3::Sm3 as Digest>::digest(bytes))
}

/// `Signatures.xml`.
#[derive(Serialize)]
struct SignaturesXml {
    #[serde(rename = "@xmlns:ofd")]
    ns: &'static str,
    #[serde(rename = "ofd:MaxSignId")]
    max_sign_id: String,
    #[serde(rename = "ofd:Signature")]
    signatures: Vec<SignatureRef>,
}

#[derive(Serialize)]
struct SignatureRef {
    #[serde(rename = "@ID")]
    id: String,
    #[serde(rename = "@Type")]
    kind: &'static str,
    #[serde(rename = "@BaseLoc")]
    base_loc: String,
}

/// `Sign_N/Signature.xml`, in the schema's element order.
#[derive(Serialize)]
struct SignatureXml {
    #[serde(rename = "@xmlns:ofd")]
    ns: &'static str,
    #[serde(rename = "ofd:SignedInfo")]
    info: SignedInfo,
    #[serde(rename = "ofd:SignedValue")]
    value: String,
}

#[derive(Serialize)]
struct SignedInfo {
    #[serde(rename = "ofd:Provider")]
    provider: Provider,
    #[serde(rename = "ofd:SignatureMethod")]
    method: &'static str,
    #[serde(rename = "ofd:SignatureDateTime")]
    time: String,
    #[serde(rename = "ofd:References")]
    references: References,
}

#[derive(Serialize)]
struct Provider {
    #[serde(rename = "@ProviderName")]
    name: &'static str,
    #[serde(rename = "@Version")]
    version: &'static str,
}

#[derive(Serialize)]
struct References {
    #[serde(rename = "@CheckMethod")]
    method: &'static str,
    #[serde(rename = "ofd:Reference")]
    references: Vec<Reference>,
}

#[derive(Serialize)]
struct Reference {
    #[serde(rename = "@FileRef")]
    file: String,
    #[serde(rename = "ofd:CheckValue")]
    value: String,
}

fn to_xml<T: Serialize>(root: &str, value: &T) -> Result<Vec<u8>, SignError> {
    let body = quick_xml::se::to_string_with_root(root, value)
        .map_err(|e| SignError::Crypto(format!("签名描述 XML 序列化失败：{e}")))?;
    Ok(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}").into_bytes())
}

/// The signature ID of the `n`th signature (from 0): `sNNN`, as the
/// standard recommends, since `ID` and `MaxSignId` are `xs:ID` and may not
/// start with a digit.
fn sign_id(n: usize) -> String {
    format!("s{:03}", n + 1)
}

/// The signature parts for the package `parts` (path in the package,
/// bytes; `OFD.xml` already naming [`SIGNATURES`]), one signature per key
/// in order, each covering every file outside [`SIGNS_DIR`], dated
/// `date` (the document's date, so that the same document signs the
/// same way).
pub fn signature_files(
    parts: &[(String, Vec<u8>)],
    keys: &[OrganKey],
    date: NaiveDate,
) -> Result<Vec<(String, Vec<u8>)>, SignError> {
    let mut covered: Vec<&(String, Vec<u8>)> = parts
        .iter()
        .filter(|(name, _)| !name.starts_with(SIGNS_DIR))
        .collect();
    covered.sort_by(|a, b| a.0.cmp(&b.0));
    let references: Vec<(String, String)> = covered
        .iter()
        .map(|(name, bytes)| (format!("/{name}"), check_value(bytes)))
        .collect();
    let time = date.format("%Y-%m-%dT00:00:00+08:00").to_string();
    let mut files = Vec::with_capacity(1 + 2 * keys.len());
    let mut list = Vec::with_capacity(keys.len());
    for (n, key) in keys.iter().enumerate() {
        let dir = format!("{SIGNS_DIR}Sign_{n}");
        let description = SignatureXml {
            ns: NS,
            info: SignedInfo {
                provider: Provider {
                    name: "kaoping",
                    version: env!("CARGO_PKG_VERSION"),
                },
                method: method(&key.key),
                time: time.clone(),
                references: References {
                    method: SM3_OID,
                    references: references
                        .iter()
                        .map(|(file, value)| Reference {
                            file: file.clone(),
                            value: value.clone(),
                        })
                        .collect(),
                },
            },
            value: format!("/{dir}/SignedValue.dat"),
        };
        let xml = to_xml("ofd:Signature", &description)?;
        let value = super::cms::sign_digest(key, &Sha256::digest(&xml))?;
        files.push((format!("{dir}/Signature.xml"), xml));
        files.push((format!("{dir}/SignedValue.dat"), value));
        list.push(SignatureRef {
            id: sign_id(n),
            kind: "Sign",
            base_loc: format!("Sign_{n}/Signature.xml"),
        });
    }
    let signatures = SignaturesXml {
        ns: NS,
        max_sign_id: sign_id(keys.len().saturating_sub(1)),
        signatures: list,
    };
    files.push((
        SIGNATURES.to_string(),
        to_xml("ofd:Signatures", &signatures)?,
    ));
    Ok(files)
}
