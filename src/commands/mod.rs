//! One module per group of commands; each opens what it needs from the
//! checked settings.

mod audit;
mod backup;
mod demo;
mod search;
mod serve;
mod session;
mod setup;
mod users;

use std::sync::Arc;

use dangjian_app::clock::SystemClock;
use dangjian_app::{App, AppConfig, StoreOptions};

use crate::cli::Command;
use crate::config::Settings;
use crate::failure::{Failure, Outcome};

/// Issuer shown beside the account in authenticator apps.
const TOTP_ISSUER: &str = "dangjian";

pub async fn run(command: Command, settings: Settings) -> Outcome {
    match command {
        Command::Serve => serve::serve(&settings).await,
        Command::Demo(args) => demo::demo(&settings, &args).await,
        Command::Init(args) => setup::init(&settings, &args).await,
        Command::Migrate => setup::migrate(&settings).await,
        Command::Reindex => search::reindex(&settings).await,
        Command::Config => {
            print!("{}", settings.to_toml());
            Ok(())
        }
        Command::User(args) => users::run(&settings, args).await,
        Command::Audit(command) => audit::run(&settings, command).await,
        Command::Backup { file } => backup::backup(&settings, &file).await,
        Command::Restore { file } => backup::restore(&settings, &file).await,
    }
}

/// Opens the database (bringing its schema up to date) with the data
/// directory in place.
pub async fn open_app(settings: &Settings) -> Outcome<App> {
    settings.prepare_data_dir()?;
    let config = AppConfig {
        data_dir: settings.data_dir.clone(),
        audit_hash: settings.audit_hash,
        totp_issuer: TOTP_ISSUER.into(),
        object_store: dangjian_app::media::ObjectStoreConfig::local_in(&settings.data_dir),
    };
    let options = StoreOptions::new(settings.database_url.clone());
    App::open(&options, Arc::new(SystemClock), config)
        .await
        .map(|app| app.with_mail(settings.smtp.mail_config()))
        .map_err(|e| {
            Failure::config(format!(
                "cannot open the database {} / 无法打开数据库: {}",
                settings.database_url_for_display(),
                crate::failure::describe(&e)
            ))
        })
}
