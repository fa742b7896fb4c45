//! The media size limits, kept as settings (`media.max_image_mb` …).

use dangjian_domain::media::MediaPolicy;
use dangjian_store::settings::{self as stored, GLOBAL};

use crate::{App, Result};

impl App {
    /// The media policy in force.
    pub async fn media_policy(&self) -> Result<MediaPolicy> {
        let mut conn = self.store().read().await?;
        let values = stored::all(&mut conn, GLOBAL).await?;
        Ok(MediaPolicy::from_settings(&values))
    }
}
