//! Monthly statistics of 信息报送 for a year: what was submitted,
//! published, returned, adopted by higher levels and given 批示, month by
//! month — from the ranking's monthly counters.

use dangjian_domain::ids::SiteId;
use dangjian_domain::role::Permission;
use dangjian_domain::scoring::Tally;
use dangjian_store::review::counts;

use super::ranking::may_see_ranking;
use crate::actor::Actor;
use crate::{App, AppError, Result};

/// One month of the year with its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: u8,
    pub tally: Tally,
}

impl App {
    /// The twelve months of `year` (months without activity at zero), for
    /// editors and reviewers.
    pub async fn monthly_statistics(
        &self,
        actor: &Actor,
        site: SiteId,
        year: i32,
    ) -> Result<Vec<MonthFigures>> {
        if !may_see_ranking(actor) {
            self.require(actor, Permission::ReviewArticles, "ranking.view", "ranking")
                .await?;
        }
        if !(2000..=2100).contains(&year) {
            return Err(AppError::NotFound);
        }
        let first = i64::from(year) * 12;
        let mut conn = self.store().read().await?;
        let sums = counts::monthly_sums(&mut conn, site, first, first + 12).await?;
        Ok((0..12u8)
            .map(|m| MonthFigures {
                month: m + 1,
                tally: sums
                    .iter()
                    .find(|(month, _)| *month == first + i64::from(m))
                    .map(|(_, t)| *t)
                    .unwrap_or_default(),
            })
            .collect())
    }
}
