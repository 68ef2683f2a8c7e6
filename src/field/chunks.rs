//! A phone's photo bytes, addressed by their SHA-256 and sent in chunks
//! that survive a dropped connection or a server restart: each account's
//! partial files live under `field-uploads/` in the archive root (not the
//! staging folder, which a starting server empties). A chunk is appended
//! only at the offset the server already holds and synced to disk before
//! it is acknowledged; a phone that lost an answer asks [`state`] and goes
//! on from there. The whole file is checked against its hash before it is
//! kept; its record ([`super::outbox`]) then moves it into the store.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::Digest as _;

use super::FieldError;
use crate::accounts::Account;
use crate::archive::Archive;
use crate::archive::store::Digest;
use crate::config::FieldSettings;

/// Folder under the archive root for photos on their way in.
pub const FOLDER: &str = "field-uploads";
/// Largest chunk taken in one request (bytes).
pub const MAX_CHUNK: u64 = 1 << 20;

/// What the server holds of a photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BlobState {
    /// The whole photo is here (in the store or received in full).
    pub have: bool,
    /// Bytes received so far (the offset of the next chunk).
    pub offset: u64,
}

/// One chunk of a photo.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// SHA-256 of the whole photo.
    pub sha256: &'a str,
    /// The whole photo's size.
    pub total: u64,
    /// Where this chunk starts.
    pub offset: u64,
    /// Its bytes.
    pub bytes: &'a [u8],
}

fn refused(sha: &str, why: impl Into<String>) -> FieldError {
    FieldError::BadFile {
        name: format!("照片 {}", &sha[..sha.len().min(12)]),
        why: why.into(),
    }
}

/// Refuses anything but 64 lowercase hex digits.
pub fn check_sha(sha: &str) -> Result<(), FieldError> {
    let ok = sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    match ok {
        true => Ok(()),
        false => Err(FieldError::BadField {
            field: "照片哈希",
            value: sha.chars().take(80).collect(),
            why: "应为 64 位小写十六进制的 SHA-256".into(),
        }),
    }
}

/// The account's folder: named by a hash of its name (names may hold any
/// character).
fn folder(archive: &Archive, account: &Account) -> PathBuf {
    let key = hex::encode(sha2::Sha256::digest(account.name.as_bytes()));
    archive.root().join(FOLDER).join(&key[..16])
}

fn part(archive: &Archive, account: &Account, sha: &str) -> PathBuf {
    folder(archive, account).join(format!("{sha}.part"))
}

fn whole(archive: &Archive, account: &Account, sha: &str) -> PathBuf {
    folder(archive, account).join(format!("{sha}.whole"))
}

fn io(archive: &Archive) -> impl Fn(std::io::Error) -> FieldError + '_ {
    super::io_err(archive)
}

/// What the server holds of photo `sha` for `account`.
pub fn state(archive: &Archive, account: &Account, sha: &str) -> Result<BlobState, FieldError> {
    check_sha(sha)?;
    let digest = Digest::from_hex(sha).ok_or_else(|| refused(sha, "哈希无效"))?;
    if let Some(size) = archive.store().size(&digest).map_err(io(archive))? {
        return Ok(BlobState {
            have: true,
            offset: size,
        });
    }
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    if let Some(size) = len(&whole(archive, account, sha)) {
        return Ok(BlobState {
            have: true,
            offset: size,
        });
    }
    Ok(BlobState {
        have: false,
        offset: len(&part(archive, account, sha)).unwrap_or(0),
    })
}

/// Takes one chunk under the writer lock (the caller's). A chunk that
/// does not start where the server's copy ends is not written: the answer
/// says where to go on. The limits are checked before anything is
/// written; the last chunk's file is checked against the hash.
pub fn put(
    archive: &Archive,
    settings: &FieldSettings,
    account: &Account,
    chunk: Chunk<'_>,
) -> Result<BlobState, FieldError> {
    let sha = chunk.sha256;
    check_sha(sha)?;
    let max = settings.max_photo_bytes();
    if chunk.total == 0 || chunk.total > max {
        let why = format!(
            "照片大小 {} 不在 1 字节到上限 {} 之间（kaoping.toml 中 [field] max_photo_mb）",
            crate::sizes::size_text(chunk.total),
            crate::sizes::size_text(max)
        );
        return Err(refused(sha, why));
    }
    let len = chunk.bytes.len() as u64;
    if len > MAX_CHUNK || chunk.offset.saturating_add(len) > chunk.total {
        return Err(refused(sha, "分块超出照片大小或单块上限"));
    }
    let now = state(archive, account, sha)?;
    if now.have || chunk.offset != now.offset {
        return Ok(now);
    }
    let path = part(archive, account, sha);
    std::fs::create_dir_all(folder(archive, account)).map_err(io(archive))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io(archive))?;
    f.write_all(chunk.bytes).map_err(io(archive))?;
    f.sync_data().map_err(io(archive))?;
    let offset = chunk.offset + len;
    if offset < chunk.total {
        return Ok(BlobState {
            have: false,
            offset,
        });
    }
    finish(archive, account, sha, &path)?;
    Ok(BlobState { have: true, offset })
}

/// Checks the received file against its hash and keeps it as whole.
fn finish(archive: &Archive, account: &Account, sha: &str, path: &Path) -> Result<(), FieldError> {
    let file = std::fs::File::open(path).map_err(io(archive))?;
    let (digest, _) = crate::archive::store::hash_reader(file).map_err(io(archive))?;
    if digest.hex() != sha {
        let _ = std::fs::remove_file(path);
        return Err(refused(
            sha,
            "收到的内容与哈希不符（传输中损坏），已丢弃，请重新上传",
        ));
    }
    let to = whole(archive, account, sha);
    std::fs::rename(path, &to).map_err(io(archive))?;
    crate::fsutil::sync_dir(&folder(archive, account)).map_err(io(archive))?;
    Ok(())
}

/// Takes a whole photo at once (an exported outbox), chunk by chunk.
pub fn put_whole(
    archive: &Archive,
    settings: &FieldSettings,
    account: &Account,
    sha256: &str,
    bytes: &[u8],
) -> Result<BlobState, FieldError> {
    let mut now = state(archive, account, sha256)?;
    while !now.have {
        let from = usize::try_from(now.offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let to = (from + MAX_CHUNK as usize).min(bytes.len());
        let chunk = Chunk {
            sha256,
            total: bytes.len() as u64,
            offset: from as u64,
            bytes: &bytes[from..to],
        };
        let next = put(archive, settings, account, chunk)?;
        if next == now {
            return Err(refused(sha256, "无法续传（服务器上的部分文件不一致）"));
        }
        now = next;
    }
    Ok(now)
}

/// A whole photo ready for its record: received in full, or a copy of
/// the stored object.
pub struct Blob {
    path: PathBuf,
    staged: bool,
    _copy: Option<tempfile::TempDir>,
}

impl Blob {
    /// Where its bytes are.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its record is stored: the received file is no longer needed.
    pub fn done(self) {
        if self.staged {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// The whole photo `sha` of `account`, or a refusal saying it has not all
/// arrived.
pub fn open(archive: &Archive, account: &Account, sha: &str) -> Result<Blob, FieldError> {
    check_sha(sha)?;
    let path = whole(archive, account, sha);
    if path.exists() {
        return Ok(Blob {
            path,
            staged: true,
            _copy: None,
        });
    }
    let digest = Digest::from_hex(sha).ok_or_else(|| refused(sha, "哈希无效"))?;
    if !archive.store().contains(&digest) {
        return Err(refused(
            sha,
            "服务器还没有收到这张照片的全部内容，请重新上传",
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("field-photo")
        .tempdir_in(archive.root())
        .map_err(io(archive))?;
    let copy = dir.path().join("photo");
    let mut f = std::fs::File::create(&copy).map_err(io(archive))?;
    archive
        .store()
        .copy_verified(&digest, &mut f)
        .map_err(io(archive))?;
    Ok(Blob {
        path: copy,
        staged: false,
        _copy: Some(dir),
    })
}
