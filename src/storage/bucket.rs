//! The S3-compatible bucket of a distributed setup, through the
//! `object_store` crate: content-addressed objects under the same keys as
//! the local layout (`objects/sha256/<2 hex>/<64 hex>`), so a bucket and a
//! local archive list the same names.
//!
//! A put checks first whether the key exists (content addressing makes an
//! existing key the same bytes) and never overwrites; small objects go in
//! one PUT, large ones in a multipart upload that is aborted on any error.
//! Either way S3 makes the object visible only once it is whole.
//!
//! An `https://` endpoint is checked against `[storage.bucket] ca_file`
//! when it is set (those CAs only), else against the file named by
//! `AWS_CA_BUNDLE` when that is set (as the AWS tools do), else against
//! the system's CAs.

use std::io::{self, Write};
use std::sync::Arc;

use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::{
    Certificate, ClientOptions, ObjectStore as _, ObjectStoreExt as _, PutPayload, WriteMultipart,
};

use super::digest::{Digest, object_key};
use super::{BucketConfig, StorageError, run};

/// Objects up to this size are sent in one PUT.
const SINGLE_PUT: u64 = 16 << 20;
/// Part size of multipart uploads.
const PART: usize = 8 << 20;
/// Parts in flight at once per upload.
const PARTS_IN_FLIGHT: usize = 4;
/// Objects sent at once by one flush.
const PUTS_IN_FLIGHT: usize = 16;
/// Keys per multi-object delete request.
const DELETE_BATCH: usize = 100;
/// Delete requests at once.
const DELETES_IN_FLIGHT: usize = 4;

/// One bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    store: Arc<dyn object_store::ObjectStore>,
    /// `endpoint bucket`, for messages.
    name: String,
    /// The setting that chose the CAs, for messages.
    trust: String,
}

/// The client options of `cfg`'s endpoint: the CAs it trusts, and which
/// setting chose them (for messages).
fn client_options(cfg: &BucketConfig) -> Result<(ClientOptions, String), String> {
    let options = ClientOptions::new().with_allow_http(cfg.endpoint.starts_with("http://"));
    let file = match (&cfg.ca_file, env("AWS_CA_BUNDLE")) {
        _ if !cfg.endpoint.starts_with("https://") => None,
        (Some(file), _) => Some((file.clone(), "[storage.bucket] ca_file")),
        (None, Some(env)) => Some((env.into(), "环境变量 AWS_CA_BUNDLE")),
        (None, None) => None,
    };
    let Some((file, setting)) = file else {
        if cfg.endpoint.starts_with("http://") {
            // Plain HTTP trusts no CA: loading the system's store would
            // only cost each command a few milliseconds.
            return Ok((options.with_no_system_certificates(true), "不用 TLS".into()));
        }
        return Ok((options, "系统的 CA 证书".into()));
    };
    let certs = super::tls::read_pem(&file).map_err(|e| format!("{setting}：{e}"))?;
    let mut options = options.with_no_system_certificates(true);
    for der in certs {
        let cert = Certificate::from_der(der.as_ref()).map_err(|e| format!("{setting}：{e}"))?;
        options = options.with_root_certificate(cert);
    }
    Ok((options, format!("{setting}（{}）", file.display())))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Bucket {
    /// Connects to the bucket of `cfg` with the keys in the environment.
    pub fn open(cfg: &BucketConfig) -> Result<Bucket, StorageError> {
        let fail = |reason: String| StorageError::Bucket {
            endpoint: cfg.endpoint.clone(),
            bucket: cfg.name.clone(),
            reason,
        };
        let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(fail(
                "没有访问密钥：请在环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY 中设置（不要写进配置文件）".into(),
            ));
        };
        let (options, trust) = client_options(cfg).map_err(fail)?;
        let store = AmazonS3Builder::new()
            .with_client_options(options)
            .with_endpoint(&cfg.endpoint)
            .with_region(&cfg.region)
            .with_bucket_name(&cfg.name)
            .with_access_key_id(id)
            .with_secret_access_key(secret)
            .with_virtual_hosted_style_request(!cfg.path_style)
            .with_disable_tagging(true)
            .build()
            .map_err(|e| fail(e.to_string()))?;
        Ok(Bucket {
            store: Arc::new(store),
            name: format!("{} 桶 {}", cfg.endpoint, cfg.name),
            trust,
        })
    }

    /// The key of an object.
    pub fn key(d: &Digest) -> Key {
        Key::from(object_key(d))
    }

    /// A refused certificate as the message naming the CA setting.
    fn refused(&self, e: &object_store::Error) -> Option<StorageError> {
        let why = super::tls::refused_certificate(e)?;
        Some(StorageError::Tls {
            service: format!("对象存储 {} ", self.name),
            setting: format!("[storage.bucket] ca_file（现在信任的是 {}）", self.trust),
            reason: format!("服务器的证书未通过校验（{why}）"),
        })
    }

    fn err(&self, e: object_store::Error) -> io::Error {
        if let Some(tls) = self.refused(&e) {
            return io::Error::other(tls);
        }
        match e {
            object_store::Error::NotFound { .. } => io::Error::new(
                io::ErrorKind::NotFound,
                format!("{}：对象不存在", self.name),
            ),
            e => io::Error::other(format!("对象存储 {} 出错：{e}", self.name)),
        }
    }

    /// The stored size of an object, if it is there.
    pub fn size(&self, d: &Digest) -> io::Result<Option<u64>> {
        let key = Self::key(d);
        match run(self.store.head(&key)) {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.err(e)),
        }
    }

    /// Streams an object's bytes into `sink`; returns how many. The
    /// download runs on the storage runtime and hands over a few chunks at
    /// a time, so memory stays bounded whatever the object's size.
    pub fn copy_to(&self, d: &Digest, sink: &mut impl Write) -> io::Result<u64> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<bytes::Bytes>>(4);
        let (store, key, this) = (self.store.clone(), Self::key(d), self.clone());
        super::runtime::spawn(async move {
            let send = |c| tokio::task::block_in_place(|| tx.send(c).is_ok());
            match store.get(&key).await {
                Err(e) => {
                    send(Err(this.err(e)));
                }
                Ok(got) => {
                    let mut stream = got.into_stream();
                    while let Some(chunk) = stream.next().await {
                        let failed = chunk.is_err();
                        if !send(chunk.map_err(|e| this.err(e))) || failed {
                            break;
                        }
                    }
                }
            }
        });
        let mut n = 0u64;
        for chunk in rx {
            let chunk = chunk?;
            sink.write_all(&chunk)?;
            n += chunk.len() as u64;
        }
        Ok(n)
    }

    /// Sends every pending object (digest → its temp file), several at a
    /// time; the temp files are removed once all are stored.
    pub fn put_all(
        &self,
        pending: std::collections::BTreeMap<Digest, tempfile::TempPath>,
    ) -> io::Result<()> {
        let jobs: Vec<(Digest, std::path::PathBuf)> =
            pending.iter().map(|(d, p)| (*d, p.to_path_buf())).collect();
        run(async {
            let mut puts = futures_util::stream::iter(jobs)
                .map(|(d, path)| self.put_path(d, path))
                .buffer_unordered(PUTS_IN_FLIGHT);
            while let Some(r) = puts.next().await {
                r?;
            }
            Ok::<(), io::Error>(())
        })?;
        drop(pending);
        Ok(())
    }

    async fn put_path(&self, d: Digest, path: std::path::PathBuf) -> io::Result<()> {
        let size = tokio::fs::metadata(&path).await?.len();
        let key = Self::key(&d);
        if size <= SINGLE_PUT {
            let bytes = tokio::fs::read(&path).await?;
            self.store
                .put(&key, PutPayload::from(bytes))
                .await
                .map_err(|e| self.err(e))?;
            return Ok(());
        }
        let mut file = tokio::fs::File::open(&path).await?;
        let upload = self
            .store
            .put_multipart(&key)
            .await
            .map_err(|e| self.err(e))?;
        let mut w = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buf = vec![0u8; PART];
        let sent: io::Result<()> = async {
            loop {
                let n = tokio::io::AsyncReadExt::read(&mut file, &mut buf).await?;
                if n == 0 {
                    return Ok(());
                }
                w.wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(|e| self.err(e))?;
                w.write(&buf[..n]);
            }
        }
        .await;
        match sent {
            Ok(()) => w.finish().await.map(|_| ()).map_err(|e| self.err(e)),
            Err(e) => {
                // Parts already sent would otherwise linger unused.
                let _ = w.abort().await;
                Err(e)
            }
        }
    }

    /// Checks that the bucket answers with these keys (a missing probe key
    /// is the expected answer).
    pub fn probe(&self) -> Result<(), StorageError> {
        let key = Key::from("kaoping-probe");
        match run(self.store.head(&key)) {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.refused(&e).unwrap_or_else(|| StorageError::Bucket {
                endpoint: self.name.clone(),
                bucket: String::new(),
                reason: format!("{e}（请检查地址、桶名、区域和访问密钥）"),
            })),
        }
    }

    /// Every object in the bucket with its size.
    pub fn list(&self) -> io::Result<Vec<(Digest, u64)>> {
        let aged = self.list_aged()?;
        Ok(aged.into_iter().map(|o| (o.digest, o.size)).collect())
    }

    /// Every object in the bucket with its size and last-modified time.
    pub fn list_aged(&self) -> io::Result<Vec<super::AgedObject>> {
        let prefix = Key::from("objects/sha256");
        run(async {
            let mut out = Vec::new();
            let mut stream = self.store.list(Some(&prefix));
            while let Some(meta) = stream.next().await {
                let meta = meta.map_err(|e| self.err(e))?;
                if let Some(digest) = meta.location.filename().and_then(Digest::from_hex) {
                    out.push(super::AgedObject {
                        digest,
                        size: meta.size,
                        modified: meta.last_modified.into(),
                    });
                }
            }
            out.sort_by_key(|o| o.digest);
            Ok(out)
        })
    }

    /// Deletes objects with S3's multi-object delete, [`DELETE_BATCH`]
    /// keys per request and a few requests at once (a request of 1,000
    /// keys, the S3 maximum, can outlast the client's timeout on a busy
    /// replicated store); a key already gone is no error.
    pub fn delete(&self, ds: &[Digest]) -> io::Result<()> {
        let batches: Vec<Vec<Key>> = ds
            .chunks(DELETE_BATCH)
            .map(|c| c.iter().map(Self::key).collect())
            .collect();
        run(async {
            let mut requests = futures_util::stream::iter(batches)
                .map(|keys| self.delete_batch(keys))
                .buffer_unordered(DELETES_IN_FLIGHT);
            while let Some(r) = requests.next().await {
                r?;
            }
            Ok(())
        })
    }

    async fn delete_batch(&self, keys: Vec<Key>) -> io::Result<()> {
        let keys = futures_util::stream::iter(keys.into_iter().map(Ok)).boxed();
        let mut gone = self.store.delete_stream(keys);
        while let Some(r) = gone.next().await {
            match r {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(self.err(e)),
            }
        }
        Ok(())
    }

    /// Moves a damaged object to `quarantine/<hex>.<stamp>` (copy, then
    /// delete) and returns the new key.
    pub fn quarantine(&self, d: &Digest, stamp: &str) -> io::Result<String> {
        let to = format!("quarantine/{}.{stamp}", d.hex());
        let (from, to_key) = (Self::key(d), Key::from(to.as_str()));
        run(async {
            self.store.copy(&from, &to_key).await?;
            self.store.delete(&from).await
        })
        .map_err(|e| self.err(e))?;
        Ok(to)
    }
}
