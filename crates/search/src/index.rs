//! The index: lifecycle, writes, commits and generation swaps.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use arc_swap::ArcSwap;
use tantivy::indexer::UserOperation;
use tantivy::{IndexWriter, Term};

use crate::doc::SearchDoc;
use crate::error::{Result, SearchError};
use crate::generation::{self, Generation, WriterOptions};
use crate::query::{SearchQuery, SearchResults};
use crate::schema::SCHEMA_VERSION;
use crate::search;
use crate::segment::{Segmenter, dictionary_fingerprint};
use crate::synonyms::Synonyms;

/// A Chinese full-text index in a directory. Share it through an `Arc`:
/// every method takes `&self`, searches run concurrently with writes.
pub struct SearchIndex {
    root: PathBuf,
    options: WriterOptions,
    segmenter: Arc<Segmenter>,
    synonyms: ArcSwap<Synonyms>,
    /// The generation searches read from.
    current: ArcSwap<Generation>,
    /// The current generation's writer. Held while writing, committing and
    /// swapping, so that no write lands in a generation being retired.
    writer: Mutex<WriterSlot>,
    rebuilding: AtomicBool,
    /// Whether the current generation was segmented with this build's
    /// dictionaries. If not, queries do not rely on dictionary words being
    /// indexed as words (slower, still exact) until a rebuild.
    dictionary_current: AtomicBool,
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing, with the default
    /// writer (50 MB, 2 threads).
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        Self::open_with(dir, WriterOptions::default())
    }

    /// Opens the index in `dir` with a writer sized by `options`.
    ///
    /// An index written with another schema version is not reused: a new
    /// empty generation takes its place and [`Self::last_change_seq`] is
    /// `None`, so the feeder starts over from the first change.
    pub fn open_with(dir: impl AsRef<Path>, options: WriterOptions) -> Result<Self> {
        let root = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(|e| SearchError::io(&root, e))?;
        let segmenter = Arc::new(Segmenter::new());
        let (current, dictionary_current) = match generation::read_pointer(&root)? {
            Some(p) if p.schema_version == SCHEMA_VERSION => {
                let same = p.dictionary.as_deref() == Some(&dictionary_fingerprint());
                (Generation::open(&root, &p.name, &segmenter)?, same)
            }
            previous => {
                let name = generation::next_name(previous.as_ref().map(|p| p.name.as_str()));
                let created = Generation::create(&root, &name, &segmenter)?;
                generation::write_pointer(&root, &name)?;
                (created, true)
            }
        };
        // The writer's lock file comes first: a second `SearchIndex` on the
        // same directory fails here, before it could remove a generation
        // that the first one is rebuilding.
        let writer = current.writer(options)?;
        generation::remove_others(&root, &current.name)?;
        Ok(SearchIndex {
            root,
            options,
            segmenter,
            synonyms: ArcSwap::from_pointee(Synonyms::default()),
            current: ArcSwap::from_pointee(current),
            writer: Mutex::new(WriterSlot::new(writer, false)),
            rebuilding: AtomicBool::new(false),
            dictionary_current: AtomicBool::new(dictionary_current),
        })
    }

    /// Whether the index was segmented with another version of the shipped
    /// dictionaries and should be rebuilt. Searches stay correct meanwhile,
    /// only slower for long words.
    pub fn needs_rebuild(&self) -> bool {
        !self.dictionary_current.load(Ordering::Acquire)
    }

    fn lock_writer(&self) -> MutexGuard<'_, WriterSlot> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `doc`, replacing any document with the same key. Visible to
    /// searches after the next [`Self::commit`].
    pub fn upsert(&self, doc: &SearchDoc) -> Result<()> {
        let generation = self.current.load();
        let tantivy_doc = doc.to_tantivy(&generation.fields);
        let key = Term::from_field_text(generation.fields.key, &doc.key);
        // One batch: the delete and the add get neighbouring operation
        // stamps, so concurrent upserts of one key leave exactly one copy.
        let mut slot = self.lock_writer();
        slot.writer
            .run([UserOperation::Delete(key), UserOperation::Add(tantivy_doc)])?;
        slot.dirty = true;
        Ok(())
    }

    /// Removes the document with `key` (if any) at the next commit.
    pub fn delete(&self, key: &str) -> Result<()> {
        let generation = self.current.load();
        let term = Term::from_field_text(generation.fields.key, key);
        let mut slot = self.lock_writer();
        slot.writer.delete_term(term);
        slot.dirty = true;
        Ok(())
    }

    /// Makes every write so far durable and visible to searches, recording
    /// `last_change_seq` (the last change of the feeding table applied) in
    /// the same commit. After a crash, resume feeding after
    /// [`Self::last_change_seq`]: no change is lost, and changes replayed
    /// twice are harmless because writes are upserts by key.
    ///
    /// Fails with [`SearchError::Superseded`] (committing nothing) when a
    /// rebuild swapped generations while writes were pending: those went
    /// to the retired generation, so feeding must resume after
    /// [`Self::last_change_seq`] again.
    pub fn commit(&self, last_change_seq: i64) -> Result<()> {
        let mut slot = self.lock_writer();
        if std::mem::take(&mut slot.lost_writes) {
            return Err(SearchError::Superseded);
        }
        let mut prepared = slot.writer.prepare_commit()?;
        prepared.set_payload(&last_change_seq.to_string());
        prepared.commit()?;
        slot.dirty = false;
        self.current.load().reader.reload()?;
        Ok(())
    }

    /// The sequence number of the last commit; `None` for a new index.
    pub fn last_change_seq(&self) -> Result<Option<i64>> {
        self.current.load().last_change_seq()
    }

    /// Searches. Any text is accepted: punctuation, query-syntax characters
    /// and very long input are handled (capped), never an error.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        let generation = self.current.load_full();
        let synonyms = self.synonyms.load();
        let words_indexed = self.dictionary_current.load(Ordering::Acquire);
        search::execute(
            &generation,
            &self.segmenter,
            &synonyms,
            words_indexed,
            query,
        )
    }

    /// Teaches the segmenter editors' words (each read like a line of
    /// `dict/party.txt`); returns how many words were added.
    ///
    /// Documents indexed from now on are split by the new words. Documents
    /// indexed earlier are still found by them (every query also matches
    /// characters and bigrams, which do not depend on the dictionary), but
    /// rank as if the word were unknown until they are reindexed: call this
    /// before [`Self::rebuild`] or on every start before feeding.
    pub fn add_words<I, S>(&self, words: I) -> usize
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.segmenter.add_words(words)
    }

    /// Replaces the synonym groups (e.g. `[["党建", "党的建设"]]`). Queries
    /// for any term of a group also find the others; takes effect at once.
    pub fn set_synonyms<G, T, S>(&self, groups: G)
    where
        G: IntoIterator<Item = T>,
        T: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.synonyms.store(Arc::new(Synonyms::new(groups)));
    }

    /// Documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.current.load().reader.searcher().num_docs()
    }

    /// The name of the generation in use (e.g. `gen-000002`).
    pub fn generation(&self) -> String {
        self.current.load().name.clone()
    }

    /// The directory the index lives in.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Starts building a fresh generation while this one keeps answering
    /// and accepting writes. Feed it every document, then
    /// [`Rebuild::finish`]; dropping it unfinished discards it.
    ///
    /// Protocol for the feeder: note the change table's latest sequence
    /// `S` before reading the documents and finish with `S`. The feeder
    /// should take each batch's starting point from
    /// [`Self::last_change_seq`] (not from memory): after the swap that is
    /// `S`, so changes written to the old generation meanwhile are
    /// replayed into the new one (see also [`Self::commit`]).
    pub fn rebuild(&self) -> Result<Rebuild<'_>> {
        if self.rebuilding.swap(true, Ordering::AcqRel) {
            return Err(SearchError::RebuildRunning);
        }
        let name = generation::next_name(Some(&self.current.load().name));
        let started = Generation::create(&self.root, &name, &self.segmenter)
            .and_then(|generation| Ok((generation.writer(self.options)?, generation)));
        match started {
            Ok((writer, generation)) => Ok(Rebuild {
                index: self,
                generation: Some(generation),
                writer: Some(writer),
            }),
            Err(e) => {
                let _ = generation::remove_dir(&self.root.join(&name));
                self.rebuilding.store(false, Ordering::Release);
                Err(e)
            }
        }
    }

    /// Puts `generation` (committed, with `writer`) in place of the current
    /// one and deletes the old one's files.
    fn swap(&self, generation: Generation, writer: IndexWriter) -> Result<()> {
        generation.reader.reload()?;
        let mut slot = self.lock_writer();
        generation::write_pointer(&self.root, &generation.name)?;
        let lost_writes = slot.dirty;
        let old = std::mem::replace(&mut *slot, WriterSlot::new(writer, lost_writes));
        let old_writer = old.writer;
        let old = self.current.swap(Arc::new(generation));
        self.dictionary_current.store(true, Ordering::Release);
        drop(slot);
        // Searches still holding the old generation keep working: its
        // files stay mapped until the last reader lets go of them. The swap
        // has happened whatever follows; files left behind by a failure
        // here are removed at the next open.
        let _ = old_writer.wait_merging_threads();
        let _ = generation::remove_dir(&old.path);
        Ok(())
    }
}

/// The writer of the current generation and what it holds.
struct WriterSlot {
    writer: IndexWriter,
    /// Writes since the last commit.
    dirty: bool,
    /// A swap retired uncommitted writes; the next commit must fail.
    lost_writes: bool,
}

impl WriterSlot {
    fn new(writer: IndexWriter, lost_writes: bool) -> Self {
        WriterSlot {
            writer,
            dirty: false,
            lost_writes,
        }
    }
}

/// A generation being built by [`SearchIndex::rebuild`].
pub struct Rebuild<'a> {
    index: &'a SearchIndex,
    generation: Option<Generation>,
    writer: Option<IndexWriter>,
}

impl Rebuild<'_> {
    /// Adds a document to the new generation (replacing one with its key).
    pub fn add(&self, doc: &SearchDoc) -> Result<()> {
        let (Some(generation), Some(writer)) = (&self.generation, &self.writer) else {
            return Ok(());
        };
        let key = Term::from_field_text(generation.fields.key, &doc.key);
        writer.run([
            UserOperation::Delete(key),
            UserOperation::Add(doc.to_tantivy(&generation.fields)),
        ])?;
        Ok(())
    }

    /// Commits the new generation with `last_change_seq` and swaps it in.
    pub fn finish(mut self, last_change_seq: i64) -> Result<()> {
        let (Some(generation), Some(mut writer)) = (self.generation.take(), self.writer.take())
        else {
            return Ok(());
        };
        let committed = (|| -> Result<()> {
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&last_change_seq.to_string());
            prepared.commit()?;
            Ok(())
        })();
        if let Err(e) = committed {
            drop(writer);
            let _ = generation::remove_dir(&generation.path);
            return Err(e);
        }
        self.index.swap(generation, writer)
    }
}

impl Drop for Rebuild<'_> {
    fn drop(&mut self) {
        drop(self.writer.take());
        if let Some(generation) = self.generation.take() {
            let _ = generation::remove_dir(&generation.path);
        }
        self.index.rebuilding.store(false, Ordering::Release);
    }
}
