//! 部长信箱: letters from the public to the minister. The rules that need no
//! database: the states a letter moves through and who may move it, what a
//! writer may type and attach, the tracking code and query password, the
//! masking of published letters, deadlines in working days, and the
//! figures of the quarterly self-report.

mod deadline;
mod input;
mod mask;
mod stats;

pub use deadline::{MailboxPolicy, Urgency};
pub use input::{
    ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX, AttachmentKind, CONTENT_MAX, Category, LetterFields,
    LetterInput, NOTE_MAX, REPLY_MAX, attachment_kind, clean_file_name,
};
pub use mask::{mask_name, mask_text};
pub use stats::{Figures, LetterFacts, by_month, by_section, total};

use crate::qa::hmac_sha256;

/// Where a letter is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LetterStatus {
    /// 待受理: arrived, nobody has taken it up.
    Received,
    /// 办理中: accepted and with a section, which drafts the reply.
    Handling,
    /// 待审核: the reply is in review.
    InReview,
    /// 已答复: the reply is approved and the writer can read it.
    Replied,
    /// 已公开: the letter and its reply are on the portal, masked.
    Published,
    /// 不予受理: declined, with a reason the writer reads.
    Refused,
}

impl LetterStatus {
    pub const ALL: [LetterStatus; 6] = [
        LetterStatus::Received,
        LetterStatus::Handling,
        LetterStatus::InReview,
        LetterStatus::Replied,
        LetterStatus::Published,
        LetterStatus::Refused,
    ];

    /// Stable code stored in the database and used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            LetterStatus::Received => "received",
            LetterStatus::Handling => "handling",
            LetterStatus::InReview => "review",
            LetterStatus::Replied => "replied",
            LetterStatus::Published => "published",
            LetterStatus::Refused => "refused",
        }
    }

    pub fn from_code(code: &str) -> Option<LetterStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Message-catalog key of the status name.
    pub fn label_key(self) -> String {
        format!("mailbox.status.{}", self.code())
    }

    /// Still waiting for an answer: the deadline applies.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            LetterStatus::Received | LetterStatus::Handling | LetterStatus::InReview
        )
    }

    /// The writer has had an answer.
    pub fn is_answered(self) -> bool {
        matches!(self, LetterStatus::Replied | LetterStatus::Published)
    }
}

/// Something done to a letter in the office. Approving and sending back a
/// reply are decided by the workflow (`crate::workflow`), not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Take the letter up and hand it to a section.
    Accept,
    /// Hand it to another section.
    Reassign,
    /// Decline it, with a reason.
    Refuse,
    /// Save the section's draft reply.
    Draft,
    /// Send the draft into review.
    Submit,
    /// Put the letter and reply on the portal (the writer allowed it).
    Publish,
    /// Take it off the portal again.
    Withdraw,
    /// An internal note, never shown to the writer.
    Note,
}

impl Move {
    /// Whether the move may be made from `status`.
    pub fn allowed_from(self, status: LetterStatus) -> bool {
        use LetterStatus::*;
        match self {
            Move::Accept => status == Received,
            Move::Reassign | Move::Draft | Move::Submit => status == Handling,
            Move::Refuse => matches!(status, Received | Handling),
            Move::Publish => status == Replied,
            Move::Withdraw => status == Published,
            Move::Note => true,
        }
    }

    /// Moves only the mailbox officer (a site editor) makes; the others
    /// are the assigned section's.
    pub fn is_officers(self) -> bool {
        matches!(
            self,
            Move::Accept | Move::Reassign | Move::Refuse | Move::Publish | Move::Withdraw
        )
    }
}

/// Characters of tracking codes and query passwords: no 0/O, 1/I/L, so a
/// code read out over the phone is not misheard.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Length of the random part of a tracking code and of a query password.
pub const CODE_RANDOM_LEN: usize = 6;
pub const PASSWORD_LEN: usize = 8;

/// Picks characters of the alphabet with `random` bytes (one per char).
pub fn code_chars(random: &[u8]) -> String {
    random
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// A tracking code: `XX` + the local date + six random characters, e.g.
/// `XX20261128K7M3QZ`, so the office can tell its age at a glance.
pub fn tracking_code(date: &str, random: &[u8; CODE_RANDOM_LEN]) -> String {
    format!("XX{date}{}", code_chars(random))
}

/// A code as typed by a writer: spaces dropped, upper case.
pub fn normalise_code(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .take(40)
        .collect()
}

/// What is stored of a query password: its HMAC keyed by the tracking
/// code. The password has 40 bits from a generator and lookups are rate
/// limited, so a slow hash would buy nothing but load under a burst.
pub fn password_digest(code: &str, password: &str) -> String {
    hex::encode(hmac_sha256(
        code.as_bytes(),
        normalise_code(password).as_bytes(),
    ))
}

/// Compares a typed password with the stored digest in constant time.
pub fn password_matches(code: &str, password: &str, digest: &str) -> bool {
    let given = password_digest(code, password);
    given.len() == digest.len()
        && given
            .bytes()
            .zip(digest.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests;
