//! What a writer may type and attach.

use crate::Invalid;
use crate::notice::{is_mainland_phone, normalise_phone};
use crate::qa::required;

/// The kind of letter (信件类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// 咨询
    Consult,
    /// 建议
    Suggest,
    /// 投诉
    Complaint,
    /// 其他
    Other,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Consult,
        Category::Suggest,
        Category::Complaint,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Consult => "consult",
            Category::Suggest => "suggest",
            Category::Complaint => "complaint",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("mailbox.category.{}", self.code())
    }
}

pub const NAME_MAX: usize = 20;
pub const EMAIL_MAX: usize = 100;
pub const SUBJECT_MAX: usize = 80;
pub const CONTENT_MIN: usize = 10;
pub const CONTENT_MAX: usize = 5000;
pub const REPLY_MAX: usize = 10_000;
pub const NOTE_MAX: usize = 2000;
/// At most three files of at most 5 MiB each: enough for a scanned page or
/// a photograph, small enough that a burst cannot fill the disk.
pub const ATTACHMENTS_MAX: usize = 3;
pub const ATTACHMENT_MAX_BYTES: usize = 5 * 1024 * 1024;

/// The raw fields of the letter form.
#[derive(Debug, Clone, Copy, Default)]
pub struct LetterFields<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub category: &'a str,
    pub subject: &'a str,
    pub content: &'a str,
    /// The writer ticked "may be published".
    pub publish: bool,
}

/// A letter as the writer typed it, trimmed and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterInput {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub category: Category,
    pub subject: String,
    pub content: String,
    pub publish: bool,
}

impl LetterInput {
    /// Checks every field and reports all problems at once.
    pub fn parse(fields: LetterFields<'_>) -> Result<LetterInput, Invalid> {
        let mut invalid = Invalid::default();
        let name = required(&mut invalid, "name", fields.name, NAME_MAX);
        let phone = normalise_phone(fields.phone);
        if !is_mainland_phone(&phone) {
            invalid.push("phone", "error.mailbox.phone");
        }
        let email = fields.email.trim().to_owned();
        if !email.is_empty() && !plausible_email(&email) {
            invalid.push("email", "error.mailbox.email");
        }
        let category = Category::from_code(fields.category.trim());
        if category.is_none() {
            invalid.push("category", "error.mailbox.category");
        }
        let subject = required(&mut invalid, "subject", fields.subject, SUBJECT_MAX);
        let content = required(&mut invalid, "content", fields.content, CONTENT_MAX);
        if !content.is_empty() && content.chars().count() < CONTENT_MIN {
            invalid.push("content", "error.mailbox.too_short");
        }
        invalid.into_result()?;
        Ok(LetterInput {
            name,
            phone,
            email,
            category: category.unwrap_or(Category::Other),
            subject,
            content,
            publish: fields.publish,
        })
    }
}

/// One `@`, something on both sides, a dot in the domain, no spaces or
/// control characters: enough to catch a typo, the rest is the mail
/// server's business.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.chars().count() <= EMAIL_MAX
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The kinds of file a writer may attach, told by their first bytes (the
/// name's extension is not trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    Pdf,
    Jpeg,
    Png,
    /// DOCX or XLSX (a ZIP container).
    Office,
}

impl AttachmentKind {
    /// The type the office serves it with (always as a download).
    pub fn mime(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Office => "application/octet-stream",
        }
    }
}

/// The kind of an attached file, or None when it is not one we take.
pub fn attachment_kind(bytes: &[u8]) -> Option<AttachmentKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(AttachmentKind::Pdf)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(AttachmentKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(AttachmentKind::Png)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(AttachmentKind::Office)
    } else {
        None
    }
}

/// A file name as shown in the office: the last path part, no control
/// characters or quotes, at most 100 characters, never empty.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';'))
        .take(100)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() {
        "附件".to_owned()
    } else {
        cleaned
    }
}
