//! Login: password, then the TOTP code; logout; the language switch.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::{LoginRefusal, SessionCheck, Stage};
use serde::Deserialize;

use super::render;
use crate::client::ClientInfo;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::{
    AnySession, LoadedSession, PRELOGIN_COOKIE, SESSION_COOKIE, cookie, set_cookie, stage_page,
};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login/login.html")]
struct LoginPage {
    page: Page,
    username: String,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    expired: Option<String>,
    ok: Option<String>,
}

fn random_token() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Option<axum::Extension<LoadedSession>>,
    Query(query): Query<LoginQuery>,
) -> WebResult<Response> {
    if let Some(axum::Extension(LoadedSession(Some(SessionCheck::Valid(info))))) = session {
        return Ok(Redirect::to(stage_page(info.stage)).into_response());
    }
    let locale = Locale::from_headers(&headers);
    let existing = cookie(&headers, PRELOGIN_COOKIE).filter(|t| t.len() >= 32);
    let token = existing.clone().unwrap_or_else(random_token);
    let errors = match query.expired {
        Some(_) => FormErrors::general(locale, "error.session.expired"),
        None => FormErrors::default(),
    };
    let page = LoginPage {
        page: Page::anonymous(locale, "login.title", &token).with_notice(query.ok.as_deref()),
        username: String::new(),
        errors,
    };
    let mut response = render(&page)?.into_response();
    if existing.is_none() {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, PRELOGIN_COOKIE, &token, None),
        );
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    previous: Option<axum::Extension<LoadedSession>>,
    Form(form): Form<LoginForm>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    if let Some(axum::Extension(LoadedSession(Some(SessionCheck::Valid(old))))) = previous {
        state.app.logout(&old).await?;
    }
    match state
        .app
        .login(&form.username, &form.password, &client)
        .await?
    {
        Ok(start) => {
            let mut response = Redirect::to(stage_page(start.stage)).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(&state, SESSION_COOKIE, &start.token, None),
            );
            Ok(response)
        }
        Err(refusal) => {
            let mut errors = FormErrors::general(locale, refusal.code());
            if let LoginRefusal::Locked { minutes } = refusal {
                errors.general = Some(
                    locale
                        .t(refusal.code())
                        .replace("{minutes}", &minutes.to_string()),
                );
            }
            let page = LoginPage {
                page: Page::anonymous(locale, "login.title", &form.csrf),
                username: form.username.chars().take(64).collect(),
                errors,
            };
            Ok((axum::http::StatusCode::UNAUTHORIZED, render(&page)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "login/totp.html")]
struct TotpPage {
    page: Page,
    errors: FormErrors,
}

pub async fn totp_form(headers: HeaderMap, AnySession(session): AnySession) -> WebResult<Response> {
    if session.stage != Stage::Totp {
        return Ok(Redirect::to(stage_page(session.stage)).into_response());
    }
    let locale = Locale::from_headers(&headers);
    let page = TotpPage {
        page: Page::for_session(locale, "totp.title", &session),
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub code: String,
}

pub async fn totp_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnySession(session): AnySession,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    if session.stage != Stage::Totp {
        return Ok(Redirect::to(stage_page(session.stage)).into_response());
    }
    match state.app.verify_totp(&session, &form.code).await {
        Ok(next) => Ok(Redirect::to(stage_page(next)).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let page = TotpPage {
                page: Page::for_session(locale, "totp.title", &session),
                errors: FormErrors::new(locale, invalid.errors),
            };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    AnySession(session): AnySession,
) -> WebResult<Response> {
    state.app.logout(&session).await?;
    let mut response = Redirect::to("/login?ok=logged_out").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(response)
}

/// Sets the interface language and goes back to the page the reader was on.
pub async fn switch_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let locale = Locale::from_code(&code).ok_or(WebError::NotFound)?;
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        })
        .filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&back).into_response();
    let mut value = set_cookie(&state, "lang", locale.code(), Some(31_536_000));
    if let Ok(text) = value.to_str() {
        // The language is not a secret: the page script may read it.
        if let Ok(relaxed) = text.replace("; HttpOnly", "").parse() {
            value = relaxed;
        }
    }
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}
