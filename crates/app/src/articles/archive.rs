//! The archive (史料查询 by date): the months that hold published articles
//! with their counts, back to the oldest, for the whole site or one main
//! column (with its sub-columns); a month's counts per main column; and a
//! month's articles page by page.

use std::collections::BTreeMap;

use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::SiteId;
use dangjian_store::articles::{self as stored, ArticleSummary};
use dangjian_store::columns::Column;

use super::public::{PER_PAGE, local_month, month_range, subtree};
use crate::{App, Result};

/// A month with its count of published articles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveMonth {
    pub year: i32,
    pub month: u8,
    pub count: i64,
}

/// A main column with its count of published articles in a period.
#[derive(Debug, Clone)]
pub struct ArchiveColumn {
    pub column: Column,
    pub count: i64,
}

impl App {
    /// The visible main columns, each with the ids of its subtree.
    async fn archive_columns(&self, site: SiteId) -> Result<Vec<(Column, Vec<ColumnId>)>> {
        let all = self.visible_columns(site).await?;
        Ok(all
            .iter()
            .filter(|c| c.parent_id.is_none())
            .map(|c| (c.clone(), subtree(&all, c.id)))
            .collect())
    }

    /// The subtree of a visible main column (`None`: no such column).
    pub async fn archive_column(
        &self,
        site: SiteId,
        id: ColumnId,
    ) -> Result<Option<(Column, Vec<ColumnId>)>> {
        Ok(self
            .archive_columns(site)
            .await?
            .into_iter()
            .find(|(c, _)| c.id == id))
    }

    /// Months that hold published articles (of the given columns, else all),
    /// newest first, with counts.
    pub async fn public_archive_months(
        &self,
        site: SiteId,
        columns: Option<&[ColumnId]>,
    ) -> Result<Vec<ArchiveMonth>> {
        let mut conn = self.store().read().await?;
        let times = stored::published_times(&mut conn, site, self.now_ms()).await?;
        let mut counts: BTreeMap<(i32, u8), i64> = BTreeMap::new();
        for (at, column) in times {
            if columns.is_none_or(|ids| ids.contains(&column)) {
                *counts.entry(local_month(at)).or_default() += 1;
            }
        }
        Ok(counts
            .into_iter()
            .rev()
            .map(|((year, month), count)| ArchiveMonth { year, month, count })
            .collect())
    }

    /// A month's counts per visible main column (columns without articles
    /// that month left out); `None` for a month that does not exist.
    pub async fn public_archive_columns(
        &self,
        site: SiteId,
        year: i32,
        month: u8,
    ) -> Result<Option<Vec<ArchiveColumn>>> {
        if month_range(year, month).is_none() {
            return Ok(None);
        }
        let mains = self.archive_columns(site).await?;
        let mut conn = self.store().read().await?;
        let times = stored::published_times(&mut conn, site, self.now_ms()).await?;
        let mut counted: Vec<ArchiveColumn> = mains
            .iter()
            .map(|(column, _)| ArchiveColumn {
                column: column.clone(),
                count: 0,
            })
            .collect();
        for (at, column) in times {
            if local_month(at) != (year, month) {
                continue;
            }
            if let Some(i) = mains.iter().position(|(_, ids)| ids.contains(&column)) {
                counted[i].count += 1;
            }
        }
        counted.retain(|c| c.count > 0);
        Ok(Some(counted))
    }

    /// One page of the articles published in a month (of the given
    /// columns, else all).
    pub async fn public_archive(
        &self,
        site: SiteId,
        (year, month): (i32, u8),
        columns: Option<&[ColumnId]>,
        page: i64,
    ) -> Result<Option<(Vec<ArticleSummary>, i64)>> {
        let Some(range) = month_range(year, month) else {
            return Ok(None);
        };
        let page = page.max(1);
        let mut conn = self.store().read().await?;
        let found = stored::published_between(
            &mut conn,
            site,
            range,
            columns,
            self.now_ms(),
            ((page - 1) * PER_PAGE, PER_PAGE),
        )
        .await?;
        Ok(Some(found))
    }
}
