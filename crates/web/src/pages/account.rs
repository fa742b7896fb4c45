//! The person's own account: choosing a new password, enrolling TOTP, the
//! address notifications are e-mailed to.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::{Stage, TotpEnrolment};
use serde::Deserialize;

use super::login::CodeForm;
use super::{Notice, render};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::{AnySession, Office, stage_page};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    page: Page,
    forced: bool,
    errors: FormErrors,
}

pub async fn password_form(
    headers: HeaderMap,
    AnySession(session): AnySession,
) -> WebResult<Response> {
    if session.stage == Stage::Totp || session.stage == Stage::TotpEnrol {
        return Ok(Redirect::to(stage_page(session.stage)).into_response());
    }
    let locale = Locale::from_headers(&headers);
    let page = PasswordPage {
        page: Page::for_session(locale, "password.title", &session),
        forced: session.stage == Stage::PasswordChange,
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnySession(session): AnySession,
    Form(form): Form<PasswordForm>,
) -> WebResult<Response> {
    if session.stage == Stage::Totp || session.stage == Stage::TotpEnrol {
        return Ok(Redirect::to(stage_page(session.stage)).into_response());
    }
    match state
        .app
        .change_password(
            &session,
            &form.current_password,
            &form.password,
            &form.confirm,
        )
        .await
    {
        Ok(next) => {
            Ok(Redirect::to(&format!("{}?ok=password_changed", stage_page(next))).into_response())
        }
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let page = PasswordPage {
                page: Page::for_session(locale, "password.title", &session),
                forced: session.stage == Stage::PasswordChange,
                errors: FormErrors::new(locale, invalid.errors),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "account/totp.html")]
struct EnrolPage {
    page: Page,
    enrolment: TotpEnrolment,
    required: bool,
    errors: FormErrors,
}

async fn enrol_page(
    state: &AppState,
    locale: Locale,
    session: &dangjian_app::auth::SessionInfo,
    errors: FormErrors,
) -> WebResult<EnrolPage> {
    let enrolment = state.app.totp_enrolment(session).await?;
    Ok(EnrolPage {
        page: Page::for_session(locale, "enrol.title", session),
        enrolment,
        required: session.stage == Stage::TotpEnrol,
        errors,
    })
}

pub async fn totp_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnySession(session): AnySession,
) -> WebResult<Response> {
    if !matches!(session.stage, Stage::TotpEnrol | Stage::Active) {
        return Ok(Redirect::to(stage_page(session.stage)).into_response());
    }
    if session.totp_enabled {
        return Ok(Redirect::to("/?ok=totp_already").into_response());
    }
    let page = enrol_page(
        &state,
        Locale::from_headers(&headers),
        &session,
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub async fn totp_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    AnySession(session): AnySession,
    Form(form): Form<CodeForm>,
) -> WebResult<Response> {
    if !matches!(session.stage, Stage::TotpEnrol | Stage::Active) {
        return Ok(Redirect::to(stage_page(session.stage)).into_response());
    }
    match state.app.confirm_totp_enrolment(&session, &form.code).await {
        Ok(next) => {
            Ok(Redirect::to(&format!("{}?ok=totp_enrolled", stage_page(next))).into_response())
        }
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let page = enrol_page(
                &state,
                locale,
                &session,
                FormErrors::new(locale, invalid.errors),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "account/email.html")]
struct EmailPage {
    page: Page,
    email: String,
    /// Whether this installation sends mail at all.
    mail_enabled: bool,
    errors: FormErrors,
}

#[derive(Debug, Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

pub async fn email_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let email = state.app.own_email(&session.actor).await?;
    let page = EmailPage {
        page: Page::for_session(locale, "email.title", &session).with_notice(notice.ok.as_deref()),
        email: email.unwrap_or_default(),
        mail_enabled: state.app.mail_enabled(),
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

pub async fn email_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(form): Form<EmailForm>,
) -> WebResult<Response> {
    match state.app.set_own_email(&session.actor, &form.email).await {
        Ok(()) => Ok(Redirect::to("/account/email?ok=email_saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let page = EmailPage {
                page: Page::for_session(locale, "email.title", &session),
                email: form.email,
                mail_enabled: state.app.mail_enabled(),
                errors: FormErrors::new(locale, invalid.errors),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
