//! What readers see: published articles whose publish time has come, in
//! visible columns. Drafts and future articles do not exist for the public;
//! withdrawn ones are gone (410).

use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::column::{ColumnId, ColumnKind};
use dangjian_domain::ids::SiteId;
use dangjian_store::StoreError;
use dangjian_store::articles::{self as stored, Article, ArticleSummary, Feature};
use dangjian_store::columns::{self, Column};
use time::OffsetDateTime;

use crate::{App, Result};

/// A published article with everything its page shows.
#[derive(Debug, Clone)]
pub struct PublicArticle {
    pub article: Article,
    /// The primary column first, then the further ones (visible only).
    pub columns: Vec<Column>,
    /// The primary column and its ancestors, top first (the breadcrumb).
    pub trail: Vec<Column>,
    pub attachments: Vec<dangjian_domain::media::MediaId>,
    pub older: Option<ArticleSummary>,
    pub newer: Option<ArticleSummary>,
    pub related: Vec<ArticleSummary>,
}

/// The outcome of asking for an article by id.
#[derive(Debug, Clone)]
pub enum ArticleLookup {
    Found(Box<PublicArticle>),
    /// 撤稿: it existed and was withdrawn.
    Withdrawn,
    NotFound,
}

/// A column's page of articles.
#[derive(Debug, Clone)]
pub struct ColumnListing {
    pub column: Column,
    /// The column and its ancestors, top first.
    pub trail: Vec<Column>,
    /// Visible sub-columns.
    pub children: Vec<Column>,
    /// A special topic's first page: each sub-column with its newest
    /// articles (empty otherwise).
    pub blocks: Vec<(Column, Vec<ArticleSummary>)>,
    pub items: Vec<ArticleSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl ColumnListing {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// The homepage's content.
#[derive(Debug, Clone)]
pub struct HomeContent {
    pub headline: Option<ArticleSummary>,
    pub carousel: Vec<ArticleSummary>,
    pub latest: Vec<ArticleSummary>,
    /// The columns the editor put on the homepage (by their homepage
    /// order), each with its newest articles.
    pub blocks: Vec<(Column, Vec<ArticleSummary>)>,
    /// The visible tree, for the navigation.
    pub columns: Vec<Column>,
}

pub const PER_PAGE: i64 = 20;
const BLOCK_SIZE: i64 = 6;

/// The visible columns of a site: hidden ones and everything under them
/// are left out.
fn visible(all: &[Column]) -> Vec<Column> {
    let hidden_or_under_hidden = |column: &Column| {
        let mut current = Some(column);
        while let Some(c) = current {
            if c.hidden {
                return true;
            }
            current = c.parent_id.and_then(|p| all.iter().find(|x| x.id == p));
        }
        false
    };
    all.iter()
        .filter(|c| !hidden_or_under_hidden(c))
        .cloned()
        .collect()
}

/// The column and all its descendants.
pub(crate) fn subtree(all: &[Column], root: ColumnId) -> Vec<ColumnId> {
    let mut ids = vec![root];
    let mut index = 0;
    while index < ids.len() {
        let parent = ids[index];
        ids.extend(
            all.iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        index += 1;
    }
    ids
}

/// The column and its ancestors, top first.
fn trail(all: &[Column], id: ColumnId) -> Vec<Column> {
    let mut path = Vec::new();
    let mut current = all.iter().find(|c| c.id == id);
    while let Some(column) = current {
        path.push(column.clone());
        current = column
            .parent_id
            .and_then(|p| all.iter().find(|c| c.id == p));
    }
    path.reverse();
    path
}

fn children(all: &[Column], parent: Option<ColumnId>) -> Vec<Column> {
    let mut list: Vec<Column> = all
        .iter()
        .filter(|c| c.parent_id == parent)
        .cloned()
        .collect();
    list.sort_by_key(|c| (c.sort_order, c.id.0));
    list
}

/// Local (UTC+8) year and month of a Unix millisecond.
pub(crate) fn local_month(ms: i64) -> (i32, u8) {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(dangjian_domain::clock::CHINA_STANDARD_TIME);
    (at.year(), u8::from(at.month()))
}

/// The local month `[start, end)` in Unix milliseconds.
pub fn month_range(year: i32, month: u8) -> Option<(i64, i64)> {
    let start = dangjian_domain::clock::parse_local_date(&format!("{year:04}-{month:02}-01"))?;
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let end =
        dangjian_domain::clock::parse_local_date(&format!("{next_year:04}-{next_month:02}-01"))?;
    Some((start, end))
}

impl App {
    pub(crate) async fn visible_columns(&self, site: SiteId) -> Result<Vec<Column>> {
        let mut conn = self.store().read().await?;
        Ok(visible(&columns::columns(&mut conn, site).await?))
    }

    /// The visible column tree (navigation).
    pub async fn public_columns(&self, site: SiteId) -> Result<Vec<Column>> {
        self.visible_columns(site).await
    }

    /// A published article of the site.
    pub async fn public_article(&self, site: SiteId, id: ArticleId) -> Result<ArticleLookup> {
        let now = self.now_ms();
        let mut conn = self.store().read().await?;
        let article = match stored::get(&mut conn, id).await {
            Ok(article) if article.site_id == site => article,
            Ok(_) | Err(StoreError::NotFound) => return Ok(ArticleLookup::NotFound),
            Err(other) => return Err(other.into()),
        };
        match article.status {
            ArticleStatus::Withdrawn => return Ok(ArticleLookup::Withdrawn),
            ArticleStatus::Draft
            | ArticleStatus::InReview
            | ArticleStatus::Returned
            | ArticleStatus::Scheduled
            | ArticleStatus::Merged => return Ok(ArticleLookup::NotFound),
            ArticleStatus::Published if article.publish_at > now => {
                return Ok(ArticleLookup::NotFound);
            }
            ArticleStatus::Published => {}
        }
        let all = visible(&columns::columns(&mut conn, site).await?);
        let mut listed = vec![article.primary_column_id];
        listed.extend(stored::extra_columns(&mut conn, id).await?);
        let shown: Vec<Column> = listed
            .iter()
            .filter_map(|c| all.iter().find(|x| x.id == *c).cloned())
            .collect();
        let attachments = stored::attachments(&mut conn, id).await?;
        let (older, newer) = stored::neighbours(&mut conn, &article, now).await?;
        let related =
            stored::newest_in(&mut conn, site, &[article.primary_column_id], now, 0, 6).await?;
        let related = related.into_iter().filter(|r| r.id != id).take(5).collect();
        Ok(ArticleLookup::Found(Box::new(PublicArticle {
            trail: trail(&all, article.primary_column_id),
            article,
            columns: shown,
            attachments,
            older,
            newer,
            related,
        })))
    }

    /// A visible column by its slug, with one page of its articles and those
    /// of its sub-columns; `None` if there is no such visible column.
    pub async fn public_column(
        &self,
        site: SiteId,
        slug: &str,
        page: i64,
    ) -> Result<Option<ColumnListing>> {
        let all = self.visible_columns(site).await?;
        let Some(column) = all.iter().find(|c| c.slug == slug).cloned() else {
            return Ok(None);
        };
        let page = page.max(1);
        let ids = subtree(&all, column.id);
        let mut conn = self.store().read().await?;
        let (items, total) = stored::published_in(
            &mut conn,
            site,
            &ids,
            self.now_ms(),
            (page - 1) * PER_PAGE,
            PER_PAGE,
        )
        .await?;
        let children = children(&all, Some(column.id));
        let mut blocks = Vec::new();
        if page == 1 && column.kind == ColumnKind::SpecialTopic.code() {
            for child in &children {
                let ids = subtree(&all, child.id);
                let items =
                    stored::newest_in(&mut conn, site, &ids, self.now_ms(), 0, BLOCK_SIZE).await?;
                blocks.push((child.clone(), items));
            }
        }
        Ok(Some(ColumnListing {
            trail: trail(&all, column.id),
            children,
            blocks,
            column,
            items,
            total,
            page,
            per_page: PER_PAGE,
        }))
    }

    /// The homepage: headline, carousel, latest, and a block per main column.
    pub async fn public_home(&self, site: SiteId) -> Result<HomeContent> {
        let now = self.now_ms();
        let all = self.visible_columns(site).await?;
        let mut conn = self.store().read().await?;
        let headline = stored::featured(&mut conn, site, Feature::Headline, now, 1)
            .await?
            .pop();
        let carousel = stored::featured(&mut conn, site, Feature::Carousel, now, 5).await?;
        let latest = stored::featured(&mut conn, site, Feature::Latest, now, 10).await?;
        let mut chosen: Vec<&Column> = all.iter().filter(|c| c.home_order > 0).collect();
        chosen.sort_by_key(|c| (c.home_order, c.sort_order, c.id.0));
        let mut blocks = Vec::new();
        for column in chosen.into_iter().cloned() {
            let ids = subtree(&all, column.id);
            let items = stored::newest_in(&mut conn, site, &ids, now, 0, BLOCK_SIZE).await?;
            blocks.push((column, items));
        }
        Ok(HomeContent {
            headline,
            carousel,
            latest,
            blocks,
            columns: all,
        })
    }

    /// The newest published articles of the site, or of one visible column
    /// and its sub-columns (feeds).
    pub async fn public_latest(
        &self,
        site: SiteId,
        column: Option<ColumnId>,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let now = self.now_ms();
        let mut conn = self.store().read().await?;
        match column {
            None => Ok(stored::featured(&mut conn, site, Feature::Latest, now, limit).await?),
            Some(root) => {
                let all = visible(&columns::columns(&mut conn, site).await?);
                let ids = subtree(&all, root);
                Ok(stored::newest_in(&mut conn, site, &ids, now, 0, limit).await?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_cover_local_time() {
        let (start, end) = month_range(2026, 12).unwrap();
        assert_eq!(
            dangjian_domain::clock::format_local(start),
            "2026-12-01 00:00:00"
        );
        assert_eq!(
            dangjian_domain::clock::format_local(end),
            "2027-01-01 00:00:00"
        );
        assert_eq!(local_month(end - 1), (2026, 12));
        assert_eq!(month_range(2026, 13), None);
    }
}
