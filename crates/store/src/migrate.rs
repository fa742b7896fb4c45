//! Versioned, append-only migrations, one text for both backends with a
//! `{id}` placeholder for the auto-increment primary key, plus a file per
//! backend for what only it can say (triggers). Never edit an applied one:
//! add the next version.

use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Conn, Result, Store, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    common: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
    /// Data the migration derives from what is already stored, written by
    /// Rust code the program also runs at other times (one definition).
    then: Option<DataStep>,
}

#[derive(Clone, Copy)]
enum DataStep {
    /// Fill the ranking's daily counters from every site's history.
    RecountRanking,
}

async fn run_data_step(conn: &mut Conn, step: DataStep) -> Result<()> {
    match step {
        DataStep::RecountRanking => {
            let sites: Vec<i64> = sqlx::query_scalar("SELECT id FROM sites")
                .fetch_all(&mut *conn)
                .await?;
            for site in sites {
                crate::review::counts::recount(conn, dangjian_domain::ids::SiteId(site)).await?;
            }
            Ok(())
        }
    }
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: include_str!("../migrations/0001_foundation.sql"),
        sqlite: include_str!("../migrations/0001_foundation.sqlite.sql"),
        postgres: include_str!("../migrations/0001_foundation.postgres.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "columns",
        common: include_str!("../migrations/0002_columns.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 3,
        name: "media",
        common: include_str!("../migrations/0003_media.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 4,
        name: "articles",
        common: include_str!("../migrations/0004_articles.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 5,
        name: "visits",
        common: include_str!("../migrations/0005_visits.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 6,
        name: "article_indexes",
        common: include_str!("../migrations/0006_article_indexes.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 7,
        name: "column_presentation",
        common: include_str!("../migrations/0007_column_presentation.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 8,
        name: "workflow",
        common: include_str!("../migrations/0008_workflow.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 9,
        name: "revisions",
        common: include_str!("../migrations/0009_revisions.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 10,
        name: "assessment",
        common: include_str!("../migrations/0010_assessment.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 11,
        name: "ranking_indexes",
        common: include_str!("../migrations/0011_ranking_indexes.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 12,
        name: "ranking_counts",
        common: include_str!("../migrations/0012_ranking_counts.sql"),
        sqlite: "",
        postgres: "",
        then: Some(DataStep::RecountRanking),
    },
    Migration {
        version: 13,
        name: "email",
        common: include_str!("../migrations/0013_email.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 14,
        name: "assessment_honours",
        common: include_str!("../migrations/0014_assessment_honours.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 15,
        name: "search_feed",
        common: include_str!("../migrations/0015_search_feed.sql"),
        sqlite: include_str!("../migrations/0015_search_feed.sqlite.sql"),
        postgres: include_str!("../migrations/0015_search_feed.postgres.sql"),
        then: None,
    },
    Migration {
        version: 16,
        name: "qa",
        common: include_str!("../migrations/0016_qa.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 17,
        name: "search_qa",
        common: include_str!("../migrations/0017_search_qa.sql"),
        sqlite: include_str!("../migrations/0017_search_qa.sqlite.sql"),
        postgres: include_str!("../migrations/0017_search_qa.postgres.sql"),
        then: None,
    },
    Migration {
        version: 18,
        name: "notices",
        common: include_str!("../migrations/0018_notices.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
    Migration {
        version: 19,
        name: "mailbox",
        common: include_str!("../migrations/0019_mailbox.sql"),
        sqlite: "",
        postgres: "",
        then: None,
    },
];

/// Any number unique to this program, for PostgreSQL's advisory lock that
/// keeps two nodes from migrating at once.
const MIGRATION_LOCK_KEY: i64 = 0x646a_6d69_6772;

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// The latest version this program knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The version the database is at (0 when empty).
pub async fn current_version(conn: &mut Conn) -> Result<i64> {
    sqlx::query(CREATE_LEDGER).execute(&mut *conn).await?;
    let version: Option<i64> = sqlx::query("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(version.unwrap_or(0))
}

/// Applies every pending migration, each in its own transaction, and returns
/// the versions applied. Safe to run from several nodes at once.
pub async fn run(store: &Store, now_ms: i64) -> Result<Vec<i64>> {
    let mut applied = Vec::new();
    for migration in MIGRATIONS {
        let mut tx = store.write().await?;
        if store.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(MIGRATION_LOCK_KEY)
                .execute(&mut *tx)
                .await?;
        }
        if current_version(&mut tx).await? >= migration.version {
            continue;
        }
        let failed = |e: sqlx::Error| StoreError::Migration {
            version: migration.version,
            message: e.to_string(),
        };
        for sql in render(migration, store.backend())
            .into_iter()
            .filter(|sql| !sql.trim().is_empty())
        {
            sqlx::raw_sql(AssertSqlSafe(sql))
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
        }
        if let Some(step) = migration.then {
            run_data_step(&mut tx, step).await?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migration applied"
        );
        applied.push(migration.version);
    }
    Ok(applied)
}

fn render(migration: &Migration, backend: Backend) -> [String; 2] {
    let (primary_key, own) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", migration.sqlite),
        Backend::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            migration.postgres,
        ),
    };
    [
        migration.common.replace("{id}", primary_key),
        own.to_owned(),
    ]
}
