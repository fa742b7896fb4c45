//! 解疑释惑: cadres and the public ask; the site editors hand a question to
//! a section, the section answers, the editors publish it into the
//! knowledge base (grouped by topic) or keep it out with a reason, and a
//! question already answered elsewhere is linked to that answer.
//!
//! This module is the public side: the ask form with its challenge and rate
//! limit, and the knowledge base. `office` holds the editors' and
//! sections' use cases.

mod entry;
mod office;
mod topics;

use dangjian_domain::qa::{AskFields, Challenge, QuestionInput, Status};
use dangjian_domain::{Invalid, ids::SiteId};
use dangjian_store::qa as stored;
pub use dangjian_store::qa::{Question, Topic};
use rand::Rng;

pub use self::entry::OfficeEntry;
pub use self::office::{Inbox, InboxFilter, QaAction, answering_sections, may_answer};
pub use self::topics::TopicForm;
use crate::actor::Client;
use crate::audit::{Event, Subject};
use crate::{App, AppError, Result};

/// Questions one client address may ask per `RATE_WINDOW_MS`.
pub const RATE_LIMIT: i64 = 5;
pub const RATE_WINDOW_MS: i64 = 3600 * 1000;

/// The most questions a knowledge-base page lists.
const KNOWLEDGE_BASE_MAX: i64 = 500;

/// What the public form submits.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicAsk<'a> {
    pub fields: AskFields<'a>,
    pub challenge_token: &'a str,
    pub challenge_answer: &'a str,
}

/// A topic of the knowledge base with its published questions.
#[derive(Debug, Clone)]
pub struct TopicGroup {
    pub topic: Topic,
    pub questions: Vec<Question>,
}

/// A published question as its public page shows it: when it is linked to
/// another answer, that question too.
#[derive(Debug, Clone)]
pub struct PublicAnswer {
    pub question: Question,
    pub linked: Option<Question>,
}

impl App {
    /// The site's question topics.
    pub async fn qa_topics(&self, site: SiteId) -> Result<Vec<Topic>> {
        let mut conn = self.store().read().await?;
        Ok(stored::topics(&mut conn, site).await?)
    }

    /// The key that signs the public form's challenge, shared by every node.
    pub(crate) async fn challenge_key(&self) -> Result<Vec<u8>> {
        let candidate = hex::encode(rand::rng().random::<[u8; 32]>());
        let mut tx = self.store().write().await?;
        let key = stored::challenge_key(&mut tx, &candidate, self.now_ms()).await?;
        tx.commit().await?;
        Ok(key.into_bytes())
    }

    /// A new challenge for the public ask form.
    pub async fn qa_challenge(&self) -> Result<Challenge> {
        let key = self.challenge_key().await?;
        let seed = rand::rng().random::<[u32; 3]>();
        Ok(Challenge::new(&key, seed, self.now_ms()))
    }

    /// A question from the public portal: checked, then the challenge, then
    /// the address's rate limit (`Conflict("error.qa.rate_limited")`).
    pub async fn ask_public(
        &self,
        site: SiteId,
        client: &Client,
        ask: &PublicAsk<'_>,
    ) -> Result<i64> {
        let parsed = QuestionInput::parse(ask.fields);
        let key = self.challenge_key().await?;
        let now = self.now_ms();
        let solved = Challenge::check(&key, ask.challenge_token, ask.challenge_answer, now);
        let input = match (parsed, solved) {
            (Ok(input), true) => input,
            (parsed, solved) => {
                let mut invalid = parsed.err().unwrap_or_default();
                if !solved {
                    invalid.push("challenge", "error.qa.challenge");
                }
                return Err(invalid.into());
            }
        };
        self.check_topic(site, input.topic_id).await?;
        let mut tx = self.store().write().await?;
        let recent = stored::asked_since(&mut tx, &client.addr, now - RATE_WINDOW_MS).await?;
        if recent >= RATE_LIMIT {
            return Err(AppError::Conflict("error.qa.rate_limited"));
        }
        let id = self
            .insert_question(&mut tx, site, &input, "portal", client)
            .await?;
        let who = Subject {
            id: None,
            name: "public",
            roles: String::new(),
            client,
        };
        let event = Event::success("qa.ask", format!("qa:{id}")).with_detail(&input.title);
        self.audit(&mut tx, who, event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Refuses a topic the site does not have, as a field error.
    pub(crate) async fn check_topic(&self, site: SiteId, topic: i64) -> Result<()> {
        let topics = self.qa_topics(site).await?;
        if topics.iter().any(|t| t.id == topic) {
            Ok(())
        } else {
            Err(Invalid::one("topic", "error.qa.topic").into())
        }
    }

    pub(crate) async fn insert_question(
        &self,
        conn: &mut dangjian_store::Conn,
        site: SiteId,
        input: &QuestionInput,
        origin: &str,
        client: &Client,
    ) -> Result<i64> {
        let question = stored::NewQuestion {
            site,
            topic_id: input.topic_id,
            title: &input.title,
            body: &input.body,
            asker_name: &input.asker_name,
            contact: &input.contact,
            origin,
            client_addr: &client.addr,
            asked_at: self.now_ms(),
        };
        Ok(stored::insert(conn, &question).await?)
    }

    /// The knowledge base: every topic with its published questions
    /// (matching `text` when given), topics without any left out.
    pub async fn qa_knowledge_base(&self, site: SiteId, text: &str) -> Result<Vec<TopicGroup>> {
        let mut conn = self.store().read().await?;
        let topics = stored::topics(&mut conn, site).await?;
        let filter = stored::Filter {
            status: Some(Status::Published.code()),
            text: text.trim(),
            ..stored::Filter::default()
        };
        let published = stored::list(&mut conn, site, &filter, KNOWLEDGE_BASE_MAX).await?;
        Ok(topics
            .into_iter()
            .map(|topic| TopicGroup {
                questions: published
                    .iter()
                    .filter(|q| q.topic_id == topic.id)
                    .cloned()
                    .collect(),
                topic,
            })
            .filter(|group| !group.questions.is_empty())
            .collect())
    }

    /// One published question (NotFound for any other).
    pub async fn qa_public(&self, site: SiteId, id: i64) -> Result<PublicAnswer> {
        let mut conn = self.store().read().await?;
        let question = stored::get(&mut conn, site, id).await?;
        if question.status != Status::Published.code() {
            return Err(AppError::NotFound);
        }
        let linked = match question.answered_by_link {
            Some(target) => Some(stored::get(&mut conn, site, target).await?)
                .filter(|q| q.status == Status::Published.code()),
            None => None,
        };
        Ok(PublicAnswer { question, linked })
    }
}
