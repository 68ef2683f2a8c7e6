//! Writing a 封装包 without holding its computer files in memory: the
//! 被签名对象 is serialized with a marker where each file's Base64 goes,
//! then written piece by piece, each file streamed from the store through
//! a Base64 encoder; the signature's SHA-256 and the file's own SM3 and
//! SHA-256 are computed on the way. Memory stays at a few buffers whatever
//! the record's size (the in-memory form would need about five times it).

use std::io::{self, BufWriter, Write};
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest as _, Sha256};
use sm3::Sm3;

use super::eep::{Certificates, NAMESPACE, Signature, SignatureBlock, signed_object, to_xml};
use super::metadata::Metadata;
use crate::sign::keys::OrganKey;

/// What was written: the 封装包 file's size and digests.
#[derive(Debug, Clone)]
pub struct Written {
    /// Bytes.
    pub bytes: u64,
    /// SM3 (hex).
    pub sm3: String,
    /// SHA-256 (hex).
    pub sha256: String,
}

/// The file being written, with its digests and, while inside the
/// 被签名对象, the signature's digest.
struct Tee {
    out: BufWriter<std::fs::File>,
    sm3: Sm3,
    sha: Sha256,
    signed: Option<Sha256>,
    bytes: u64,
}

impl Write for Tee {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        let done = &buf[..n];
        self.sm3.update(done);
        self.sha.update(done);
        if let Some(s) = &mut self.signed {
            s.update(done);
        }
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Copies computer file `i` of the record into the sink.
pub type CopyFile<'a> = dyn Fn(usize, &mut dyn Write) -> io::Result<u64> + 'a;

/// A marker no metadata text contains: where file `i`'s Base64 goes.
fn marker(nonce: u64, i: usize) -> String {
    format!("KAOPING-EEP-DATA-{nonce:016x}-{i}-")
}

/// Writes the 封装包 of `meta` (whose files `copy` streams, in the
/// metadata's order) to `path`, signed with `key` at `time`.
pub fn write_to(
    meta: &Metadata,
    created: &str,
    key: &OrganKey,
    time: &str,
    copy: &CopyFile,
    path: &Path,
) -> Result<Written, String> {
    let nonce = u64::from(std::process::id()) << 32
        ^ crate::clock::now()
            .timestamp_nanos_opt()
            .unwrap_or_default() as u64;
    let datas: Vec<String> = (0..meta.files.len()).map(|i| marker(nonce, i)).collect();
    let object = signed_object(meta, &datas, created);
    let signed = to_xml(&object)?;
    let file =
        std::fs::File::create(path).map_err(|e| format!("无法写入 {}：{e}", path.display()))?;
    let mut tee = Tee {
        out: BufWriter::with_capacity(1 << 20, file),
        sm3: Sm3::new(),
        sha: Sha256::new(),
        signed: None,
        bytes: 0,
    };
    let io_err = |e: io::Error| format!("无法写入 {}：{e}", path.display());
    write!(
        tee,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<电子文件封装包 xmlns=\"{NAMESPACE}\">\n"
    )
    .map_err(io_err)?;
    tee.write_all(" <封装包格式描述>本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成</封装包格式描述>\n <版本>2009</版本>\n".as_bytes())
        .map_err(io_err)?;
    tee.signed = Some(Sha256::new());
    let mut rest = signed.as_str();
    for (i, m) in datas.iter().enumerate() {
        let (before, after) = rest
            .split_once(m.as_str())
            .ok_or_else(|| "封装包生成出错：找不到文件数据的位置".to_string())?;
        tee.write_all(before.as_bytes()).map_err(io_err)?;
        let mut encoder = base64::write::EncoderWriter::new(&mut tee, &B64);
        copy(i, &mut encoder).map_err(|e| format!("无法读取第 {} 个计算机文件：{e}", i + 1))?;
        encoder.finish().map_err(io_err)?;
        rest = after;
    }
    tee.write_all(rest.as_bytes()).map_err(io_err)?;
    let digest = tee.signed.take().map(|s| s.finalize()).unwrap_or_default();
    let block = signature_block(key, time, &digest)?;
    write!(tee, "\n{block}\n</电子文件封装包>\n").map_err(io_err)?;
    tee.flush().map_err(io_err)?;
    let Tee {
        out,
        sm3,
        sha,
        bytes,
        ..
    } = tee;
    let file = out.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(io_err)?;
    Ok(Written {
        bytes,
        sm3: hex::encode(sm3.finalize()),
        sha256: hex::encode(sha.finalize()),
    })
}

/// The 电子签名块: a CMS signature of the 被签名对象's SHA-256 `digest`.
fn signature_block(key: &OrganKey, time: &str, digest: &[u8]) -> Result<String, String> {
    use base64::Engine as _;
    use der::Encode as _;
    let cms = crate::sign::cms::sign_digest(key, digest).map_err(|e| e.to_string())?;
    let cert = key.certificate().to_der().map_err(|e| e.to_string())?;
    to_xml(&SignatureBlock {
        signature: Signature {
            id: "1".into(),
            rule: "CMS（RFC 5652）分离式签名，摘要算法 SHA-256；签名范围为本文件中“被签名对象”元素自起始标签至结束标签的原始字节".into(),
            time: time.into(),
            signer: key.subject(),
            result: B64.encode(cms),
            certificates: Certificates {
                certificate: B64.encode(cert),
            },
            reference: "被签名对象".into(),
            algorithm: key.key.algorithm().into(),
        },
    })
}
