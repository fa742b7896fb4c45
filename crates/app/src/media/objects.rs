//! Where media bytes live: one interface, two implementations. The default
//! is a folder in the data directory (`<data_dir>/media/objects/ab/abcdef…`,
//! so backups include it); a scale-out installation points at an
//! S3-compatible bucket instead. Keys are SHA-256 hex digests: objects are
//! immutable, written once, never changed.

use std::future::Future;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use crate::{AppError, Result};

/// Which object store to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectStoreConfig {
    Local {
        dir: PathBuf,
    },
    S3 {
        endpoint: String,
        bucket: String,
        region: String,
        access_key: String,
        secret_key: String,
        /// Prefix inside the bucket.
        root: String,
    },
}

impl ObjectStoreConfig {
    /// The default: `<data_dir>/media/objects`.
    pub fn local_in(data_dir: &Path) -> Self {
        ObjectStoreConfig::Local {
            dir: data_dir.join("media").join("objects"),
        }
    }
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Immutable objects under content-hash keys.
pub trait ObjectStore: Send + Sync {
    /// Stores `bytes` under `key` (durably) unless it is already there.
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, ()>;
    /// The object's size, or None when absent.
    fn head<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<u64>>;
    /// Bytes `start..end` of the object (end exclusive).
    fn get_range<'a>(&'a self, key: &'a str, start: u64, end: u64) -> BoxFuture<'a, Vec<u8>>;
}

/// Opens the configured store.
pub fn open(config: &ObjectStoreConfig) -> Result<Arc<dyn ObjectStore>> {
    match config {
        ObjectStoreConfig::Local { dir } => Ok(Arc::new(LocalStore { dir: dir.clone() })),
        ObjectStoreConfig::S3 { .. } => Ok(Arc::new(S3Store::new(config)?)),
    }
}

/// Only lowercase hex keys of 64 characters are ever used as paths.
pub fn valid_key(key: &str) -> bool {
    key.len() == 64
        && key
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn checked(key: &str) -> Result<&str> {
    if valid_key(key) {
        Ok(key)
    } else {
        Err(AppError::internal(format!("invalid object key {key:?}")))
    }
}

/// A folder: `dir/ab/abcdef…`.
pub struct LocalStore {
    dir: PathBuf,
}

impl LocalStore {
    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(key)
    }
}

fn io(error: std::io::Error) -> AppError {
    AppError::internal(format!("object store: {error}"))
}

/// Writes to a temporary file in the same folder, syncs it, renames it into
/// place and syncs the folder, so a crash leaves either nothing or the
/// whole object.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("object");
    let temp = folder.join(format!(".{name}.{}.tmp", rand::random::<u64>()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        std::fs::File::open(folder)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn read_range(path: &Path, start: u64, end: u64) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let len = usize::try_from(end.saturating_sub(start)).unwrap_or(usize::MAX);
    let mut buffer = vec![0; len];
    file.read_exact(&mut buffer)?;
    Ok(buffer)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(AppError::internal)?
        .map_err(io)
}

impl ObjectStore for LocalStore {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let path = self.path(checked(key)?);
            blocking(move || {
                if path.is_file() {
                    return Ok(());
                }
                write_atomically(&path, &bytes)
            })
            .await
        })
    }

    fn head<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<u64>> {
        Box::pin(async move {
            let path = self.path(checked(key)?);
            blocking(move || match std::fs::metadata(&path) {
                Ok(meta) => Ok(Some(meta.len())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            })
            .await
        })
    }

    fn get_range<'a>(&'a self, key: &'a str, start: u64, end: u64) -> BoxFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let path = self.path(checked(key)?);
            blocking(move || read_range(&path, start, end)).await
        })
    }
}

/// An S3-compatible bucket, through OpenDAL (rustls, no OpenSSL).
pub struct S3Store {
    operator: opendal::Operator,
}

fn s3_error(error: opendal::Error) -> AppError {
    AppError::internal(format!("object store (S3): {error}"))
}

impl S3Store {
    fn new(config: &ObjectStoreConfig) -> Result<Self> {
        let ObjectStoreConfig::S3 {
            endpoint,
            bucket,
            region,
            access_key,
            secret_key,
            root,
        } = config
        else {
            return Err(AppError::internal("not an S3 configuration"));
        };
        let builder = opendal::services::S3::default()
            .endpoint(endpoint)
            .bucket(bucket)
            .region(region)
            .access_key_id(access_key)
            .secret_access_key(secret_key)
            .root(root);
        let operator = opendal::Operator::new(builder).map_err(s3_error)?;
        Ok(Self { operator })
    }

    fn path(key: &str) -> String {
        format!("{}/{key}", &key[..2])
    }
}

impl ObjectStore for S3Store {
    fn put<'a>(&'a self, key: &'a str, bytes: Vec<u8>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let path = Self::path(checked(key)?);
            if self.head(key).await?.is_some() {
                return Ok(());
            }
            self.operator
                .write(&path, bytes)
                .await
                .map(|_| ())
                .map_err(s3_error)
        })
    }

    fn head<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Option<u64>> {
        Box::pin(async move {
            let path = Self::path(checked(key)?);
            match self.operator.stat(&path).await {
                Ok(meta) => Ok(Some(meta.content_length())),
                Err(e) if e.kind() == opendal::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(s3_error(e)),
            }
        })
    }

    fn get_range<'a>(&'a self, key: &'a str, start: u64, end: u64) -> BoxFuture<'a, Vec<u8>> {
        Box::pin(async move {
            let path = Self::path(checked(key)?);
            let buffer = self
                .operator
                .read_with(&path)
                .range(start..end)
                .await
                .map_err(s3_error)?;
            Ok(buffer.to_vec())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_store_writes_once_and_reads_ranges() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = open(&ObjectStoreConfig::local_in(dir.path())).expect("open");
        let key = "ab".repeat(32);
        store.put(&key, b"hello world".to_vec()).await.expect("put");
        store
            .put(&key, b"hello world".to_vec())
            .await
            .expect("put again");
        assert_eq!(store.head(&key).await.expect("head"), Some(11));
        assert_eq!(store.get_range(&key, 6, 11).await.expect("get"), b"world");
        let path = dir.path().join("media/objects/ab").join(&key);
        assert!(path.is_file());
        assert!(store.head(&"cd".repeat(32)).await.expect("head").is_none());
        assert!(store.put("../etc/passwd", vec![]).await.is_err());
    }

    #[test]
    fn s3_store_is_configured_without_network() {
        let config = ObjectStoreConfig::S3 {
            endpoint: "http://127.0.0.1:9000".into(),
            bucket: "media".into(),
            region: "us-east-1".into(),
            access_key: "key".into(),
            secret_key: "secret".into(),
            root: "/dangjian".into(),
        };
        assert!(open(&config).is_ok());
    }
}
