//! 解疑释惑: questions from cadres and the public, answered by sections and
//! published as a knowledge base. The rules that need no database: the
//! states a question moves through, what an asker may type, and the
//! arithmetic challenge of the public form.

use sha2::{Digest, Sha256};

use crate::Invalid;

/// Where a question is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// 待分派: asked, no section yet.
    New,
    /// 办理中: a section is to answer.
    Assigned,
    /// 已答复: answered (or linked to an existing answer), not yet public.
    Answered,
    /// 已公开: in the public knowledge base.
    Published,
    /// 不予公开: kept out of the knowledge base, with a reason.
    Refused,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Assigned,
        Status::Answered,
        Status::Published,
        Status::Refused,
    ];

    /// Stable code stored in the database and used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Assigned => "assigned",
            Status::Answered => "answered",
            Status::Published => "published",
            Status::Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Message-catalog key of the status name.
    pub fn label_key(self) -> String {
        format!("qa.status.{}", self.code())
    }
}

/// Something done to a question in the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Assign,
    Answer,
    Publish,
    Refuse,
    Link,
}

impl Move {
    /// Whether the move may be made from `status`. A published or refused
    /// question is settled; an answer may be corrected until it is public.
    pub fn allowed_from(self, status: Status) -> bool {
        use Status::*;
        match self {
            Move::Assign | Move::Link => matches!(status, New | Assigned),
            Move::Answer => matches!(status, New | Assigned | Answered),
            Move::Publish => status == Answered,
            Move::Refuse => matches!(status, New | Assigned | Answered),
        }
    }
}

pub const TITLE_MAX: usize = 80;
pub const BODY_MAX: usize = 2000;
pub const NAME_MAX: usize = 40;
pub const CONTACT_MAX: usize = 100;
pub const ANSWER_MAX: usize = 10_000;
pub const REASON_MAX: usize = 500;

/// A question as the asker typed it, trimmed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionInput {
    pub topic_id: i64,
    pub title: String,
    pub body: String,
    pub asker_name: String,
    pub contact: String,
}

/// The raw fields of the ask form.
#[derive(Debug, Clone, Copy, Default)]
pub struct AskFields<'a> {
    pub topic: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub asker_name: &'a str,
    pub contact: &'a str,
}

impl QuestionInput {
    /// Checks every field and reports all problems at once. Whether the
    /// topic exists is for the caller, which has the database.
    pub fn parse(fields: AskFields<'_>) -> Result<QuestionInput, Invalid> {
        let mut invalid = Invalid::default();
        let topic_id = fields.topic.trim().parse::<i64>().unwrap_or(0);
        if topic_id <= 0 {
            invalid.push("topic", "error.qa.topic");
        }
        let title = required(&mut invalid, "title", fields.title, TITLE_MAX);
        let body = required(&mut invalid, "body", fields.body, BODY_MAX);
        let asker_name = required(&mut invalid, "asker_name", fields.asker_name, NAME_MAX);
        let contact = fields.contact.trim().to_owned();
        if contact.chars().count() > CONTACT_MAX {
            invalid.push("contact", "error.qa.too_long");
        }
        invalid.into_result()?;
        Ok(QuestionInput {
            topic_id,
            title,
            body,
            asker_name,
            contact,
        })
    }
}

/// A required text of at most `max` characters, trimmed; control
/// characters other than line breaks are refused (they only hide text).
pub fn required(invalid: &mut Invalid, field: &str, text: &str, max: usize) -> String {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        invalid.push(field, "error.qa.required");
    } else if text.chars().count() > max {
        invalid.push(field, "error.qa.too_long");
    } else if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        invalid.push(field, "error.qa.control");
    }
    text
}

/// The longest topic name (it is a label in a select and a heading).
pub const TOPIC_NAME_MAX: usize = 20;
/// The highest place a topic may be given in the list.
pub const TOPIC_ORDER_MAX: i64 = 999;

/// A topic as an editor typed it: its name and, when given, its place in
/// the list (smaller first). Whether the name is free is for the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInput {
    pub name: String,
    pub sort_order: Option<i64>,
}

impl TopicInput {
    pub fn parse(name: &str, order: &str) -> Result<TopicInput, Invalid> {
        let mut invalid = Invalid::default();
        let name = required(&mut invalid, "name", name, TOPIC_NAME_MAX);
        // A name is one line in a select: no line breaks or tabs either.
        if name.contains(['\n', '\t']) {
            invalid.push("name", "error.qa.control");
        }
        let order = order.trim();
        let sort_order = if order.is_empty() {
            None
        } else {
            let parsed = order
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=TOPIC_ORDER_MAX).contains(n));
            if parsed.is_none() {
                invalid.push("sort_order", "error.qa.topic_order");
            }
            parsed
        };
        invalid.into_result()?;
        Ok(TopicInput { name, sort_order })
    }
}

/// How a question entered in the office reached the department (the
/// portal's own questions are `portal`).
pub const OFFICE_ORIGINS: [&str; 3] = ["phone", "letter", "visit"];

/// The arithmetic challenge of the public form: a small sum or difference
/// written out in Chinese, whose answer the form carries only as a keyed
/// hash (HMAC-SHA256) with an expiry, so no server state is needed and any
/// node sharing the key can check it. The question is plain text, so a
/// screen reader reads it like everything else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub left: u32,
    pub plus: bool,
    pub right: u32,
    /// `expires.nonce.mac`, for the hidden field.
    pub token: String,
}

/// How long a served form may be answered.
pub const CHALLENGE_TTL_MS: i64 = 2 * 3600 * 1000;

impl Challenge {
    /// A challenge from three random numbers (`seed`), valid until
    /// `now + CHALLENGE_TTL_MS`.
    pub fn new(key: &[u8], seed: [u32; 3], now_ms: i64) -> Challenge {
        let left = 2 + seed[0] % 8;
        let right = 1 + seed[1] % 8;
        let plus = seed[2].is_multiple_of(2) || right > left;
        let answer = if plus { left + right } else { left - right };
        let expires = now_ms + CHALLENGE_TTL_MS;
        let nonce = format!("{:08x}", seed[2]);
        let mac = mac(key, answer, expires, &nonce);
        Challenge {
            left,
            plus,
            right,
            token: format!("{expires}.{nonce}.{mac}"),
        }
    }

    /// Whether `answer` is the answer the token was made for, in time.
    pub fn check(key: &[u8], token: &str, answer: &str, now_ms: i64) -> bool {
        let mut parts = token.split('.');
        let (Some(expires), Some(nonce), Some(given), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let (Ok(expires), Ok(answer)) = (expires.parse::<i64>(), answer.trim().parse::<u32>())
        else {
            return false;
        };
        let expected = mac(key, answer, expires, nonce);
        expires >= now_ms && constant_time_eq(expected.as_bytes(), given.as_bytes())
    }
}

fn mac(key: &[u8], answer: u32, expires: i64, nonce: &str) -> String {
    let message = format!("qa-challenge|{answer}|{expires}|{nonce}");
    hex::encode(hmac_sha256(key, message.as_bytes()))
}

/// HMAC-SHA256 (RFC 2104), written out because it is a few lines over the
/// SHA-256 the domain already has.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_are_one_to_twenty_characters() {
        let ok = TopicInput::parse(" 党内统计 ", "").expect("a name");
        assert_eq!(ok.name, "党内统计");
        assert_eq!(ok.sort_order, None);
        assert!(TopicInput::parse("", "1").is_err());
        assert!(TopicInput::parse(&"党".repeat(21), "1").is_err());
        assert!(TopicInput::parse(&"党".repeat(20), "7").is_ok());
        assert!(TopicInput::parse("党费", "0").is_err());
        assert!(TopicInput::parse("党费", "x").is_err());
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn the_challenge_accepts_only_its_answer_in_time() {
        let key = b"secret";
        let c = Challenge::new(key, [5, 3, 1], 1000);
        let answer = if c.plus {
            c.left + c.right
        } else {
            c.left - c.right
        };
        assert!(Challenge::check(key, &c.token, &answer.to_string(), 1000));
        assert!(!Challenge::check(
            key,
            &c.token,
            &(answer + 1).to_string(),
            1000
        ));
        assert!(!Challenge::check(
            b"other",
            &c.token,
            &answer.to_string(),
            1000
        ));
        let late = 1000 + CHALLENGE_TTL_MS + 1;
        assert!(!Challenge::check(key, &c.token, &answer.to_string(), late));
        assert!(!Challenge::check(key, "garbage", "1", 1000));
    }

    #[test]
    fn moves_follow_the_states() {
        assert!(Move::Publish.allowed_from(Status::Answered));
        assert!(!Move::Publish.allowed_from(Status::Assigned));
        assert!(!Move::Answer.allowed_from(Status::Published));
        assert!(!Move::Link.allowed_from(Status::Refused));
        assert!(Move::Refuse.allowed_from(Status::New));
    }

    #[test]
    fn asking_names_every_bad_field() {
        let long = "字".repeat(TITLE_MAX + 1);
        let err = QuestionInput::parse(AskFields {
            topic: "x",
            title: &long,
            body: " ",
            asker_name: "张三",
            contact: "",
        })
        .unwrap_err();
        assert_eq!(err.code_for("topic"), Some("error.qa.topic"));
        assert_eq!(err.code_for("title"), Some("error.qa.too_long"));
        assert_eq!(err.code_for("body"), Some("error.qa.required"));
        assert_eq!(err.code_for("asker_name"), None);
    }
}
