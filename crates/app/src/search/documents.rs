//! What the index holds for an item: an article becomes one document, and
//! each of its attachments one more (kind `attachment`, titled by the file
//! name, so that a hit names the file and the type filter can ask for
//! attachments alone). Who may find it is said by audience tokens: `public`
//! for what the portal shows, `office:<site>` for what the site's office
//! staff may see (every article of the site, as the office list shows).

use dangjian_extract::{ExtractError, Limits, extract_text};
use dangjian_search::{Kind, SearchDoc};
use dangjian_store::search::{self as feed, IndexedArticle, IndexedQuestion, MediaText};

use crate::{App, Result};

/// Attachments indexed per article (keys `attachment:<article>:<n>`).
pub const MAX_ATTACHMENTS: usize = 20;
/// Largest attachment read for its text.
const MAX_ATTACHMENT_BYTES: i64 = 50 * 1024 * 1024;

pub const PUBLIC: &str = "public";

pub fn office_audience(site: i64) -> String {
    format!("office:{site}")
}

pub fn article_key(id: i64) -> String {
    format!("article:{id}")
}

pub fn attachment_key(article: i64, n: usize) -> String {
    format!("attachment:{article}:{n}")
}

pub fn question_key(id: i64) -> String {
    format!("qa:{id}")
}

/// What an index key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Article(i64),
    /// An article's attachment, by its place among them.
    Attachment(i64, usize),
    Question(i64),
}

impl Key {
    pub fn parse(key: &str) -> Option<Key> {
        let mut parts = key.split(':');
        match (parts.next()?, parts.next()?, parts.next()) {
            ("article", id, None) => Some(Key::Article(id.parse().ok()?)),
            ("attachment", id, Some(n)) => Some(Key::Attachment(id.parse().ok()?, n.parse().ok()?)),
            ("qa", id, None) => Some(Key::Question(id.parse().ok()?)),
            _ => None,
        }
    }

    /// The article an article's or an attachment's key belongs to.
    pub fn article(self) -> Option<i64> {
        match self {
            Key::Article(id) | Key::Attachment(id, _) => Some(id),
            Key::Question(_) => None,
        }
    }

    pub fn question(self) -> Option<i64> {
        match self {
            Key::Question(id) => Some(id),
            _ => None,
        }
    }
}

/// The document of a question: found publicly once published, by the
/// office always (its inbox shows every question).
pub fn question_document(question: &IndexedQuestion) -> SearchDoc {
    let office = office_audience(question.site_id);
    let audience = if question.status == "published" {
        vec![PUBLIC.into(), office]
    } else {
        vec![office]
    };
    let body = [
        question.body.as_str(),
        question.answer.as_str(),
        question.topic.as_str(),
    ]
    .iter()
    .filter(|part| !part.trim().is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("\n");
    SearchDoc {
        key: question_key(question.id),
        site: question.site_id,
        kind: Kind::Qa,
        title: question.title.clone(),
        body,
        attachments: Vec::new(),
        column: None,
        placements: Vec::new(),
        date_ms: question.published_at.unwrap_or(question.asked_at),
        audience,
    }
}

/// Who may find the article, or `None` when nobody searches for it (a
/// merged edit is part of its original now).
fn audience(article: &IndexedArticle) -> Option<Vec<String>> {
    let office = office_audience(article.site_id);
    match article.status.as_str() {
        "merged" => None,
        "published" if article.revises_id.is_none() => Some(vec![PUBLIC.into(), office]),
        _ => Some(vec![office]),
    }
}

fn body_of(article: &IndexedArticle) -> String {
    [
        article.subtitle.as_str(),
        article.summary.as_str(),
        article.body_text.as_str(),
        article.keywords.as_str(),
        article.author.as_str(),
        article.source.as_str(),
    ]
    .iter()
    .filter(|part| !part.trim().is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("\n")
}

/// The documents of an article: itself and its attachments (with the text
/// given for each, in order).
pub fn documents(article: &IndexedArticle, texts: &[String]) -> Vec<SearchDoc> {
    let Some(audience) = audience(article) else {
        return Vec::new();
    };
    let date_ms = article.publish_at.unwrap_or(article.updated_at);
    let column = article.columns.first().copied();
    let placements: Vec<i64> = article.columns.iter().skip(1).copied().collect();
    let kind = if article.has_video {
        Kind::Video
    } else {
        Kind::Article
    };
    let mut docs = vec![SearchDoc {
        key: article_key(article.id),
        site: article.site_id,
        kind,
        title: article.title.clone(),
        body: body_of(article),
        attachments: Vec::new(),
        column,
        placements: placements.clone(),
        date_ms,
        audience: audience.clone(),
    }];
    for (n, ((_, name), text)) in article
        .attachments
        .iter()
        .zip(texts)
        .take(MAX_ATTACHMENTS)
        .enumerate()
    {
        docs.push(SearchDoc {
            key: attachment_key(article.id, n),
            site: article.site_id,
            kind: Kind::Attachment,
            title: name.clone(),
            body: text.clone(),
            attachments: Vec::new(),
            column,
            placements: placements.clone(),
            date_ms,
            audience: audience.clone(),
        });
    }
    docs
}

fn outcome_of(result: std::result::Result<String, ExtractError>) -> MediaText {
    match result {
        Ok(body) => MediaText {
            outcome: "ok".into(),
            body,
            detail: String::new(),
        },
        Err(ExtractError::Unsupported { .. }) => MediaText {
            outcome: "unsupported".into(),
            body: String::new(),
            detail: String::new(),
        },
        Err(other) => MediaText {
            outcome: "failed".into(),
            body: String::new(),
            detail: other.to_string(),
        },
    }
}

impl App {
    /// The text of an attachment: kept from an earlier extraction, or
    /// extracted now (on a blocking thread) and kept. A file that cannot be
    /// read gives no text; the reason is kept and logged, never fatal.
    pub(crate) async fn attachment_text(&self, media: i64, name: &str) -> Result<String> {
        {
            let mut conn = self.store().read().await?;
            if let Some(kept) = feed::media_text(&mut conn, media).await? {
                return Ok(kept.body);
            }
        }
        let object = {
            let mut conn = self.store().read().await?;
            feed::media_object(&mut conn, media).await?
        };
        let Some((hash, size)) = object else {
            return Ok(String::new());
        };
        let text = if size > MAX_ATTACHMENT_BYTES {
            MediaText {
                outcome: "failed".into(),
                body: String::new(),
                detail: format!("{size} bytes is over the limit"),
            }
        } else {
            let bytes = self
                .objects()?
                .get_range(&hash, 0, u64::try_from(size).unwrap_or(0))
                .await?;
            let name = name.to_owned();
            let extracted = tokio::task::spawn_blocking(move || {
                extract_text(&bytes, &name, &Limits::default()).map(|e| e.text)
            })
            .await
            .map_err(crate::AppError::internal)?;
            outcome_of(extracted)
        };
        if text.outcome == "failed" {
            tracing::warn!(media, detail = %text.detail, "no text from an attachment");
        }
        let mut tx = self.store().write().await?;
        feed::put_media_text(&mut tx, media, &text, self.now_ms()).await?;
        tx.commit().await?;
        Ok(text.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        assert_eq!(Key::parse(&article_key(12)), Some(Key::Article(12)));
        assert_eq!(
            Key::parse(&attachment_key(12, 3)),
            Some(Key::Attachment(12, 3))
        );
        assert_eq!(Key::parse(&question_key(5)), Some(Key::Question(5)));
        assert_eq!(
            Key::parse(&attachment_key(12, 3)).and_then(Key::article),
            Some(12)
        );
        assert_eq!(Key::parse("article:x"), None);
        assert_eq!(Key::parse("letter:1"), None);
    }
}
