//! Use cases of dangjian, one module per capability. Each public function is
//! one thing a person does: it checks the actor's permission, runs in one
//! transaction, appends its audit record in that same transaction, and
//! returns what the caller shows.

pub mod accounts;
pub mod actor;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod changes;
pub mod clock;
pub mod columns;
pub mod demo;
mod error;
pub mod mail;
pub mod mailbox;
pub mod media;
pub mod notices;
pub mod org;
mod passwords;
pub mod qa;
pub mod review;
pub mod roles;
pub mod search;
pub mod settings;
pub mod setup;
pub mod site;
pub mod stats;

use std::path::PathBuf;
use std::sync::Arc;

pub use dangjian_domain as domain;
use dangjian_domain::audit::HashAlgo;
use dangjian_domain::ids::SiteId;
pub use dangjian_store::{Backend, Store, StoreOptions};
pub use error::AppError;

/// Records the web layer shows, passed through unchanged.
pub mod records {
    pub use dangjian_store::audit::AuditFilter;
    pub use dangjian_store::columns::Column;
    pub use dangjian_store::grants::Grant;
    pub use dangjian_store::notices::{NoticeRow, Objection};
    pub use dangjian_store::org::{Section, Site, Unit};
    pub use dangjian_store::users::User;
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// What the use cases need to know about the installation.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub data_dir: PathBuf,
    pub audit_hash: HashAlgo,
    /// Issuer shown in authenticator apps for TOTP.
    pub totp_issuer: String,
    /// Where media bytes are kept (default: `<data_dir>/media/objects`).
    pub object_store: media::ObjectStoreConfig,
}

/// The application: the store, the clock and the configuration. Cheap to
/// clone; shared by every request.
#[derive(Clone)]
pub struct App {
    store: Store,
    clock: Arc<dyn clock::Clock>,
    config: Arc<AppConfig>,
    /// The media object store, opened on first use.
    objects: Arc<std::sync::OnceLock<Arc<dyn media::ObjectStore>>>,
    /// Content changes, announced after commit (see `changes`).
    changes: tokio::sync::broadcast::Sender<changes::Change>,
    /// Page views noted in memory, written in batches (see `stats`).
    visits: Arc<stats::VisitCounter>,
    /// E-mail notifications, when an SMTP server is configured (see `mail`).
    mail: Option<Arc<mail::MailConfig>>,
    /// Wakes this process's mail sender after a commit that wrote mail.
    mail_wake: Arc<tokio::sync::Notify>,
    /// This node's search index (see `search`).
    search: Arc<search::SearchState>,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn clock::Clock>, config: AppConfig) -> Self {
        Self {
            store,
            clock,
            config: Arc::new(config),
            objects: Arc::default(),
            changes: tokio::sync::broadcast::channel(changes::BACKLOG).0,
            visits: Arc::default(),
            mail: None,
            mail_wake: Arc::default(),
            search: Arc::default(),
        }
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open(
        options: &StoreOptions,
        clock: Arc<dyn clock::Clock>,
        config: AppConfig,
    ) -> Result<Self> {
        let store = Store::connect(options).await?;
        dangjian_store::migrate::run(&store, clock.now_ms()).await?;
        Ok(Self::new(store, clock, config))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The site every foundation-level record belongs to: the first one.
    pub async fn default_site(&self) -> Result<SiteId> {
        let mut conn = self.store.read().await?;
        dangjian_store::org::sites(&mut conn)
            .await?
            .first()
            .map(|s| s.id)
            .ok_or(AppError::NotInitialised)
    }

    /// The default site's record.
    pub async fn site(&self) -> Result<records::Site> {
        let id = self.default_site().await?;
        let mut conn = self.store.read().await?;
        Ok(dangjian_store::org::site(&mut conn, id).await?)
    }

    /// Whether the database can be reached (for `/healthz`).
    pub async fn healthy(&self) -> bool {
        match self.store.read().await {
            Ok(mut conn) => dangjian_store::migrate::current_version(&mut conn)
                .await
                .is_ok(),
            Err(_) => false,
        }
    }
}
