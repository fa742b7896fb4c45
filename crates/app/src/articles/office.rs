//! The office's list of articles.

use dangjian_domain::article::ArticleStatus;
use dangjian_domain::column::{self as rules, ColumnId};
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::role::Permission;
use dangjian_store::articles::{self as stored, ArticleSummary, OfficeFilter};
use dangjian_store::columns::{self, Column};
use dangjian_store::{StoreError, users};

use crate::actor::Actor;
use crate::{App, Result};

/// What the office list filters by, as submitted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ArticleQuery {
    pub column: String,
    pub status: String,
    pub q: String,
    pub page: String,
}

/// One page of the office list.
#[derive(Debug, Clone)]
pub struct ArticleList {
    pub items: Vec<ArticleSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl ArticleList {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// A column of the site in display order, for the article form's selects.
#[derive(Debug, Clone)]
pub struct ArticleColumn {
    pub column: Column,
    /// 1 for a main column.
    pub depth: usize,
    /// Whether articles may be filed in it (not an external link).
    pub holds_articles: bool,
}

impl App {
    /// The site's columns in display order, for whoever writes articles (the
    /// column tree pages are the site editor's).
    pub async fn article_columns(&self, actor: &Actor, site: SiteId) -> Result<Vec<ArticleColumn>> {
        if !actor.can(Permission::ManageSite) && !actor.can(Permission::ReviewArticles) {
            self.require(actor, Permission::WriteArticles, "article.list", "article")
                .await?;
        }
        let mut conn = self.store().read().await?;
        let all = columns::columns(&mut conn, site).await?;
        let tree = crate::columns::nodes(&all);
        Ok(rules::display_order(&tree)
            .into_iter()
            .filter_map(|(id, depth)| {
                let column = all.iter().find(|c| c.id == id)?.clone();
                Some(ArticleColumn {
                    holds_articles: super::edit::holds_articles(&column.kind),
                    column,
                    depth,
                })
            })
            .collect())
    }

    /// The display name of the person who last changed something (for the
    /// article page's "last changed by"); None when the account is gone.
    pub async fn person_name(&self, id: UserId) -> Result<Option<String>> {
        let mut conn = self.store().read().await?;
        match users::by_id(&mut conn, id).await {
            Ok(user) => Ok(Some(format!("{}（{}）", user.display_name, user.username))),
            Err(StoreError::NotFound) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    /// Articles of every status, newest change first.
    pub async fn office_articles(
        &self,
        actor: &Actor,
        site: SiteId,
        query: &ArticleQuery,
    ) -> Result<ArticleList> {
        if !actor.can(Permission::ManageSite) {
            self.require(actor, Permission::WriteArticles, "article.list", "article")
                .await?;
        }
        let filter = OfficeFilter {
            column: query.column.trim().parse().ok().map(ColumnId),
            status: ArticleStatus::from_code(query.status.trim()),
            search: query.q.trim().chars().take(50).collect(),
        };
        let per_page = 30;
        let page = query.page.trim().parse::<i64>().unwrap_or(1).max(1);
        let mut conn = self.store().read().await?;
        let (items, total) = stored::office_list(
            &mut conn,
            site,
            &filter,
            self.now_ms(),
            (page - 1) * per_page,
            per_page,
        )
        .await?;
        Ok(ArticleList {
            items,
            total,
            page,
            per_page,
        })
    }
}
