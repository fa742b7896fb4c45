//! 部长信箱 on the portal: the mailbox's page with the published letters
//! (`/mailbox`, paged), one published letter (`/mailbox/letters/{id}`),
//! and the letter form (`/mailbox/write`) whose success answer is the
//! receipt itself. The writer's lookup is in `mailbox_lookup`.
//!
//! Like 解疑释惑, none of these pages is cached and the form carries what a
//! public POST needs instead of a session: the signed arithmetic
//! challenge, the per-address hourly limit (kept by the app in the
//! database, so every node agrees) and the browser's cross-site markers.
//! The form is `multipart/form-data` because it may carry attachments; it
//! is read with `multer` under its own size limit (the shared layers'
//! `DefaultBodyLimit` only binds extractors that buffer the body).
//!
//! The receipt holds the only copy of the query password, so it is the
//! POST's own answer (a redirect would carry the password in a URL, into
//! the history and the logs) and is marked `no-store`.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use dangjian_app::AppError;
use dangjian_app::domain::clock::format_local_date;
use dangjian_app::domain::mailbox::{
    ATTACHMENT_MAX_BYTES, ATTACHMENTS_MAX, Category, LetterFields,
};
use dangjian_app::domain::{FieldError, Invalid};
use dangjian_app::mailbox::{LetterForm, PUBLIC_PAGE_SIZE, PublishedLetter, Receipt, Upload};

use super::qa::challenge_text;
use super::{Chrome, PageQuery, Pager, chrome, internal};
use crate::client::ClientInfo;
use crate::error::{WebError, WebResult};
use crate::page::FormErrors;
use crate::state::AppState;

/// The most a letter's body may be: every attachment at its cap, and a
/// megabyte for the text fields and the multipart framing.
pub const LETTER_BODY_LIMIT: usize = ATTACHMENTS_MAX * ATTACHMENT_MAX_BYTES + 1024 * 1024;

/// The most one text field may hold. The longest, the content, is at most
/// 5,000 characters (15,000 bytes of UTF-8); more is no browser's doing.
const TEXT_FIELD_LIMIT: usize = 64 * 1024;

/// The name of the form's file inputs.
const FILE_FIELD: &str = "files";

/// A category as the form's select offers it.
pub struct CategoryChoice {
    pub code: &'static str,
    pub label: String,
}

/// A published letter as the portal shows it: masked by the app, its
/// category and dates put into words.
pub struct LetterView {
    pub letter: PublishedLetter,
    pub category: String,
    pub received: String,
    pub responded: String,
}

impl LetterView {
    fn of(c: &Chrome, letter: PublishedLetter) -> LetterView {
        LetterView {
            category: category_label(c, &letter.category),
            received: format_local_date(letter.received_at),
            responded: letter
                .responded_at
                .map(format_local_date)
                .unwrap_or_default(),
            letter,
        }
    }
}

/// The label of a category code (the code itself if it is unknown, so a
/// letter is never shown without one).
pub(super) fn category_label(c: &Chrome, code: &str) -> String {
    Category::from_code(code).map_or_else(|| code.to_owned(), |cat| c.t(&cat.label_key()))
}

#[derive(Template)]
#[template(path = "portal/mailbox_index.html")]
struct IndexPage {
    c: Chrome,
    deadline_days: u32,
    letters: Vec<LetterView>,
    total: i64,
    pager: Pager,
}

#[derive(Template)]
#[template(path = "portal/mailbox_show.html")]
struct ShowPage {
    c: Chrome,
    view: LetterView,
}

#[derive(Template)]
#[template(path = "portal/mailbox_write.html")]
struct WritePage {
    c: Chrome,
    form: WriteForm,
    categories: Vec<CategoryChoice>,
    /// The challenge in words, e.g. 「3 加 4 等于几？」.
    challenge_text: String,
    challenge_token: String,
    errors: FormErrors,
    /// Every distinct problem with the attachments (one per bad file).
    file_errors: Vec<String>,
    /// The refused submission carried files: they must be chosen again.
    files_dropped: bool,
    /// One number per file input (1..=ATTACHMENTS_MAX).
    file_inputs: Vec<usize>,
}

#[derive(Template)]
#[template(path = "portal/mailbox_receipt.html")]
struct ReceiptPage {
    c: Chrome,
    receipt: Receipt,
    due: String,
    /// `/mailbox/query?code=…`: the lookup with the code filled in.
    query_href: String,
}

/// The letter form's text fields, kept as typed when it is refused.
#[derive(Debug, Clone, Default)]
pub struct WriteForm {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub category: String,
    pub subject: String,
    pub content: String,
    pub publish: bool,
    pub challenge_token: String,
    pub challenge_answer: String,
}

impl WriteForm {
    /// Stores a text field by its name; unknown names are ignored.
    fn set(&mut self, name: &str, value: String) {
        match name {
            "name" => self.name = value,
            "phone" => self.phone = value,
            "email" => self.email = value,
            "category" => self.category = value,
            "subject" => self.subject = value,
            "content" => self.content = value,
            // A checkbox is sent only when ticked.
            "publish" => self.publish = !value.is_empty(),
            "challenge_token" => self.challenge_token = value,
            "challenge_answer" => self.challenge_answer = value,
            _ => {}
        }
    }

    fn chosen(&self, code: &&'static str) -> bool {
        self.category == *code
    }
}

/// A letter as the browser sent it.
struct Submitted {
    form: WriteForm,
    files: Vec<Upload>,
}

fn render(page: &impl Template) -> WebResult<Html<String>> {
    page.render().map(Html).map_err(internal)
}

/// A page that must not be kept by the browser or a proxy: it shows a
/// query password or a writer's own letter.
pub(super) fn no_store(status: StatusCode, page: Html<String>) -> Response {
    let mut response = (status, page).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn index(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> WebResult<Response> {
    let number = query.number()?;
    let here = if number == 1 {
        "/mailbox".to_owned()
    } else {
        format!("/mailbox?page={number}")
    };
    let (site, c) = chrome(&state, &headers, &here).await?;
    let listed = state.app.published_letters(site, number).await?;
    let pager = Pager::new("/mailbox", number, listed.total, PUBLIC_PAGE_SIZE)?;
    let deadline_days = state.app.mailbox_policy().await?.deadline_days;
    let letters = listed
        .letters
        .into_iter()
        .map(|l| LetterView::of(&c, l))
        .collect();
    let page = IndexPage {
        c,
        deadline_days,
        letters,
        total: listed.total,
        pager,
    };
    Ok(render(&page)?.into_response())
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (site, c) = chrome(&state, &headers, &format!("/mailbox/letters/{id}")).await?;
    let letter = state.app.published_letter(site, id).await?;
    let view = LetterView::of(&c, letter);
    Ok(render(&ShowPage { c, view })?.into_response())
}

async fn write_page(
    state: &AppState,
    headers: &HeaderMap,
    form: WriteForm,
    errors: Vec<FieldError>,
    files_dropped: bool,
) -> WebResult<WritePage> {
    let (_, c) = chrome(state, headers, "/mailbox/write").await?;
    // A refused form gets a new challenge: the old answer is not kept.
    let challenge = state.app.mailbox_challenge().await?;
    let mut file_errors: Vec<String> = Vec::new();
    for error in errors.iter().filter(|e| e.field == "files") {
        let text = c.t(&error.code);
        if !file_errors.contains(&text) {
            file_errors.push(text);
        }
    }
    let categories = Category::ALL
        .into_iter()
        .map(|cat| CategoryChoice {
            code: cat.code(),
            label: c.t(&cat.label_key()),
        })
        .collect();
    Ok(WritePage {
        challenge_text: challenge_text(&c, &challenge),
        challenge_token: challenge.token,
        errors: FormErrors::new(c.locale, errors),
        c,
        form: WriteForm {
            challenge_token: String::new(),
            challenge_answer: String::new(),
            ..form
        },
        categories,
        file_errors,
        files_dropped,
        file_inputs: (1..=ATTACHMENTS_MAX).collect(),
    })
}

pub async fn write_form(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let page = write_page(&state, &headers, WriteForm::default(), Vec::new(), false).await?;
    Ok(render(&page)?.into_response())
}

pub async fn write(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    request: Request,
) -> WebResult<Response> {
    if crate::csrf::cross_site_headers(&headers) {
        return Err(WebError::Csrf);
    }
    let Submitted { form, files } = read_letter(request).await?;
    let site = state.app.default_site().await?;
    let had_files = !files.is_empty();
    let letter = LetterForm {
        fields: LetterFields {
            name: &form.name,
            phone: &form.phone,
            email: &form.email,
            category: &form.category,
            subject: &form.subject,
            content: &form.content,
            publish: form.publish,
        },
        challenge_token: &form.challenge_token,
        challenge_answer: &form.challenge_answer,
        files,
    };
    let (status, errors) = match state.app.send_letter(site, &client, &letter).await {
        Ok(receipt) => return receipt_page(&state, &headers, receipt).await,
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors),
        Err(AppError::Conflict(code @ "error.mailbox.rate_limited")) => (
            StatusCode::TOO_MANY_REQUESTS,
            Invalid::one("form", code).errors,
        ),
        Err(other) => return Err(other.into()),
    };
    let page = write_page(&state, &headers, form, errors, had_files).await?;
    Ok((status, render(&page)?).into_response())
}

async fn receipt_page(
    state: &AppState,
    headers: &HeaderMap,
    receipt: Receipt,
) -> WebResult<Response> {
    let (_, c) = chrome(state, headers, "/mailbox").await?;
    let code: String = form_urlencoded::byte_serialize(receipt.tracking_code.as_bytes()).collect();
    let page = ReceiptPage {
        c,
        due: format_local_date(receipt.due_at),
        query_href: format!("/mailbox/query?code={code}"),
        receipt,
    };
    Ok(no_store(StatusCode::OK, render(&page)?))
}

/// Reads the letter form: its text fields and its chosen files. A file
/// input left empty arrives as a part without a name or bytes and is
/// dropped. A file over the attachment cap is kept cut at one byte past
/// it (the rest is read and thrown away), so the app refuses it by field
/// and the writer keeps what they typed; only a body over
/// `LETTER_BODY_LIMIT` is refused whole (413).
async fn read_letter(request: Request) -> WebResult<Submitted> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > LETTER_BODY_LIMIT) {
        return Err(WebError::TooLarge);
    }
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or(WebError::BadRequest)?;
    let limit = u64::try_from(LETTER_BODY_LIMIT).unwrap_or(u64::MAX);
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit));
    let stream = request.into_body().into_data_stream();
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut form = WriteForm::default();
    let mut files = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == FILE_FIELD {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = read_capped(&mut field, ATTACHMENT_MAX_BYTES + 1).await?;
            if !(file_name.is_empty() && bytes.is_empty()) {
                files.push(Upload {
                    name: file_name,
                    bytes,
                });
            }
        } else {
            let bytes = read_capped(&mut field, TEXT_FIELD_LIMIT + 1).await?;
            if bytes.len() > TEXT_FIELD_LIMIT {
                return Err(WebError::TooLarge);
            }
            let text = String::from_utf8(bytes).map_err(|_| WebError::BadRequest)?;
            form.set(&name, text);
        }
    }
    Ok(Submitted { form, files })
}

/// A field's bytes, at most `cap` of them; the rest is read and dropped so
/// the next field can be reached.
async fn read_capped(field: &mut multer::Field<'_>, cap: usize) -> WebResult<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        let room = cap.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    Ok(bytes)
}

fn multipart_error(error: multer::Error) -> WebError {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            WebError::TooLarge
        }
        other => {
            tracing::debug!(%other, "malformed letter form");
            WebError::BadRequest
        }
    }
}
