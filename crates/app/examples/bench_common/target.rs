//! Where a benchmark's database lives: a SQLite file in a temporary
//! directory, or a scratch schema in the PostgreSQL database given (every
//! connection's search_path set to it, like crates/testkit), dropped
//! afterwards unless kept.

use dangjian_app::{Store, StoreOptions};
use dangjian_store::review::bulk;

/// Where the benchmark's database lives, and how to clean it up.
pub struct Target {
    pub url: String,
    pub dir: tempfile::TempDir,
    /// The PostgreSQL base URL and the scratch schema in it.
    schema: Option<(String, String)>,
}

impl Target {
    pub async fn prepare(database_url: Option<&str>) -> anyhow::Result<Target> {
        let dir = tempfile::tempdir()?;
        let Some(base) = database_url else {
            let path = dir.path().join("dangjian.db");
            return Ok(Target {
                url: format!("sqlite://{}?mode=rwc", path.display()),
                dir,
                schema: None,
            });
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos();
        let schema = format!("bench_{:x}_{}", nanos & 0xffff_ffff, std::process::id());
        let admin = Store::connect(&StoreOptions::new(base)).await?;
        bulk::create_scratch_schema(&mut *admin.read().await?, &schema).await?;
        admin.close().await;
        // Like crates/testkit: every connection's search_path is the schema.
        let separator = if base.contains('?') { '&' } else { '?' };
        Ok(Target {
            url: format!("{base}{separator}options=-c%20search_path%3D{schema}"),
            dir,
            schema: Some((base.to_owned(), schema)),
        })
    }

    pub async fn finish(self, keep: bool) -> anyhow::Result<()> {
        if keep {
            let dir = self.dir.keep();
            println!("kept: {} (data dir {})", self.url, dir.display());
            return Ok(());
        }
        if let Some((base, schema)) = &self.schema {
            let admin = Store::connect(&StoreOptions::new(base.clone())).await?;
            bulk::drop_scratch_schema(&mut *admin.read().await?, schema).await?;
            admin.close().await;
        }
        Ok(())
    }
}
