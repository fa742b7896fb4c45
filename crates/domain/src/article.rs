//! Articles: what an article is made of and how its input is parsed. The
//! body is sanitised by the use case (it needs an HTML parser); everything
//! else is decided here.

use serde::{Deserialize, Serialize};

use crate::account::bounded_text;
use crate::column::{ColumnId, parse_external_url};
use crate::invalid::Invalid;
use crate::media::MediaId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub i64);

impl std::fmt::Display for ArticleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where an article stands: written, reviewed stage by stage (see
/// `workflow`), then published at once or at its scheduled minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    /// Submitted: waiting at a stage of its workflow.
    InReview,
    /// Sent back to its author with a comment.
    Returned,
    /// Approved; the scheduler publishes it at its publish time.
    Scheduled,
    Published,
    /// 撤稿: taken off every page; its URL answers 410.
    Withdrawn,
    /// An approved edit of a published article, now merged into it.
    Merged,
}

impl ArticleStatus {
    pub fn code(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::InReview => "in_review",
            ArticleStatus::Returned => "returned",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Withdrawn => "withdrawn",
            ArticleStatus::Merged => "merged",
        }
    }

    pub const ALL: [ArticleStatus; 7] = [
        ArticleStatus::Draft,
        ArticleStatus::InReview,
        ArticleStatus::Returned,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
        ArticleStatus::Withdrawn,
        ArticleStatus::Merged,
    ];

    pub fn from_code(code: &str) -> Option<ArticleStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Its author may still change it (before submission or once returned).
    pub fn editable_by_author(self) -> bool {
        matches!(self, ArticleStatus::Draft | ArticleStatus::Returned)
    }

    pub fn label_key(self) -> String {
        format!("article.status.{}", self.code())
    }
}

/// The article form as submitted: text fields, ids as text. The body is
/// handled apart (sanitised by the use case).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArticleInput {
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    pub summary: String,
    pub keywords: String,
    pub external_url: String,
    pub primary_column: String,
    /// Further columns, comma-separated ids (一稿多发).
    pub extra_columns: String,
    pub cover: String,
    pub video: String,
    /// Attachment media ids in display order, comma-separated.
    pub attachments: String,
    /// Local time `YYYY-MM-DDTHH:MM` (the browser's datetime-local) or empty
    /// for "now".
    pub publish_at: String,
    /// Local time it goes offline by itself (定时下线), or empty for never.
    pub unpublish_at: String,
    /// Local date `YYYY-MM-DD` until which the article stays on top.
    pub pinned_until: String,
    pub headline: String,
    pub carousel: String,
}

/// The parsed article fields (everything but the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleFields {
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    pub summary: String,
    pub keywords: String,
    pub external_url: Option<String>,
    pub primary_column: ColumnId,
    pub extra_columns: Vec<ColumnId>,
    pub cover: Option<MediaId>,
    pub video: Option<MediaId>,
    pub attachments: Vec<MediaId>,
    pub publish_at: Option<i64>,
    pub unpublish_at: Option<i64>,
    pub pinned_until: Option<i64>,
    pub headline: bool,
    pub carousel: bool,
}

fn optional_text(input: &str, field: &str, max: usize) -> Result<String, Invalid> {
    if input.trim().is_empty() {
        Ok(String::new())
    } else {
        bounded_text(input, field, max, "error.text.too_long")
    }
}

fn optional_id(input: &str, field: &str) -> Result<Option<i64>, Invalid> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(Some)
        .ok_or_else(|| Invalid::one(field, "error.article.bad_reference"))
}

fn id_list(input: &str, field: &str) -> Result<Vec<i64>, Invalid> {
    let mut ids = Vec::new();
    for part in input
        .split([',', ' ', '，'])
        .filter(|p| !p.trim().is_empty())
    {
        if let Some(id) = optional_id(part, field)?
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn flag(input: &str) -> bool {
    matches!(input.trim(), "1" | "on" | "true" | "yes")
}

impl ArticleInput {
    pub fn parse(&self) -> Result<ArticleFields, Invalid> {
        let mut invalid = Invalid::default();
        let title = invalid.collect(bounded_text(
            &self.title,
            "title",
            120,
            "error.article.title_required",
        ));
        let subtitle = invalid.collect(optional_text(&self.subtitle, "subtitle", 120));
        let author = invalid.collect(optional_text(&self.author, "author", 60));
        let source = invalid.collect(optional_text(&self.source, "source", 60));
        let summary = invalid.collect(optional_text(&self.summary, "summary", 500));
        let keywords = invalid.collect(optional_text(&self.keywords, "keywords", 120));
        let external_url = if self.external_url.trim().is_empty() {
            Some(None)
        } else {
            invalid.collect(
                parse_external_url(&self.external_url)
                    .map(Some)
                    .map_err(|_| Invalid::one("external_url", "error.article.external_url")),
            )
        };
        let primary = invalid.collect(optional_id(&self.primary_column, "primary_column"));
        if matches!(primary, Some(None)) {
            invalid.push("primary_column", "error.article.column_required");
        }
        let extra = invalid.collect(id_list(&self.extra_columns, "extra_columns"));
        let cover = invalid.collect(optional_id(&self.cover, "cover"));
        let video = invalid.collect(optional_id(&self.video, "video"));
        let attachments = invalid.collect(id_list(&self.attachments, "attachments"));
        let publish_at = invalid.collect(parse_when(&self.publish_at));
        let unpublish_at = invalid
            .collect(
                parse_when(&self.unpublish_at)
                    .map_err(|_| Invalid::one("unpublish_at", "error.article.when")),
            )
            .flatten();
        if let (Some(Some(from)), Some(until)) = (publish_at, unpublish_at)
            && until <= from
        {
            invalid.push("unpublish_at", "error.article.unpublish_before_publish");
        }
        let pinned_until = invalid.collect(parse_pinned_until(&self.pinned_until));
        let carousel = flag(&self.carousel);
        if carousel && matches!(cover, Some(None)) {
            invalid.push("cover", "error.article.carousel_needs_cover");
        }
        if !invalid.is_empty() {
            return Err(invalid);
        }
        let (
            Some(title),
            Some(subtitle),
            Some(author),
            Some(source),
            Some(summary),
            Some(keywords),
        ) = (title, subtitle, author, source, summary, keywords)
        else {
            return Err(invalid);
        };
        let (Some(external_url), Some(Some(primary)), Some(extra), Some(cover), Some(video)) =
            (external_url, primary, extra, cover, video)
        else {
            return Err(invalid);
        };
        let (Some(attachments), Some(publish_at), Some(pinned_until)) =
            (attachments, publish_at, pinned_until)
        else {
            return Err(invalid);
        };
        Ok(ArticleFields {
            title,
            subtitle,
            author,
            source,
            summary,
            keywords,
            external_url,
            primary_column: ColumnId(primary),
            extra_columns: extra
                .into_iter()
                .filter(|c| *c != primary)
                .map(ColumnId)
                .collect(),
            cover: cover.map(MediaId),
            video: video.map(MediaId),
            attachments: attachments.into_iter().map(MediaId).collect(),
            publish_at,
            unpublish_at,
            pinned_until,
            headline: flag(&self.headline),
            carousel,
        })
    }
}

fn parse_when(input: &str) -> Result<Option<i64>, Invalid> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    crate::clock::parse_local_datetime(input)
        .map(Some)
        .ok_or_else(|| Invalid::one("publish_at", "error.article.when"))
}

/// Pinned "until a date" means to the end of that day.
fn parse_pinned_until(input: &str) -> Result<Option<i64>, Invalid> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    crate::clock::parse_local_date(input)
        .map(|start| Some(start + 86_400_000 - 1))
        .ok_or_else(|| Invalid::one("pinned_until", "error.article.when"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            title: "县委组织部召开基层党建工作推进会".into(),
            primary_column: "3".into(),
            extra_columns: "5, 3，7".into(),
            attachments: "9,9,10".into(),
            publish_at: "2026-11-27T09:30".into(),
            pinned_until: "2026-12-01".into(),
            headline: "on".into(),
            ..ArticleInput::default()
        }
    }

    #[test]
    fn a_complete_input_parses() {
        let fields = input().parse().unwrap();
        assert_eq!(fields.primary_column, ColumnId(3));
        assert_eq!(fields.extra_columns, [ColumnId(5), ColumnId(7)]);
        assert_eq!(fields.attachments, [MediaId(9), MediaId(10)]);
        assert!(fields.headline && !fields.carousel);
        assert_eq!(
            fields.publish_at,
            crate::clock::parse_local_datetime("2026-11-27 09:30")
        );
        let end_of_day = crate::clock::parse_local_date("2026-12-02").unwrap() - 1;
        assert_eq!(fields.pinned_until, Some(end_of_day));
    }

    #[test]
    fn every_error_is_named_by_its_field() {
        let bad = ArticleInput {
            title: " ".into(),
            primary_column: String::new(),
            external_url: "ftp://example.org".into(),
            carousel: "on".into(),
            publish_at: "tomorrow".into(),
            ..ArticleInput::default()
        };
        let err = bad.parse().unwrap_err();
        for field in [
            "title",
            "primary_column",
            "external_url",
            "cover",
            "publish_at",
        ] {
            assert!(err.code_for(field).is_some(), "{field}: {err:?}");
        }
    }
}
