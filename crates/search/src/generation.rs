//! Index generations on disk.
//!
//! The index directory holds one subdirectory per generation (`gen-000001`,
//! `gen-000002`, ...) and a pointer file `CURRENT` naming the generation in
//! use, the schema version and the dictionary fingerprint it was written
//! with. A rebuild writes the
//! next generation beside the current one, then replaces `CURRENT`
//! atomically (write a temporary file, fsync, rename, fsync the directory):
//! after a crash the pointer names either the old or the new generation,
//! never a half-built one. Generations that `CURRENT` does not name are
//! leftovers and are removed when the index is opened.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::MmapDirectory;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

use crate::error::{Result, SearchError};
use crate::schema::{self, Fields, SCHEMA_VERSION};
use crate::segment::{Segmenter, dictionary_fingerprint};
use crate::tokenize::{self, GramTokenizer, PinyinTokenizer, WordTokenizer};

const POINTER: &str = "CURRENT";
const PREFIX: &str = "gen-";

/// How the writer of a generation is sized.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Memory for buffering new documents before they are written out, in
    /// bytes, shared by the indexing threads (tantivy needs at least 15 MB
    /// per thread).
    pub memory_bytes: usize,
    /// Indexing threads.
    pub threads: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            memory_bytes: 50_000_000,
            threads: 2,
        }
    }
}

/// One opened generation: its index, reader and field handles.
pub(crate) struct Generation {
    pub name: String,
    pub path: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
}

impl Generation {
    /// Creates a new, empty generation `name` under `root`.
    pub(crate) fn create(root: &Path, name: &str, segmenter: &Arc<Segmenter>) -> Result<Self> {
        let path = root.join(name);
        if path.exists() {
            fs::remove_dir_all(&path).map_err(|e| SearchError::io(&path, e))?;
        }
        fs::create_dir_all(&path).map_err(|e| SearchError::io(&path, e))?;
        let dir = MmapDirectory::open(&path).map_err(|e| SearchError::Layout {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        let index = Index::create(dir, schema::build(), Default::default())?;
        Self::wrap(name, path, index, segmenter)
    }

    /// Opens the existing generation `name` under `root`.
    pub(crate) fn open(root: &Path, name: &str, segmenter: &Arc<Segmenter>) -> Result<Self> {
        let path = root.join(name);
        let index = Index::open_in_dir(&path)?;
        Self::wrap(name, path, index, segmenter)
    }

    fn wrap(name: &str, path: PathBuf, index: Index, segmenter: &Arc<Segmenter>) -> Result<Self> {
        register_tokenizers(&index, segmenter);
        let fields = Fields::resolve(&index.schema()).map_err(|reason| SearchError::Layout {
            path: path.clone(),
            reason,
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Generation {
            name: name.to_string(),
            path,
            index,
            reader,
            fields,
        })
    }

    /// A writer for this generation (holds the generation's lock file).
    pub(crate) fn writer(&self, options: WriterOptions) -> Result<IndexWriter> {
        let threads = options.threads.max(1);
        let memory = options.memory_bytes.max(threads * 15_000_000);
        Ok(self.index.writer_with_num_threads(threads, memory)?)
    }

    /// The change sequence number stored by the last commit, if any.
    pub(crate) fn last_change_seq(&self) -> Result<Option<i64>> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.trim().parse().ok()))
    }
}

fn register_tokenizers(index: &Index, segmenter: &Arc<Segmenter>) {
    let manager = index.tokenizers();
    manager.register(
        tokenize::WORD,
        TextAnalyzer::from(WordTokenizer {
            segmenter: segmenter.clone(),
        }),
    );
    manager.register(tokenize::GRAM, TextAnalyzer::from(GramTokenizer));
    manager.register(
        tokenize::PINYIN,
        TextAnalyzer::from(PinyinTokenizer {
            segmenter: segmenter.clone(),
        }),
    );
}

/// What `CURRENT` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pointer {
    pub name: String,
    pub schema_version: u32,
    /// The dictionary the generation was segmented with (see
    /// `segment::dictionary_fingerprint`); `None` if not recorded.
    pub dictionary: Option<String>,
}

/// Reads `CURRENT`; `None` when there is none yet.
pub(crate) fn read_pointer(root: &Path) -> Result<Option<Pointer>> {
    let path = root.join(POINTER);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(SearchError::io(path, e)),
    };
    let mut lines = text.lines();
    let name = lines.next().unwrap_or("").trim().to_string();
    let version = lines.next().and_then(|v| v.trim().parse().ok());
    let dictionary = lines.next().map(|d| d.trim().to_string());
    match version {
        Some(schema_version) if is_generation_name(&name) => Ok(Some(Pointer {
            name,
            schema_version,
            dictionary,
        })),
        _ => Err(SearchError::Layout {
            path,
            reason: "the pointer file is not `gen-NNNNNN` and a schema version".into(),
        }),
    }
}

/// Points `CURRENT` at generation `name`, written with this build's
/// schema and dictionary, atomically and durably.
pub(crate) fn write_pointer(root: &Path, name: &str) -> Result<()> {
    let tmp = root.join(format!("{POINTER}.tmp"));
    let path = root.join(POINTER);
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        let dictionary = dictionary_fingerprint();
        writeln!(file, "{name}\n{SCHEMA_VERSION}\n{dictionary}")?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        fs::File::open(root)?.sync_all()
    };
    write().map_err(|e| SearchError::io(&path, e))
}

fn is_generation_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The generation after `name` (`gen-000001` for none).
pub(crate) fn next_name(name: Option<&str>) -> String {
    let number = name
        .and_then(|n| n.strip_prefix(PREFIX))
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(0);
    format!("{PREFIX}{:06}", number + 1)
}

/// Removes every generation directory but `keep`.
pub(crate) fn remove_others(root: &Path, keep: &str) -> Result<()> {
    let entries = fs::read_dir(root).map_err(|e| SearchError::io(root, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_generation_name(&name) && name != keep {
            remove_dir(&entry.path())?;
        }
    }
    Ok(())
}

pub(crate) fn remove_dir(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(SearchError::io(path, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_pointer_round_trip() {
        assert_eq!(next_name(None), "gen-000001");
        assert_eq!(next_name(Some("gen-000041")), "gen-000042");
        assert!(!is_generation_name("gen-"));
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_pointer(dir.path()).unwrap(), None);
        write_pointer(dir.path(), "gen-000003").unwrap();
        assert_eq!(
            read_pointer(dir.path()).unwrap(),
            Some(Pointer {
                name: "gen-000003".into(),
                schema_version: SCHEMA_VERSION,
                dictionary: Some(dictionary_fingerprint()),
            })
        );
        fs::write(dir.path().join(POINTER), "../etc\n1\n").unwrap();
        assert!(read_pointer(dir.path()).is_err());
    }
}
