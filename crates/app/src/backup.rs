//! `dangjian backup FILE` and `dangjian restore FILE`: one gzip'd tar holding
//! a manifest, every table's rows (read from one database snapshot, so the
//! copy is consistent while the server runs) and the media folder.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};

use dangjian_store::backup::{self as rows, DERIVED_TABLES, LEDGER_TABLE, TableRows};
use dangjian_store::{migrate, schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actor::Client;
use crate::audit::Event;
use crate::auth::console_subject;
use crate::{App, AppError, Result};

const FORMAT: &str = "dangjian-backup";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Manifest {
    format: String,
    schema_version: i64,
    created_at_ms: i64,
    backend: String,
    tables: Vec<String>,
}

/// What a backup or restore copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupReport {
    pub tables: usize,
    pub rows: usize,
    pub media_files: usize,
}

impl App {
    fn media_dir(&self) -> PathBuf {
        self.config().data_dir.join("media")
    }

    /// Writes a backup of the database and media to `path`.
    pub async fn backup_to(&self, path: &Path) -> Result<BackupReport> {
        let tables: Vec<String> = schema::tables(self.store())
            .await?
            .into_iter()
            .filter(|t| t != LEDGER_TABLE && !DERIVED_TABLES.contains(&t.as_str()))
            .collect();
        let mut snapshot = self.store().snapshot().await?;
        let mut dumped = Vec::with_capacity(tables.len());
        for table in &tables {
            dumped.push(rows::read_table(&mut snapshot, table).await?);
        }
        snapshot.rollback().await?;
        let manifest = Manifest {
            format: FORMAT.into(),
            schema_version: migrate::latest_version(),
            created_at_ms: self.now_ms(),
            backend: self.store().backend().name().into(),
            tables,
        };
        let media = self.media_dir();
        let target = path.to_owned();
        let report =
            tokio::task::spawn_blocking(move || write_archive(&target, &manifest, &dumped, &media))
                .await
                .map_err(AppError::internal)??;
        let console = Client::console();
        let event = Event::success("system.backup", path.display().to_string()).with_detail(
            format!("{} rows, {} media files", report.rows, report.media_files),
        );
        self.audit_alone(console_subject(&console), event).await?;
        Ok(report)
    }

    /// Restores a backup into this (empty) installation.
    pub async fn restore_from(&self, path: &Path) -> Result<BackupReport> {
        if self.is_initialised().await? {
            return Err(AppError::Conflict("error.restore.not_empty"));
        }
        let source = path.to_owned();
        let media = self.media_dir();
        let (manifest, tables, media_files) =
            tokio::task::spawn_blocking(move || read_archive(&source, &media))
                .await
                .map_err(AppError::internal)??;
        if manifest.schema_version != migrate::latest_version() {
            return Err(AppError::Internal(format!(
                "the backup has schema version {}, this program {}",
                manifest.schema_version,
                migrate::latest_version()
            )));
        }
        let mut tx = self.store().write().await?;
        rows::clear_seeded(&mut tx).await?;
        let mut row_count = 0;
        for table in &tables {
            rows::write_rows(&mut tx, table).await?;
            row_count += table.rows.len();
        }
        rows::advance_sequences(&mut tx, self.store().backend(), &manifest.tables).await?;
        tx.commit().await?;
        let console = Client::console();
        let event = Event::success("system.restore", path.display().to_string())
            .with_detail(format!("{row_count} rows, {media_files} media files"));
        self.audit_alone(console_subject(&console), event).await?;
        Ok(BackupReport {
            tables: tables.len(),
            rows: row_count,
            media_files,
        })
    }
}

fn io(error: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("backup file: {error}"))
}

fn write_archive(
    path: &Path,
    manifest: &Manifest,
    tables: &[TableRows],
    media: &Path,
) -> Result<BackupReport> {
    let file = File::create(path).map_err(io)?;
    let encoder = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut archive = tar::Builder::new(encoder);
    append_bytes(
        &mut archive,
        "manifest.json",
        &serde_json::to_vec_pretty(manifest).map_err(io)?,
    )?;
    let mut report = BackupReport {
        tables: tables.len(),
        ..BackupReport::default()
    };
    for table in tables {
        let mut lines = Vec::new();
        writeln!(
            lines,
            "{}",
            serde_json::to_string(&table.columns).map_err(io)?
        )
        .map_err(io)?;
        for row in &table.rows {
            writeln!(lines, "{}", serde_json::to_string(row).map_err(io)?).map_err(io)?;
        }
        append_bytes(&mut archive, &format!("db/{}.jsonl", table.table), &lines)?;
        report.rows += table.rows.len();
    }
    if media.is_dir() {
        report.media_files = count_files(media)?;
        archive.append_dir_all("media", media).map_err(io)?;
    }
    archive
        .into_inner()
        .map_err(io)?
        .finish()
        .map_err(io)?
        .sync_all()
        .map_err(io)?;
    Ok(report)
}

fn append_bytes<W: Write>(archive: &mut tar::Builder<W>, name: &str, bytes: &[u8]) -> Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    archive.append_data(&mut header, name, bytes).map_err(io)
}

fn count_files(dir: &Path) -> Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        count += if path.is_dir() {
            count_files(&path)?
        } else {
            1
        };
    }
    Ok(count)
}

/// Reads the manifest and tables, and unpacks media files under `media`.
fn read_archive(path: &Path, media: &Path) -> Result<(Manifest, Vec<TableRows>, usize)> {
    let file = File::open(path).map_err(io)?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut manifest: Option<Manifest> = None;
    let mut tables = Vec::new();
    let mut media_files = 0;
    for entry in archive.entries().map_err(io)? {
        let mut entry = entry.map_err(io)?;
        let name = entry.path().map_err(io)?.into_owned();
        if name == Path::new("manifest.json") {
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(io)?;
            let parsed: Manifest = serde_json::from_str(&text).map_err(io)?;
            if parsed.format != FORMAT {
                return Err(io("not a dangjian backup"));
            }
            manifest = Some(parsed);
        } else if let Ok(table) = name.strip_prefix("db") {
            let table = table
                .to_string_lossy()
                .trim_end_matches(".jsonl")
                .to_owned();
            tables.push(read_table(&table, BufReader::new(entry))?);
        } else if let Ok(relative) = name.strip_prefix("media")
            && entry.header().entry_type().is_file()
            && is_plain_relative(relative)
        {
            let target = media.join(relative);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            entry.unpack(&target).map_err(io)?;
            media_files += 1;
        }
    }
    let manifest = manifest.ok_or_else(|| io("manifest.json is missing"))?;
    // Load in the order the manifest lists (it respects foreign keys).
    tables.sort_by_key(|t| {
        manifest
            .tables
            .iter()
            .position(|m| *m == t.table)
            .unwrap_or(usize::MAX)
    });
    Ok((manifest, tables, media_files))
}

/// Only plain relative paths are unpacked: no `..`, no absolute paths.
fn is_plain_relative(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn read_table(name: &str, reader: impl BufRead) -> Result<TableRows> {
    let mut lines = reader.lines();
    let columns: Vec<String> = match lines.next() {
        Some(line) => serde_json::from_str(&line.map_err(io)?).map_err(io)?,
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for line in lines {
        let line = line.map_err(io)?;
        if !line.is_empty() {
            let row: Vec<Value> = serde_json::from_str(&line).map_err(io)?;
            rows.push(row);
        }
    }
    Ok(TableRows {
        table: name.to_owned(),
        columns,
        rows,
    })
}
