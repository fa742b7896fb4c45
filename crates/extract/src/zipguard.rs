//! ZIP access for DOCX and XLSX that never decompresses more than the limit.
//!
//! Declared sizes are checked first (cheap), then every read goes through a
//! `take` so a lying header cannot make us inflate more than the budget.

use std::io::{self, Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::{ExtractError, Format};

pub(crate) type Archive<'a> = ZipArchive<Cursor<&'a [u8]>>;

/// Opens the archive; `format` names what it is expected to be, for errors.
pub(crate) fn open(bytes: &[u8], format: Format) -> Result<Archive<'_>, ExtractError> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| ExtractError::malformed(format, e))
}

/// The archive's entry names, in the order of its central directory.
pub(crate) fn names(archive: &Archive<'_>) -> Vec<String> {
    archive
        .file_names()
        .filter_map(Result::ok)
        .map(|name| name.into_owned())
        .collect()
}

/// The stored name of the entry `wanted`, matched without regard to ASCII
/// case (OOXML part names are case-insensitive).
pub(crate) fn find(archive: &Archive<'_>, wanted: &str) -> Option<String> {
    if archive.index_for_name(wanted).is_some() {
        return Some(wanted.to_owned());
    }
    names(archive)
        .into_iter()
        .find(|name| name.eq_ignore_ascii_case(wanted))
}

/// Decompressed bytes still allowed for one file.
#[derive(Debug)]
pub(crate) struct Budget {
    format: Format,
    limit: u64,
    remaining: u64,
}

impl Budget {
    pub(crate) fn new(format: Format, limit: u64) -> Self {
        Budget {
            format,
            limit,
            remaining: limit,
        }
    }

    /// Reads the entry `name` in full, or `None` if there is no such entry.
    pub(crate) fn read(
        &mut self,
        archive: &mut Archive<'_>,
        name: &str,
    ) -> Result<Option<Vec<u8>>, ExtractError> {
        let mut entry = match archive.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(self.zip_error(e)),
        };
        self.check_declared(entry.size())?;
        let capacity = usize::try_from(entry.size()).unwrap_or(0);
        let mut buf = Vec::with_capacity(capacity);
        let read = (&mut entry)
            .take(self.remaining.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| self.io_error(e))?;
        self.spend(read as u64)?;
        Ok(Some(buf))
    }

    /// Inflates every XML part once without keeping it, so that a reader we
    /// do not control (calamine) only ever sees parts that fit the budget.
    pub(crate) fn check_xml_parts(
        &mut self,
        archive: &mut Archive<'_>,
    ) -> Result<(), ExtractError> {
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).map_err(|e| self.zip_error(e))?;
            let name = entry
                .name()
                .map(|n| n.to_ascii_lowercase())
                .unwrap_or_default();
            if entry.is_dir() || !(name.ends_with(".xml") || name.ends_with(".rels")) {
                continue;
            }
            self.check_declared(entry.size())?;
            let mut limited = (&mut entry).take(self.remaining.saturating_add(1));
            let read = io::copy(&mut limited, &mut io::sink()).map_err(|e| self.io_error(e))?;
            self.spend(read)?;
        }
        Ok(())
    }

    fn check_declared(&self, declared: u64) -> Result<(), ExtractError> {
        if declared > self.remaining {
            return Err(self.too_large());
        }
        Ok(())
    }

    fn spend(&mut self, read: u64) -> Result<(), ExtractError> {
        self.remaining = self
            .remaining
            .checked_sub(read)
            .ok_or_else(|| self.too_large())?;
        Ok(())
    }

    fn too_large(&self) -> ExtractError {
        ExtractError::TooLarge {
            format: self.format,
            limit: self.limit,
        }
    }

    fn zip_error(&self, e: ZipError) -> ExtractError {
        ExtractError::malformed(self.format, e)
    }

    fn io_error(&self, e: io::Error) -> ExtractError {
        ExtractError::malformed(self.format, e)
    }
}
