//! CMS (RFC 5652) detached signatures as PAdES baseline B-B asks for
//! them: SHA-256 over the signed bytes, signed attributes content-type,
//! message-digest and ESS signing-certificate-v2 (RFC 5035), the signer's
//! chain in the certificate set, one SignerInfo; and the check of such a
//! signature against the bytes it covers.

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;

use super::SignError;
use super::keys::{OrganKey, PrivateKey};

/// id-aa-signingCertificateV2 (RFC 5035).
const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// ESSCertIDv2 with the default hash (SHA-256) left out.
#[derive(Sequence)]
struct EssCertIdV2 {
    cert_hash: OctetString,
}

/// SigningCertificateV2 without policies.
#[derive(Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

fn sha256_id() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: const_oid::db::rfc5912::ID_SHA_256,
        parameters: None,
    }
}

fn signing_certificate(cert: &Certificate) -> Result<Attribute, SignError> {
    let der = cert.to_der().map_err(SignError::der)?;
    let value = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            cert_hash: OctetString::new(Sha256::digest(&der).to_vec()).map_err(SignError::der)?,
        }],
    };
    let any = Any::from_der(&value.to_der().map_err(SignError::der)?).map_err(SignError::der)?;
    let mut values = SetOfVec::new();
    values.insert(any).map_err(SignError::der)?;
    Ok(Attribute {
        oid: SIGNING_CERTIFICATE_V2,
        values,
    })
}

/// A DER `ContentInfo` holding a detached SignedData over bytes whose
/// SHA-256 is `digest`.
pub fn sign_digest(key: &OrganKey, digest: &[u8]) -> Result<Vec<u8>, SignError> {
    let content = EncapsulatedContentInfo {
        econtent_type: const_oid::db::rfc5911::ID_DATA,
        econtent: None,
    };
    let cert = key.certificate();
    let sid = SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate().issuer().clone(),
        serial_number: cert.tbs_certificate().serial_number().clone(),
    });
    let mut signer =
        SignerInfoBuilder::new(sid, sha256_id(), &content, Some(digest)).map_err(SignError::cms)?;
    signer
        .add_signed_attribute(signing_certificate(cert)?)
        .map_err(SignError::cms)?;
    let mut data = SignedDataBuilder::new(&content);
    data.add_digest_algorithm(sha256_id())
        .map_err(SignError::cms)?;
    for c in &key.chain {
        data.add_certificate(CertificateChoices::Certificate(c.clone()))
            .map_err(SignError::cms)?;
    }
    match &key.key {
        PrivateKey::P256(k) => data.add_signer_info::<_, p256::ecdsa::DerSignature>(signer, k),
        PrivateKey::Rsa(k) => {
            data.add_signer_info::<_, rsa::pkcs1v15::Signature>(signer, k.as_ref())
        }
    }
    .map_err(SignError::cms)?;
    let info = data.build().map_err(SignError::cms)?;
    info.to_der().map_err(SignError::der)
}

/// What a checked CMS signature says.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The signer's certificate.
    pub certificate: Certificate,
    /// Whether the message digest matches and the signature verifies.
    pub intact: bool,
}

/// Checks a DER ContentInfo (trailing zero padding allowed) against the
/// SHA-256 `digest` of the bytes it should cover.
pub fn check(der_bytes: &[u8], digest: &[u8]) -> Result<Checked, SignError> {
    let info = decode_padded(der_bytes)?;
    let signed: SignedData = info.content.decode_as().map_err(SignError::der)?;
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| SignError::Crypto("签名中没有签名者信息".into()))?;
    let certificate = signer_certificate(&signed, &signer.sid)?;
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| SignError::Crypto("签名缺少签名属性".into()))?;
    let digest_ok = attrs.iter().any(|a| {
        a.oid == const_oid::db::rfc5911::ID_MESSAGE_DIGEST
            && a.values.iter().any(|v| {
                v.decode_as::<OctetString>()
                    .is_ok_and(|o| o.as_bytes() == digest)
            })
    });
    let signed_der = attrs.to_der().map_err(SignError::der)?;
    let sig_ok = verify_raw(&certificate, &signed_der, signer.signature.as_bytes());
    Ok(Checked {
        certificate,
        intact: digest_ok && sig_ok,
    })
}

fn decode_padded(bytes: &[u8]) -> Result<ContentInfo, SignError> {
    // A DER SEQUENCE tells its own length; the rest is the placeholder's
    // zero padding. Read by hand because a DER decoder refuses trailing
    // bytes, and these are the few lines of X.690 §8.1.3 it takes.
    let bad = || SignError::Crypto("签名数据长度有误".into());
    let first = *bytes.get(1).ok_or_else(bad)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return Err(bad());
        }
        let digits = bytes.get(2..2 + n).ok_or_else(bad)?;
        (
            digits
                .iter()
                .fold(0usize, |acc, &d| (acc << 8) | usize::from(d)),
            2 + n,
        )
    };
    let end = header
        .checked_add(len)
        .filter(|&e| e <= bytes.len())
        .ok_or_else(bad)?;
    ContentInfo::from_der(&bytes[..end]).map_err(SignError::der)
}

fn signer_certificate(
    signed: &SignedData,
    sid: &SignerIdentifier,
) -> Result<Certificate, SignError> {
    let SignerIdentifier::IssuerAndSerialNumber(want) = sid else {
        return Err(SignError::Crypto("签名者标识方式不受支持".into()));
    };
    signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(c) => Some(c),
            _ => None,
        })
        .find(|c| {
            c.tbs_certificate().serial_number() == &want.serial_number
                && c.tbs_certificate().issuer() == &want.issuer
        })
        .cloned()
        .ok_or_else(|| SignError::Crypto("签名中没有签名者的证书".into()))
}

fn verify_raw(cert: &Certificate, message: &[u8], signature: &[u8]) -> bool {
    use rsa::signature::Verifier;
    use spki::DecodePublicKey;
    let Ok(spki) = cert.tbs_certificate().subject_public_key_info().to_der() else {
        return false;
    };
    if let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki) {
        return p256::ecdsa::DerSignature::try_from(signature)
            .is_ok_and(|s| key.verify(message, &s).is_ok());
    }
    if let Ok(key) = rsa::PublicKey::from_public_key_der(&spki) {
        let key = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key);
        return rsa::pkcs1v15::Signature::try_from(signature)
            .is_ok_and(|s| key.verify(message, &s).is_ok());
    }
    false
}
