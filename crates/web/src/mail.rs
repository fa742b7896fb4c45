//! The words of e-mail notifications: the subject from the message catalog,
//! the body from a text template. Always Simplified Chinese: a mail is read
//! outside the office, where nobody's language switch applies.

use std::sync::Arc;

use askama::Template;
use dangjian_app::mail::{Composer, MailFacts, MailText};

use crate::i18n::Locale;

#[derive(Template)]
#[template(path = "mail/notice.txt")]
struct NoticeMail<'a> {
    locale: Locale,
    headline: String,
    facts: &'a MailFacts,
}

impl NoticeMail<'_> {
    fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }
}

/// Words mails with the message catalog; the sender loop is given one.
pub struct CatalogComposer {
    locale: Locale,
}

/// The composer the server's sender uses (also for tests that drive the
/// sender themselves).
pub fn mail_composer() -> Arc<dyn Composer> {
    Arc::new(CatalogComposer {
        locale: Locale::ZhCn,
    })
}

impl CatalogComposer {
    /// The catalog's text for `key` if it has one (it answers a missing key
    /// with the key itself).
    fn known(&self, key: &str) -> Option<String> {
        let text = self.locale.t(key);
        (text != key).then_some(text)
    }

    fn fill(&self, text: &str, facts: &MailFacts) -> String {
        text.replace("{title}", &facts.title)
            .replace("{who}", &facts.actor_name)
    }

    fn subject(&self, facts: &MailFacts) -> String {
        let text = self
            .known(&format!("mail.subject.{}", facts.kind))
            .unwrap_or_else(|| self.locale.t("mail.subject.other"));
        // A subject is one line, whatever a title holds.
        self.fill(&text, facts).replace(['\r', '\n'], " ")
    }

    fn headline(&self, facts: &MailFacts) -> String {
        let text = self
            .known(&format!("notice.kind.{}", facts.kind))
            .unwrap_or_else(|| self.locale.t("mail.subject.other"));
        self.fill(&text, facts)
    }
}

impl Composer for CatalogComposer {
    fn compose(&self, facts: &MailFacts) -> MailText {
        let headline = self.headline(facts);
        let view = NoticeMail {
            locale: self.locale,
            headline: headline.clone(),
            facts,
        };
        let body = view.render().unwrap_or_else(|error| {
            // Fields only: cannot fail in practice; the headline and link
            // still say what happened.
            tracing::warn!(%error, "the mail template failed");
            format!("{headline}\n\n{}\n", facts.office_link)
        });
        MailText {
            subject: self.subject(facts),
            body,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: &str, comment: &str) -> MailFacts {
        MailFacts {
            kind: kind.into(),
            title: "培训班开班".into(),
            actor_name: "李科长".into(),
            comment: comment.into(),
            office_link: "https://oa.example.gov.cn/articles/7".into(),
            public_link: None,
        }
    }

    #[test]
    fn a_returned_article_says_who_why_and_where() {
        let text = mail_composer().compose(&facts("review.returned", "请补充图片说明。"));
        assert!(text.subject.contains("培训班开班"), "{}", text.subject);
        assert!(
            text.body.contains("“培训班开班”被李科长退回"),
            "{}",
            text.body
        );
        assert!(text.body.contains("请补充图片说明。"), "{}", text.body);
        assert!(
            text.body.contains("https://oa.example.gov.cn/articles/7"),
            "{}",
            text.body
        );
        assert!(!text.body.contains("{{"), "{}", text.body);
    }

    #[test]
    fn unknown_kinds_and_line_breaks_still_make_a_one_line_subject() {
        let mut odd = facts("review.other", "");
        odd.title = "第一行\r\n第二行".into();
        let text = mail_composer().compose(&odd);
        assert!(text.subject.contains("第一行  第二行"), "{}", text.subject);
        assert!(!text.subject.contains("mail.subject"), "{}", text.subject);
    }
}
