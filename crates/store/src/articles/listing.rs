//! The published lists the portal reads: a column's page, newest and
//! pinned, featured items, a period's publications, neighbours of an
//! article.

use super::*;

/// Published articles (publish time reached) in any of `columns` — as
/// primary or further column — pinned first, then newest; and their total.
///
/// Read without sorting the site's articles: each column's newest come from
/// the `articles_column` index (enough of them to fill the page), placements
/// in further columns (一稿多发, rare) and currently pinned articles (few)
/// are read apart, and the lists are merged here.
pub async fn published_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummary>, i64)> {
    if columns.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let page = newest_in(conn, site, columns, now, offset, limit).await?;
    let total = count_published_in(conn, site, columns, now).await?;
    Ok((page, total))
}

/// The page of `published_in` without the total (homepage blocks, related
/// articles, feeds).
pub async fn newest_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<ArticleSummary>> {
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = offset + limit;
    let mut pinned = pinned_in(conn, site, columns, now).await?;
    let mut newest = Vec::new();
    for column in columns {
        let sql = format!(
            "{SUMMARY_COLUMNS} WHERE a.primary_column_id = $2 AND a.status = 'published'
             AND a.publish_at <= $1 AND a.site_id = $3
             ORDER BY a.publish_at DESC, a.id DESC LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(now)
            .bind(column.0)
            .bind(site.0)
            .bind(wanted + i64::try_from(pinned.len()).unwrap_or(0))
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            newest.push(summary_from_row(row)?);
        }
    }
    newest.extend(placed_in(conn, site, columns, now, wanted).await?);
    pinned.sort_by_key(|a| std::cmp::Reverse((a.publish_at, a.id)));
    newest.sort_by_key(|a| std::cmp::Reverse((a.publish_at, a.id)));
    let mut seen = std::collections::HashSet::new();
    let page = pinned
        .into_iter()
        .chain(newest.into_iter().filter(|a| !a.pinned))
        .filter(|a| seen.insert(a.id))
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    Ok(page)
}

/// Currently pinned published articles of the site that are in `columns`.
async fn pinned_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
) -> Result<Vec<ArticleSummary>> {
    let sql = format!(
        "{SUMMARY_COLUMNS} WHERE a.site_id = $2 AND a.pinned_until >= $1 AND a.status = 'published'
         AND a.publish_at <= $1"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut list = Vec::new();
    for row in &rows {
        let summary = summary_from_row(row)?;
        let placed = columns.contains(&summary.primary_column_id)
            || extra_columns(conn, summary.id)
                .await?
                .iter()
                .any(|c| columns.contains(c));
        if placed {
            list.push(summary);
        }
    }
    Ok(list)
}

/// The newest published articles placed in `columns` as further columns.
async fn placed_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
    limit: i64,
) -> Result<Vec<ArticleSummary>> {
    // Driven from the placements (few) rather than from the articles: the
    // CROSS JOIN keeps SQLite's planner from scanning every article first
    // (PostgreSQL plans it the same either way).
    let list = placeholders(4, columns.len());
    let sql = format!(
        "{SUMMARY_FIELDS} FROM (SELECT DISTINCT article_id FROM article_columns
            WHERE column_id IN ({list})) p CROSS JOIN articles a
         WHERE a.id = p.article_id AND a.site_id = $2 AND a.status = 'published'
         AND a.publish_at <= $1
         ORDER BY a.publish_at DESC, a.id DESC LIMIT $3"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(limit);
    for column in columns {
        query = query.bind(column.0);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(summary_from_row).collect()
}

/// How many published articles are in `columns`, each counted once.
async fn count_published_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
) -> Result<i64> {
    let list = placeholders(3, columns.len());
    // The columns belong to the site, so `site_id` is only restated as
    // `$2 = $2`: naming the column would lead the planner to the wrong index.
    let primary = format!(
        "SELECT COUNT(*) FROM articles a WHERE a.primary_column_id IN ({list})
         AND a.status = 'published' AND a.publish_at <= $1 AND $2 = $2"
    );
    let further = format!(
        "SELECT COUNT(DISTINCT c.article_id) FROM article_columns c
         WHERE c.column_id IN ({list}) AND $2 = $2 AND EXISTS (SELECT 1 FROM articles a
            WHERE a.id = c.article_id AND a.primary_column_id NOT IN ({list})
            AND a.status = 'published' AND a.publish_at <= $1)"
    );
    let mut total = 0;
    for sql in [primary, further] {
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now).bind(site.0);
        for column in columns {
            query = query.bind(column.0);
        }
        let count: i64 = query.fetch_one(&mut *conn).await?.try_get(0)?;
        total += count;
    }
    Ok(total)
}

/// Which published articles the homepage features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    Headline,
    Carousel,
    Latest,
}

/// The newest published articles marked as headline or carousel, or just
/// the newest.
pub async fn featured(
    conn: &mut Conn,
    site: SiteId,
    feature: Feature,
    now: i64,
    limit: i64,
) -> Result<Vec<ArticleSummary>> {
    let mark = match feature {
        Feature::Headline => "AND a.headline = 1",
        Feature::Carousel => "AND a.carousel = 1 AND a.cover_media_id IS NOT NULL",
        Feature::Latest => "",
    };
    let sql = format!(
        "{SUMMARY_COLUMNS} WHERE a.site_id = $2 AND a.status = 'published' AND a.publish_at <= $1 {mark}
         ORDER BY a.publish_at DESC, a.id DESC LIMIT $3"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(summary_from_row).collect()
}

/// Published articles with a publish time in `[from, until)`, newest first;
/// only those whose primary column is one of `columns` when given.
pub async fn published_between(
    conn: &mut Conn,
    site: SiteId,
    (from, until): (i64, i64),
    columns: Option<&[ColumnId]>,
    now: i64,
    (offset, limit): (i64, i64),
) -> Result<(Vec<ArticleSummary>, i64)> {
    // Column ids are integers: inlined, the statement's parameters stay fixed.
    let in_columns = columns.map_or(String::new(), |ids| {
        let list: Vec<String> = ids.iter().map(|c| c.0.to_string()).collect();
        format!(" AND a.primary_column_id IN ({})", list.join(", "))
    });
    let condition = format!(
        "WHERE a.site_id = $2 AND a.status = 'published' AND a.publish_at <= $1
        AND a.publish_at >= $3 AND a.publish_at < $4{in_columns}"
    );
    let total: i64 = sqlx::query(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM articles a {condition}"
    )))
    .bind(now)
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let sql = format!(
        "{SUMMARY_COLUMNS} {condition} ORDER BY a.publish_at DESC, a.id DESC LIMIT $5 OFFSET $6"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(from)
        .bind(until)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    let items = rows.iter().map(summary_from_row).collect::<Result<_>>()?;
    Ok((items, total))
}

/// Publish time and primary column of every published article (for the
/// archive's counts by month and column, bucketed in local time by the
/// caller).
pub async fn published_times(
    conn: &mut Conn,
    site: SiteId,
    now: i64,
) -> Result<Vec<(i64, ColumnId)>> {
    let rows = sqlx::query(
        "SELECT publish_at, primary_column_id FROM articles
         WHERE site_id = $1 AND status = 'published' AND publish_at <= $2",
    )
    .bind(site.0)
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, ColumnId(row.try_get(1)?))))
        .collect()
}

/// The published neighbours of an article in its primary column: the one
/// published just before and just after it.
pub async fn neighbours(
    conn: &mut Conn,
    article: &Article,
    now: i64,
) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>)> {
    let pick = |newer: bool| {
        let (comparison, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
        format!(
            "{SUMMARY_COLUMNS} WHERE a.site_id = $2 AND a.status = 'published' AND a.publish_at <= $1
             AND a.primary_column_id = $3 AND (a.publish_at {comparison} $4
                 OR (a.publish_at = $4 AND a.id {comparison} $5))
             ORDER BY a.publish_at {order}, a.id {order} LIMIT 1"
        )
    };
    let mut result = [None, None];
    for (slot, newer) in [(0, false), (1, true)] {
        let row = sqlx::query(AssertSqlSafe(pick(newer)))
            .bind(now)
            .bind(article.site_id.0)
            .bind(article.primary_column_id.0)
            .bind(article.publish_at)
            .bind(article.id.0)
            .fetch_optional(&mut *conn)
            .await?;
        result[slot] = row.as_ref().map(summary_from_row).transpose()?;
    }
    let [older, newer] = result;
    Ok((older, newer))
}

/// How many articles (any status) name the column, as primary or further.
pub async fn count_in_column(conn: &mut Conn, column: ColumnId) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT (SELECT COUNT(*) FROM articles WHERE primary_column_id = $1)
              + (SELECT COUNT(*) FROM article_columns WHERE column_id = $1)",
    )
    .bind(column.0)
    .fetch_one(conn)
    .await?
    .try_get(0)?)
}
