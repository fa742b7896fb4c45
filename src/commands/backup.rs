//! `dangjian backup FILE` and `dangjian restore FILE`.

use std::path::Path;

use dangjian_app::AppError;
use dangjian_app::backup::BackupReport;

use super::open_app;
use crate::config::Settings;
use crate::failure::{Failure, Outcome, message};

fn summary(report: &BackupReport) -> String {
    format!(
        "{} tables, {} rows, {} media files / {} 张表，{} 行，{} 个媒体文件",
        report.tables,
        report.rows,
        report.media_files,
        report.tables,
        report.rows,
        report.media_files
    )
}

/// Safe while a server runs on the same data: the rows come from one
/// database snapshot.
pub async fn backup(settings: &Settings, file: &Path) -> Outcome {
    let app = open_app(settings).await?;
    let report = app.backup_to(file).await?;
    println!(
        "backup written to {} / 备份完成: {}",
        file.display(),
        summary(&report)
    );
    Ok(())
}

/// Only into an empty installation.
pub async fn restore(settings: &Settings, file: &Path) -> Outcome {
    if !file.is_file() {
        return Err(Failure::refused(format!(
            "no backup file at {} / 找不到备份文件",
            file.display()
        )));
    }
    let app = open_app(settings).await?;
    match app.restore_from(file).await {
        Ok(report) => {
            println!(
                "restored from {} / 恢复完成: {}",
                file.display(),
                summary(&report)
            );
            Ok(())
        }
        Err(AppError::Conflict(code)) => Err(Failure::refused(format!(
            "{} ({})",
            message(code),
            settings.database_url_for_display()
        ))),
        Err(other) => Err(other.into()),
    }
}
