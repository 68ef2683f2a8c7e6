//! Reading a 封装包 without holding its computer files in memory: one pass
//! over the file, in chunks, that (1) hashes the bytes of the one
//! 被签名对象 for its signature, (2) decodes each `<编码数据>`'s Base64 as it
//! streams past a [`Probe`] (which copies the file out for the virus scan
//! and keeps what the checks need), and (3) keeps the rest — the XML
//! without the data — for serde. The package file's own SM3 and SHA-256
//! come from the same pass. Hand-written because an XML reader hands a
//! text node over whole, which is the memory this avoids.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest as _, Sha256};
use sm3::Sm3;

use super::check::seen::{Probe, Seen};
use super::eep::{END, Package, START, check_signature};

const OPEN: &[u8] = "<编码数据>".as_bytes();
/// Largest XML kept besides the data (metadata and signature).
const SKELETON_LIMIT: usize = 64 << 20;
/// Bytes read at a time.
const CHUNK: usize = 1 << 20;

/// A 封装包 read back.
pub struct Scanned {
    /// The package without its files' data.
    pub package: Package,
    /// Each computer file (name, what was seen or why it could not be).
    pub files: Vec<(String, Result<Seen, String>)>,
    /// The signer, or why the signature does not hold.
    pub signature: Result<String, String>,
    /// The file's size, SM3 and SHA-256.
    pub file: (u64, String, String),
}

/// One `<编码数据>` being decoded.
struct Data {
    probe: Probe,
    carry: Vec<u8>,
    bad: bool,
}

impl Data {
    fn take(&mut self, text: &[u8]) {
        self.carry
            .extend(text.iter().filter(|b| !b.is_ascii_whitespace()));
        let whole = self.carry.len() / 4 * 4;
        self.decode(whole);
    }

    fn decode(&mut self, n: usize) {
        if n == 0 || self.bad {
            self.carry.drain(..n);
            return;
        }
        match B64.decode(&self.carry[..n]) {
            Ok(bytes) => {
                let _ = std::io::Write::write_all(&mut self.probe, &bytes);
            }
            Err(_) => self.bad = true,
        }
        self.carry.drain(..n);
    }

    fn finish(mut self) -> Result<Seen, String> {
        let rest = self.carry.len();
        self.decode(rest);
        match self.bad {
            true => Err("编码数据不是有效的 Base64".into()),
            false => Ok(self.probe.finish()),
        }
    }
}

/// The pass over the file.
#[derive(Default)]
struct Pass {
    skeleton: Vec<u8>,
    signed: Option<Sha256>,
    digest: Option<Vec<u8>>,
    marks: (usize, usize),
    data: Option<Data>,
    seen: Vec<Result<Seen, String>>,
}

impl Pass {
    /// Bytes outside any data: kept, and hashed inside the signed span.
    fn outside(&mut self, b: &[u8]) -> Result<(), String> {
        if self.skeleton.len() + b.len() > SKELETON_LIMIT {
            return Err(format!(
                "封装包的元数据部分超过 {} MB",
                SKELETON_LIMIT >> 20
            ));
        }
        self.skeleton.extend_from_slice(b);
        if let Some(s) = &mut self.signed {
            s.update(b);
        }
        Ok(())
    }

    /// Consumes what it can of `buf`; returns how many bytes it used.
    fn step(
        &mut self,
        buf: &[u8],
        eof: bool,
        stage: &dyn Fn(usize) -> Option<PathBuf>,
    ) -> Result<usize, String> {
        if let Some(d) = &mut self.data {
            let end = memchr::memchr(b'<', buf);
            let text = &buf[..end.unwrap_or(buf.len())];
            if let Some(s) = &mut self.signed {
                s.update(text);
            }
            d.take(text);
            if end.is_some() || eof {
                let finished = self.data.take().map(Data::finish);
                self.seen.extend(finished);
            }
            return Ok(text.len());
        }
        let found = [OPEN, START.as_bytes(), END.as_bytes()]
            .into_iter()
            .filter_map(|m| find(buf, m).map(|at| (at, m)))
            .min_by_key(|(at, _)| *at);
        let Some((at, mark)) = found else {
            let keep = if eof { 0 } else { END.len().min(buf.len()) };
            self.outside(&buf[..buf.len() - keep])?;
            return Ok(buf.len() - keep);
        };
        self.outside(&buf[..at])?;
        if mark == START.as_bytes() {
            self.marks.0 += 1;
            self.signed = Some(Sha256::new());
        }
        self.outside(mark)?;
        if mark == END.as_bytes() {
            self.marks.1 += 1;
            self.digest = self.signed.take().map(|s| s.finalize().to_vec());
        }
        if mark == OPEN {
            let to = stage(self.seen.len()).and_then(|p| std::fs::File::create(p).ok());
            self.data = Some(Data {
                probe: Probe::new(to),
                carry: Vec::new(),
                bad: false,
            });
        }
        Ok(at + mark.len())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Reads the 封装包 at `path`; file `i` is copied to `stage(i)` when that
/// names a path. The error says why it is not a readable package.
pub fn scan(path: &Path, stage: &dyn Fn(usize) -> Option<PathBuf>) -> Result<Scanned, String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("无法读取：{e}"))?;
    let (mut sm3, mut sha, mut size) = (Sm3::new(), Sha256::new(), 0u64);
    let mut pass = Pass::default();
    let mut pending: Vec<u8> = Vec::with_capacity(2 * CHUNK);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = file
            .read(&mut chunk)
            .map_err(|e| format!("无法读取：{e}"))?;
        sm3.update(&chunk[..n]);
        sha.update(&chunk[..n]);
        size += n as u64;
        pending.extend_from_slice(&chunk[..n]);
        let eof = n == 0;
        loop {
            let used = pass.step(&pending, eof, stage)?;
            pending.drain(..used);
            if used == 0 || pending.is_empty() {
                break;
            }
        }
        if eof {
            break;
        }
    }
    finish(
        pass,
        (
            size,
            hex::encode(sm3.finalize()),
            hex::encode(sha.finalize()),
        ),
    )
}

fn finish(pass: Pass, file: (u64, String, String)) -> Result<Scanned, String> {
    let text =
        String::from_utf8(pass.skeleton).map_err(|_| "封装包不是 UTF-8 编码的 XML".to_string())?;
    let package: Package =
        quick_xml::de::from_str(&text).map_err(|e| format!("封装包 XML 无法解析：{e}"))?;
    let signature = match (pass.marks, pass.digest) {
        ((1, 1), Some(d)) => check_signature(&d, &package.signatures.signature),
        ((0, _), _) | ((_, 0), _) => Err("封装包中没有“被签名对象”".into()),
        _ => Err("封装包中的“被签名对象”不止一个或结构错乱".into()),
    };
    let names = package
        .signed
        .content
        .files
        .entity
        .docs
        .iter()
        .map(|d| d.data.encoding.name.clone());
    let mut seen = pass.seen.into_iter();
    let files = names
        .map(|n| (n, seen.next().unwrap_or_else(|| Err("没有编码数据".into()))))
        .collect();
    Ok(Scanned {
        package,
        files,
        signature,
        file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_split_anywhere_decodes_to_the_same_file() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let text = B64.encode(&bytes);
        for step in [1, 3, 7, 4096] {
            let mut d = Data {
                probe: Probe::new(None),
                carry: Vec::new(),
                bad: false,
            };
            for piece in text.as_bytes().chunks(step) {
                d.take(piece);
                d.take(b"\n ");
            }
            let seen = d.finish().unwrap();
            assert_eq!(seen.size, bytes.len() as u64);
            assert_eq!(seen.sha256, Seen::of_bytes(&bytes).sha256, "step {step}");
        }
        let mut bad = Data {
            probe: Probe::new(None),
            carry: Vec::new(),
            bad: false,
        };
        bad.take(b"AB*D");
        assert!(bad.finish().is_err());
    }
}
