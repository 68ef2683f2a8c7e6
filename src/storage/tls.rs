//! TLS for the distributed backend's two engines: the rustls client
//! configuration of the PostgreSQL connection (by `database_sslmode`) and
//! the CA certificates of the bucket's HTTPS client, plus telling a refused
//! certificate apart from other failures so that the message names the
//! setting to check.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, aws_lc_rs};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::config::storage::{DatabaseConfig, SslMode};

/// The CA certificates in PEM file `file`; an error names the file.
pub fn read_pem(file: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(file)
        .map_err(|e| format!("无法读取 CA 证书文件 {}（{e}）", file.display()))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("CA 证书文件 {} 不是有效的 PEM（{e}）", file.display()))?;
    if certs.is_empty() {
        return Err(format!("CA 证书文件 {} 里没有证书", file.display()));
    }
    Ok(certs)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(aws_lc_rs::default_provider())
}

/// The rustls configuration of a database connection, `None` for
/// `disable`.
pub fn database(cfg: &DatabaseConfig) -> Result<Option<ClientConfig>, String> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match cfg.sslmode {
        SslMode::Disable => return Ok(None),
        SslMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider())))
            .with_no_client_auth(),
        SslMode::VerifyFull => {
            let mut roots = RootCertStore::empty();
            match &cfg.ca_file {
                Some(file) => {
                    for cert in read_pem(file)? {
                        roots
                            .add(cert)
                            .map_err(|e| format!("{}：{e}", file.display()))?;
                    }
                }
                None => {
                    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
                }
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(Some(config))
}

/// `sslmode = "require"`: encrypted, but any certificate is taken (as
/// libpq's `require` without a root certificate does). rustls has no such
/// mode built in; the signatures of the handshake are still checked.
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

/// A handshake signature checker of rustls (TLS 1.2 or 1.3).
type SignatureCheck = fn(
    &[u8],
    &CertificateDer<'_>,
    &DigitallySignedStruct,
    &WebPkiSupportedAlgorithms,
) -> Result<HandshakeSignatureValid, rustls::Error>;

impl Unchecked {
    /// Checks a handshake signature with the provider's algorithms.
    fn signed(
        &self,
        check: SignatureCheck,
        (message, cert, dss): (&[u8], &CertificateDer<'_>, &DigitallySignedStruct),
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        check(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
}

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signed(rustls::crypto::verify_tls12_signature, (message, cert, dss))
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signed(rustls::crypto::verify_tls13_signature, (message, cert, dss))
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Why a certificate was refused, if `e` or an error under it is a
/// refused certificate (rustls's own error, or its words in a client's
/// message when the chain was turned into text on the way).
pub fn refused_certificate(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<rustls::Error>() {
            return Some(r.to_string());
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(found) = refused_certificate(inner)
        {
            return Some(found);
        }
        let text = err.to_string();
        if text.contains("certificate")
            && (text.contains("invalid peer")
                || text.contains("UnknownIssuer")
                || text.contains("NotValidForName"))
        {
            return Some(text);
        }
        cur = err.source();
    }
    None
}
