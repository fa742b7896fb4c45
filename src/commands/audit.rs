//! `dangjian audit verify` and `dangjian audit export`.

use std::io::Write as _;
use std::path::Path;

use dangjian_app::records::AuditFilter;
use dangjian_domain::clock::parse_local_date;

use super::open_app;
use super::session::act_as;
use crate::cli::{AuditCommand, ExportArgs};
use crate::config::Settings;
use crate::failure::{Failure, Outcome};

const DAY_MS: i64 = 86_400_000;

pub async fn run(settings: &Settings, command: AuditCommand) -> Outcome {
    match command {
        AuditCommand::Verify => verify(settings).await,
        AuditCommand::Export(args) => export(settings, &args).await,
    }
}

/// Exit status 0 when the whole chain is intact, 1 naming the first fault.
async fn verify(settings: &Settings) -> Outcome {
    let app = open_app(settings).await?;
    let report = app.audit_verify().await?;
    match report.fault {
        None => {
            println!(
                "audit chain intact: {} records / 审计链完整：共 {} 条记录",
                report.verified, report.verified
            );
            Ok(())
        }
        Some(fault) => Err(Failure::refused(format!(
            "audit chain broken / 审计链已被破坏: {fault} \
             ({} records intact before it; the last record written is {})",
            report.verified, report.head_seq
        ))),
    }
}

/// A `YYYY-MM-DD` option as the Unix millisecond its day starts.
fn day(option: &str, text: Option<&str>) -> Outcome<Option<i64>> {
    match text {
        None => Ok(None),
        Some(text) => parse_local_date(text).map(Some).ok_or_else(|| {
            Failure::config(format!(
                "invalid {option}: {text:?} is not a date; expected YYYY-MM-DD such as 2026-01-31 \
                 / 日期格式应为 年-月-日"
            ))
        }),
    }
}

fn filter(args: &ExportArgs) -> Outcome<AuditFilter> {
    let from_ms = day("--from", args.from.as_deref())?;
    // --until names the last day included; the filter's bound is exclusive.
    let until_ms = day("--until", args.until.as_deref())?.map(|start| start + DAY_MS);
    Ok(AuditFilter {
        actor: args.actor.trim().to_owned(),
        action: args.action.trim().to_owned(),
        from_ms,
        until_ms,
    })
}

async fn export(settings: &Settings, args: &ExportArgs) -> Outcome {
    let filter = filter(args)?;
    let app = open_app(settings).await?;
    let actor = act_as(&app, &args.credentials).await?;
    let csv = app.audit_export_csv(&actor, &filter).await?;
    match &args.output {
        Some(path) => {
            write_private(path, csv.as_bytes())?;
            eprintln!(
                "audit records written to {} / 审计记录已导出",
                path.display()
            );
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(csv.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::refused(format!("cannot write the export: {e}")))?;
        }
    }
    Ok(())
}

/// Writes a file only its owner can read (the audit trail names people).
fn write_private(path: &Path, bytes: &[u8]) -> Outcome {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
        .open(path)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .map_err(|e| Failure::refused(format!("cannot write {}: {e}", path.display())))
}
