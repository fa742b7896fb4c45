//! 部长信箱: the minister's mailbox.
//!
//! This module is the public side: a citizen writes a letter (checked, the
//! form's challenge solved, the address's hourly limit kept, attachments
//! recognised by their bytes and kept in the object store), receives a
//! tracking code and a query password, and looks the letter up with them;
//! letters whose writers allowed it are published masked once answered.
//! `office` holds the inbox and the officer's moves, `reply` the section's
//! reply through the review workflow, `stats` the quarterly figures.

mod office;
mod reminders;
mod reply;
mod stats;

use dangjian_domain::Invalid;
use dangjian_domain::clock::local_date;
use dangjian_domain::ids::SiteId;
use dangjian_domain::mailbox::{
    self as rules, ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX, CODE_RANDOM_LEN, LetterFields,
    LetterInput, LetterStatus, PASSWORD_LEN, attachment_kind, clean_file_name, mask_name,
    mask_text,
};
use dangjian_domain::qa::Challenge;
use dangjian_store::mailbox::{self as stored, Letter, NewLetter};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use self::office::{
    InboxLetter, LetterCase, MailboxAction, MailboxFilter, MailboxInbox, Powers,
};
pub use self::stats::{MailboxStats, month_label, parse_month};
use crate::actor::Client;
use crate::audit::{Event, Subject};
use crate::{App, AppError, Result};
pub use dangjian_store::mailbox::{LetterEvent, LetterFile};

/// Letters one client address may send per `RATE_WINDOW_MS`.
pub const RATE_LIMIT: i64 = 5;
pub const RATE_WINDOW_MS: i64 = 3600 * 1000;

/// Failed tracking lookups one address may make per `RATE_WINDOW_MS`
/// before it is refused for the rest of the hour.
pub const LOOKUP_FAILURE_LIMIT: i64 = 10;

/// Published letters per portal page.
pub const PUBLIC_PAGE_SIZE: i64 = 20;

/// One attached file as the form delivered it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the public form submits.
#[derive(Debug, Clone, Default)]
pub struct LetterForm<'a> {
    pub fields: LetterFields<'a>,
    pub challenge_token: &'a str,
    pub challenge_answer: &'a str,
    pub files: Vec<Upload>,
}

/// What the writer takes away: the only time the password is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub id: i64,
    pub tracking_code: String,
    pub password: String,
    pub due_at: i64,
}

/// A letter as its writer sees it after a lookup: what they wrote, where
/// it stands, and the reply once it is approved.
#[derive(Debug, Clone, Serialize)]
pub struct WriterView {
    pub tracking_code: String,
    pub category: String,
    pub subject: String,
    pub content: String,
    pub received_at: i64,
    pub due_at: i64,
    pub status: String,
    pub section_name: String,
    pub reply: String,
    pub responded_at: Option<i64>,
    pub refused_reason: String,
    pub published: bool,
    pub id: i64,
}

impl WriterView {
    fn of(letter: Letter) -> WriterView {
        let status = LetterStatus::from_code(&letter.status);
        let answered = status.is_some_and(LetterStatus::is_answered);
        WriterView {
            tracking_code: letter.tracking_code,
            category: letter.category,
            subject: letter.subject,
            content: letter.content,
            received_at: letter.received_at,
            due_at: letter.due_at,
            published: status == Some(LetterStatus::Published),
            status: letter.status,
            section_name: letter.section_name,
            reply: if answered {
                letter.reply
            } else {
                String::new()
            },
            responded_at: letter
                .responded_at
                .filter(|_| answered || status == Some(LetterStatus::Refused)),
            refused_reason: letter.refused_reason,
            id: letter.id,
        }
    }
}

/// A published letter as the portal shows it: personal data masked.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedLetter {
    pub id: i64,
    pub category: String,
    pub subject: String,
    pub content: String,
    pub writer: String,
    pub received_at: i64,
    pub reply: String,
    pub responded_at: Option<i64>,
    pub section_name: String,
}

impl PublishedLetter {
    fn of(letter: Letter) -> PublishedLetter {
        PublishedLetter {
            id: letter.id,
            category: letter.category,
            subject: mask_text(&letter.subject),
            content: mask_text(&letter.content),
            writer: mask_name(&letter.name),
            received_at: letter.received_at,
            reply: mask_text(&letter.reply),
            responded_at: letter.responded_at,
            section_name: letter.section_name,
        }
    }
}

/// A page of published letters.
#[derive(Debug, Clone)]
pub struct PublishedPage {
    pub letters: Vec<PublishedLetter>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// A file checked and ready to store.
struct Accepted {
    name: String,
    mime: &'static str,
    hash: String,
    bytes: Vec<u8>,
}

/// Checks the attachments: how many, how big, of what kind.
fn check_files(files: &[Upload], invalid: &mut Invalid) -> Vec<Accepted> {
    if files.len() > ATTACHMENTS_MAX {
        invalid.push("files", "error.mailbox.too_many_files");
        return Vec::new();
    }
    let mut accepted = Vec::new();
    for file in files {
        if file.bytes.len() > ATTACHMENT_MAX_BYTES {
            invalid.push("files", "error.mailbox.file_too_big");
            continue;
        }
        let Some(kind) = attachment_kind(&file.bytes) else {
            invalid.push("files", "error.mailbox.file_type");
            continue;
        };
        accepted.push(Accepted {
            name: clean_file_name(&file.name),
            mime: kind.mime(),
            hash: hex::encode(Sha256::digest(&file.bytes)),
            bytes: file.bytes.clone(),
        });
    }
    accepted
}

fn public_subject(client: &Client) -> Subject<'_> {
    Subject {
        id: None,
        name: "public",
        roles: String::new(),
        client,
    }
}

impl App {
    /// A new challenge for the letter form (the Q&A form's kind).
    pub async fn mailbox_challenge(&self) -> Result<Challenge> {
        self.qa_challenge().await
    }

    /// A letter from the portal. Fields, attachments and the challenge are
    /// checked together (`Invalid` with every problem); then the address's
    /// hourly limit (`Conflict("error.mailbox.rate_limited")`).
    pub async fn send_letter(
        &self,
        site: SiteId,
        client: &Client,
        form: &LetterForm<'_>,
    ) -> Result<Receipt> {
        let parsed = LetterInput::parse(form.fields);
        let mut invalid = parsed.as_ref().err().cloned().unwrap_or_default();
        let files = check_files(&form.files, &mut invalid);
        let key = self.challenge_key().await?;
        let now = self.now_ms();
        if !Challenge::check(&key, form.challenge_token, form.challenge_answer, now) {
            invalid.push("challenge", "error.qa.challenge");
        }
        invalid.into_result()?;
        let input = parsed.map_err(AppError::from)?;
        // An address already at its limit is refused before its files are
        // written, so a burst of refused letters leaves no bytes behind;
        // the count that decides is the one inside the transaction below.
        if self.letters_since(&client.addr, now).await? >= RATE_LIMIT {
            return Err(AppError::Conflict("error.mailbox.rate_limited"));
        }
        // Bytes go in before the row that names them: a crash in between
        // leaves an unnamed object, never a row without its file.
        for file in &files {
            self.objects()?.put(&file.hash, file.bytes.clone()).await?;
        }
        let (code, password) = new_credentials(now);
        let mut tx = self.store().write().await?;
        stored::serialise_client(&mut tx, self.store().backend(), &client.addr).await?;
        let recent = stored::received_since(&mut tx, &client.addr, now - RATE_WINDOW_MS).await?;
        if recent >= RATE_LIMIT {
            return Err(AppError::Conflict("error.mailbox.rate_limited"));
        }
        let calendar = crate::calendar::load(&mut tx).await?;
        let policy = rules::MailboxPolicy::from_settings(
            &dangjian_store::settings::all(&mut tx, dangjian_store::settings::GLOBAL).await?,
        );
        let due_at = policy.due_at(&calendar, now);
        let id = self
            .insert_letter(
                &mut tx, site, &input, &code, &password, "portal", client, due_at,
            )
            .await?;
        for file in &files {
            let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
            stored::insert_file(&mut tx, id, &file.name, file.mime, size, &file.hash).await?;
        }
        stored::insert_event(&mut tx, id, None, "receive", "", "", now).await?;
        let event = Event::success("mailbox.send", format!("letter:{id}"))
            .with_detail(format!("{code} {}", input.subject));
        self.audit(&mut tx, public_subject(client), event).await?;
        tx.commit().await?;
        Ok(Receipt {
            id,
            tracking_code: code,
            password,
            due_at,
        })
    }

    /// Letters the address sent within the rate window before `now`.
    async fn letters_since(&self, addr: &str, now: i64) -> Result<i64> {
        let mut conn = self.store().read().await?;
        Ok(stored::received_since(&mut conn, addr, now - RATE_WINDOW_MS).await?)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_letter(
        &self,
        conn: &mut dangjian_store::Conn,
        site: SiteId,
        input: &LetterInput,
        code: &str,
        password: &str,
        origin: &str,
        client: &Client,
        due_at: i64,
    ) -> Result<i64> {
        let digest = rules::password_digest(code, password);
        let letter = NewLetter {
            site,
            tracking_code: code,
            query_digest: &digest,
            name: &input.name,
            phone: &input.phone,
            email: &input.email,
            category: input.category.code(),
            subject: &input.subject,
            content: &input.content,
            publish_consent: input.publish,
            origin,
            client_addr: &client.addr,
            received_at: self.now_ms(),
            due_at,
        };
        Ok(stored::insert(conn, &letter).await?)
    }

    /// The writer's lookup by tracking code and query password. A wrong
    /// pair is refused without saying which half was wrong, and counted;
    /// after `LOOKUP_FAILURE_LIMIT` failures in an hour the address is
    /// refused outright (`Conflict("error.mailbox.lookup_limited")`).
    pub async fn lookup_letter(
        &self,
        client: &Client,
        code: &str,
        password: &str,
    ) -> Result<WriterView> {
        let now = self.now_ms();
        let mut conn = self.store().read().await?;
        let failures =
            stored::lookup_failures_since(&mut conn, &client.addr, now - RATE_WINDOW_MS).await?;
        if failures >= LOOKUP_FAILURE_LIMIT {
            return Err(AppError::Conflict("error.mailbox.lookup_limited"));
        }
        let code = rules::normalise_code(code);
        let found = stored::by_code(&mut conn, &code).await?;
        drop(conn);
        match found {
            Some(letter) if rules::password_matches(&code, password, &letter.query_digest) => {
                Ok(WriterView::of(letter))
            }
            _ => {
                let mut tx = self.store().write().await?;
                stored::lookup_failed(&mut tx, &client.addr, now).await?;
                let event = Event::success("mailbox.lookup", "letter")
                    .with_outcome(dangjian_domain::audit::Outcome::Failure)
                    .with_detail(code);
                self.audit(&mut tx, public_subject(client), event).await?;
                tx.commit().await?;
                Err(Invalid::one("password", "error.mailbox.lookup_failed").into())
            }
        }
    }

    /// Published letters, newest first, a page at a time (1-based).
    pub async fn published_letters(&self, site: SiteId, page: i64) -> Result<PublishedPage> {
        let page = page.max(1);
        let filter = stored::Filter {
            status: Some(LetterStatus::Published.code()),
            offset: (page - 1) * PUBLIC_PAGE_SIZE,
            ..stored::Filter::default()
        };
        let mut conn = self.store().read().await?;
        let total = stored::count(&mut conn, site, &filter).await?;
        let letters = stored::list(&mut conn, site, &filter, PUBLIC_PAGE_SIZE).await?;
        Ok(PublishedPage {
            letters: letters
                .into_iter()
                .filter(|l| l.publish_consent)
                .map(PublishedLetter::of)
                .collect(),
            total,
            page,
            pages: (total + PUBLIC_PAGE_SIZE - 1) / PUBLIC_PAGE_SIZE,
        })
    }

    /// One published letter, masked (NotFound for any other).
    pub async fn published_letter(&self, site: SiteId, id: i64) -> Result<PublishedLetter> {
        let mut conn = self.store().read().await?;
        let letter = stored::get(&mut conn, site, id).await?;
        if letter.status != LetterStatus::Published.code() || !letter.publish_consent {
            return Err(AppError::NotFound);
        }
        Ok(PublishedLetter::of(letter))
    }
}

/// A fresh tracking code (dated by the local day) and query password.
fn new_credentials(now: i64) -> (String, String) {
    let date = local_date(now);
    let day = format!(
        "{:04}{:02}{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
    let mut rng = rand::rng();
    let code = rules::tracking_code(&day, &rng.random::<[u8; CODE_RANDOM_LEN]>());
    let password = rules::code_chars(&rng.random::<[u8; PASSWORD_LEN]>());
    (code, password)
}
