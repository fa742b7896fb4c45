//! Accounts (the system administrator's work) and role grants (the security
//! administrator's). Each page offers only the controls the person may use.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::accounts::AccountForm;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::ids::{GrantId, UnitId, UserId};
use dangjian_app::domain::role::{Permission, Role};
use dangjian_app::records::{Grant, User};
use dangjian_app::roles::GrantForm;
use serde::Deserialize;

use super::org::Choice;
use super::{Notice, render};
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// Units, sections and grant scopes of the site, for the selects.
struct OrgChoices {
    units: Vec<Choice>,
    sections: Vec<Choice>,
    scopes: Vec<Choice>,
}

async fn org_choices(state: &AppState, locale: Locale) -> WebResult<OrgChoices> {
    let site = state.app.site().await?;
    let units = state.app.units(site.id).await?;
    let sections = state.app.sections(site.id).await?;
    let choice = |value: String, label: String| Choice { value, label };
    let mut scopes = vec![choice(
        format!("site:{}", site.id),
        format!("{}：{}", locale.t("scope.site"), site.name),
    )];
    scopes.extend(units.iter().map(|u| {
        choice(
            format!("unit:{}", u.id),
            format!("{}：{}", locale.t("scope.unit"), u.name),
        )
    }));
    scopes.extend(sections.iter().map(|s| {
        let label = format!(
            "{}：{} / {}",
            locale.t("scope.section"),
            s.unit_name,
            s.name
        );
        choice(format!("section:{}", s.id), label)
    }));
    Ok(OrgChoices {
        units: units
            .iter()
            .map(|u| choice(u.id.to_string(), u.name.clone()))
            .collect(),
        sections: sections
            .iter()
            .map(|s| choice(s.id.to_string(), format!("{} / {}", s.unit_name, s.name)))
            .collect(),
        scopes,
    })
}

fn role_choices(locale: Locale) -> Vec<Choice> {
    Role::ALL
        .into_iter()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: locale.t(&r.label_key()),
        })
        .collect()
}

/// A grant with its role and scope in words.
struct GrantRow {
    grant: Grant,
    role: String,
    scope: String,
}

fn grant_row(locale: Locale, grant: Grant) -> GrantRow {
    GrantRow {
        role: locale.t(&grant.role.label_key()),
        scope: format!(
            "{}：{}",
            locale.t(&format!("scope.{}", grant.scope.kind().code())),
            grant.scope_name
        ),
        grant,
    }
}

// ---- list ----------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    unit: String,
    q: String,
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "users/list.html")]
struct ListPage {
    page: Page,
    users: Vec<User>,
    units: Vec<Choice>,
    query: ListQuery,
    can_manage: bool,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let unit = query.unit.trim().parse::<i64>().ok().map(UnitId);
    let users = state.app.accounts(&session.actor, unit, &query.q).await?;
    let choices = org_choices(&state, locale).await?;
    let view = ListPage {
        page: Page::for_session(locale, "users.title", &session).with_notice(query.ok.as_deref()),
        users,
        units: choices.units,
        query,
        can_manage: session.actor.can(Permission::ManageAccounts),
    };
    Ok(render(&view)?.into_response())
}

// ---- create ----------------------------------------------------------------

#[derive(Template)]
#[template(path = "users/new.html")]
struct NewPage {
    page: Page,
    form: AccountForm,
    errors: FormErrors,
    units: Vec<Choice>,
    sections: Vec<Choice>,
}

async fn new_page(state: &AppState, locale: Locale, session: &SessionInfo) -> WebResult<NewPage> {
    if !session.actor.can(Permission::ManageAccounts) {
        return Err(WebError::App(AppError::Forbidden("error.forbidden")));
    }
    let choices = org_choices(state, locale).await?;
    Ok(NewPage {
        page: Page::for_session(locale, "users.new.title", session),
        form: AccountForm::default(),
        errors: FormErrors::default(),
        units: choices.units,
        sections: choices.sections,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
) -> WebResult<Response> {
    let view = new_page(&state, Locale::from_headers(&headers), &session).await?;
    Ok(render(&view)?.into_response())
}

/// Shows a one-time password once: never in a URL, never cached, never logged.
#[derive(Template)]
#[template(path = "users/password.html")]
struct PasswordPage {
    page: Page,
    user_id: i64,
    username: String,
    display_name: String,
    password: String,
    created: bool,
}

/// Username and name of an account, for the one-time password page.
async fn names(state: &AppState, session: &SessionInfo, id: UserId) -> Option<(String, String)> {
    let detail = state.app.account(&session.actor, id).await.ok()?;
    Some((detail.user.username, detail.user.display_name))
}

fn password_response(view: &PasswordPage) -> WebResult<Response> {
    let mut response = render(view)?.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    match state.app.create_account(&session.actor, &form).await {
        Ok(created) => {
            // The password is shown even if reading the account back fails.
            let (username, display_name) = names(&state, &session, created.id)
                .await
                .unwrap_or_else(|| {
                    (
                        form.username.trim().to_lowercase(),
                        form.display_name.trim().to_owned(),
                    )
                });
            password_response(&PasswordPage {
                page: Page::for_session(locale, "users.created.title", &session),
                user_id: created.id.0,
                username,
                display_name,
                password: created.one_time_password,
                created: true,
            })
        }
        Err(AppError::Invalid(invalid)) => {
            let mut view = new_page(&state, locale, &session).await?;
            view.form = form;
            view.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

// ---- detail ----------------------------------------------------------------

/// The grant form as submitted: the scope comes as `kind:id`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GrantInput {
    role: String,
    scope: String,
}

impl GrantInput {
    fn to_form(&self) -> GrantForm {
        let (kind, id) = self.scope.split_once(':').unwrap_or_default();
        GrantForm {
            role: self.role.clone(),
            scope_kind: kind.to_owned(),
            scope_id: id.to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "users/show.html")]
struct ShowPage {
    page: Page,
    user: User,
    grants: Vec<GrantRow>,
    form: AccountForm,
    errors: FormErrors,
    /// A refusal for the whole page (own account, 三员分立 …).
    alert: FormErrors,
    units: Vec<Choice>,
    sections: Vec<Choice>,
    roles: Vec<Choice>,
    scopes: Vec<Choice>,
    grant: GrantInput,
    grant_errors: FormErrors,
    can_manage: bool,
    can_grant: bool,
    /// The person is looking at their own account.
    own: bool,
}

async fn show_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: i64,
) -> WebResult<ShowPage> {
    let detail = state.app.account(&session.actor, UserId(id)).await?;
    let choices = org_choices(state, locale).await?;
    let user = detail.user;
    let mut page = Page::for_session(locale, "users.show.title", session);
    page.title = format!(
        "{} · {}（{}）",
        page.title, user.display_name, user.username
    );
    let actor = &session.actor;
    Ok(ShowPage {
        page,
        grants: detail
            .grants
            .into_iter()
            .map(|g| grant_row(locale, g))
            .collect(),
        form: AccountForm {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            phone: user.phone.clone(),
            unit_id: user.unit_id.to_string(),
            section_id: user.section_id.map(|s| s.to_string()).unwrap_or_default(),
            email: Some(user.email.clone().unwrap_or_default()),
        },
        errors: FormErrors::default(),
        alert: FormErrors::default(),
        units: choices.units,
        sections: choices.sections,
        roles: role_choices(locale),
        scopes: choices.scopes,
        grant: GrantInput::default(),
        grant_errors: FormErrors::default(),
        can_manage: actor.can(Permission::ManageAccounts),
        can_grant: actor.can(Permission::GrantRoles),
        own: actor.user_id == user.id,
        user,
    })
}

fn respond(status: StatusCode, view: &ShowPage) -> WebResult<Response> {
    Ok((status, render(view)?).into_response())
}

/// Re-renders the detail page with a refusal shown at the top.
async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionInfo,
    id: i64,
    error: AppError,
) -> WebResult<Response> {
    let (status, code) = match error {
        AppError::Forbidden(code) => (StatusCode::FORBIDDEN, code),
        AppError::Conflict(code) => (StatusCode::CONFLICT, code),
        other => return Err(other.into()),
    };
    let locale = Locale::from_headers(headers);
    let mut view = show_page(state, locale, session, id).await?;
    view.alert = FormErrors::general(locale, code);
    respond(status, &view)
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let mut view = show_page(&state, Locale::from_headers(&headers), &session, id).await?;
    view.page = view.page.with_notice(notice.ok.as_deref());
    respond(StatusCode::OK, &view)
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<AccountForm>,
) -> WebResult<Response> {
    match state
        .app
        .update_account(&session.actor, UserId(id), &form)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/users/{id}?ok=saved")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = show_page(&state, locale, &session, id).await?;
            view.form = AccountForm {
                username: view.form.username.clone(),
                ..form
            };
            view.errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => refused(&state, &headers, &session, id, other).await,
    }
}

/// Disable, enable, reset password, reset TOTP, unlock.
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path((id, action)): Path<(i64, String)>,
) -> WebResult<Response> {
    let app = &state.app;
    let actor = &session.actor;
    let user = UserId(id);
    let result = match action.as_str() {
        "disable" => app
            .set_account_disabled(actor, user, true)
            .await
            .map(|()| "disabled"),
        "enable" => app
            .set_account_disabled(actor, user, false)
            .await
            .map(|()| "enabled"),
        "reset-totp" => app
            .reset_second_factor(actor, user)
            .await
            .map(|()| "totp_reset"),
        "unlock" => app.unlock_account(actor, user).await.map(|()| "unlocked"),
        "reset-password" => return reset_password(&state, &headers, &session, id).await,
        _ => return Err(WebError::NotFound),
    };
    match result {
        Ok(notice) => Ok(Redirect::to(&format!("/users/{id}?ok={notice}")).into_response()),
        Err(error) => refused(&state, &headers, &session, id, error).await,
    }
}

async fn reset_password(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionInfo,
    id: i64,
) -> WebResult<Response> {
    match state.app.reset_password(&session.actor, UserId(id)).await {
        Ok(password) => {
            let (username, display_name) =
                names(state, session, UserId(id)).await.unwrap_or_default();
            let locale = Locale::from_headers(headers);
            password_response(&PasswordPage {
                page: Page::for_session(locale, "users.reset.title", session),
                user_id: id,
                username,
                display_name,
                password,
                created: false,
            })
        }
        Err(error) => refused(state, headers, session, id, error).await,
    }
}

// ---- grants ----------------------------------------------------------------

pub async fn grant(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(input): Form<GrantInput>,
) -> WebResult<Response> {
    match state
        .app
        .grant_role(&session.actor, UserId(id), &input.to_form())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}?ok=granted")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = show_page(&state, locale, &session, id).await?;
            view.grant = input;
            view.grant_errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(AppError::Forbidden(code)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = show_page(&state, locale, &session, id).await?;
            view.grant = input;
            view.grant_errors = FormErrors::general(locale, code);
            respond(StatusCode::FORBIDDEN, &view)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "users/grants.html")]
struct GrantsPage {
    page: Page,
    grants: Vec<GrantRow>,
    alert: FormErrors,
    actor_id: UserId,
}

async fn grants_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
) -> WebResult<GrantsPage> {
    let grants = state.app.grants(&session.actor).await?;
    Ok(GrantsPage {
        page: Page::for_session(locale, "grants.title", session),
        grants: grants.into_iter().map(|g| grant_row(locale, g)).collect(),
        alert: FormErrors::default(),
        actor_id: session.actor.user_id,
    })
}

pub async fn grants(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let mut view = grants_page(&state, Locale::from_headers(&headers), &session).await?;
    view.page = view.page.with_notice(notice.ok.as_deref());
    Ok(render(&view)?.into_response())
}

/// The revoke button says which page it was on: a user's (`user` = id) or
/// the list of all grants (empty).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RevokeInput {
    user: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(input): Form<RevokeInput>,
) -> WebResult<Response> {
    let back = input.user.trim().parse::<i64>().ok().filter(|id| *id > 0);
    match (
        state.app.revoke_role(&session.actor, GrantId(id)).await,
        back,
    ) {
        (Ok(()), Some(user)) => {
            Ok(Redirect::to(&format!("/users/{user}?ok=revoked")).into_response())
        }
        (Ok(()), None) => Ok(Redirect::to("/grants?ok=revoked").into_response()),
        (Err(AppError::Forbidden(code)), None) => {
            let locale = Locale::from_headers(&headers);
            let mut view = grants_page(&state, locale, &session).await?;
            view.alert = FormErrors::general(locale, code);
            Ok((StatusCode::FORBIDDEN, render(&view)?).into_response())
        }
        (Err(error), Some(user)) => refused(&state, &headers, &session, user, error).await,
        (Err(error), None) => Err(error.into()),
    }
}
