//! The upload ranking (上传信息排行榜) for editors and reviewers: a period
//! (month, quarter, year or any days), units, sections and people with
//! their figures; the scoring rules; and the downloads: the ranking as
//! XLSX, the quarterly bulletin and the annual assessment as DOCX.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::role::Permission;
use dangjian_app::domain::scoring::{RULE_KEYS, ScoringRules};
use dangjian_app::review::bulletin::Numbering;
use dangjian_app::review::ranking::{Period, RankRow, Ranking};
use serde::Deserialize;

use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// The period asked for: `kind` month|quarter|year|days with its numbers.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeriodQuery {
    kind: String,
    year: String,
    month: String,
    quarter: String,
    from: String,
    to: String,
    /// Downloads: `units` or `people`.
    of: String,
    /// The notice after a redirect.
    ok: String,
}

impl PeriodQuery {
    fn period(&self, now_year: i32) -> Option<Period> {
        let year = self.year.trim().parse::<i32>().unwrap_or(now_year);
        let number = |s: &str| s.trim().parse::<u32>().ok();
        match self.kind.as_str() {
            "quarter" => Period::quarter(year, number(&self.quarter)?),
            "year" => Period::year(year),
            "days" => Period::days(&self.from, &self.to),
            _ => Period::month(year, number(&self.month).unwrap_or(1)),
        }
    }

    /// The query with the current month filled in where nothing was asked.
    fn or_now(mut self, year: i32, month: u32) -> Self {
        if self.kind.is_empty() {
            self.kind = "month".into();
            self.year = year.to_string();
            self.month = month.to_string();
        }
        if self.year.is_empty() {
            self.year = year.to_string();
        }
        self
    }

    fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("kind", &self.kind)
            .append_pair("year", &self.year)
            .append_pair("month", &self.month)
            .append_pair("quarter", &self.quarter)
            .append_pair("from", &self.from)
            .append_pair("to", &self.to)
            .finish()
    }
}

struct RuleRow {
    key: &'static str,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "ranking/page.html")]
struct RankingPage {
    page: Page,
    query: PeriodQuery,
    query_string: String,
    first_day: String,
    last_day: String,
    units: Vec<RankRow>,
    sections: Vec<RankRow>,
    people: Vec<RankRow>,
    rules: Vec<RuleRow>,
    editor: bool,
    errors: FormErrors,
}

fn now_year_month(state: &AppState) -> (i32, u32) {
    let today = dangjian_app::domain::clock::format_local_date(state.app.now_ms());
    let year = today.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let month = today.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    (year, month)
}

fn rule_rows(
    locale: Locale,
    rules: &ScoringRules,
    submitted: &BTreeMap<String, String>,
) -> Vec<RuleRow> {
    RULE_KEYS
        .iter()
        .map(|&key| RuleRow {
            key,
            label: locale.t(&format!(
                "ranking.rule.{}",
                key.trim_start_matches("scoring.")
            )),
            value: submitted
                .get(key)
                .cloned()
                .unwrap_or_else(|| rules.value(key).to_string()),
        })
        .collect()
}

async fn view(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    query: PeriodQuery,
) -> WebResult<RankingPage> {
    let (year, month) = now_year_month(state);
    let query = query.or_now(year, month);
    let period = query.period(year).ok_or(WebError::NotFound)?;
    let site = state.app.default_site().await?;
    let Ranking {
        period,
        rules,
        people,
        sections,
        units,
    } = state.app.ranking(&session.actor, site, period).await?;
    let notice = Some(query.ok.clone()).filter(|ok| !ok.is_empty());
    Ok(RankingPage {
        page: Page::for_session(locale, "ranking.title", session).with_notice(notice.as_deref()),
        query_string: query.query_string(),
        query,
        first_day: period.first_day,
        last_day: period.last_day,
        units,
        sections,
        people,
        rules: rule_rows(locale, &rules, &BTreeMap::new()),
        editor: session.actor.can(Permission::ManageSite),
        errors: FormErrors::default(),
    })
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    let view = view(&state, Locale::from_headers(&headers), &session, query).await?;
    Ok(render(&view)?.into_response())
}

pub async fn update_rules(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(mut submitted): Form<BTreeMap<String, String>>,
) -> WebResult<Response> {
    submitted.remove("_csrf");
    let site = state.app.default_site().await?;
    match state
        .app
        .update_scoring_rules(&session.actor, site, &submitted)
        .await
    {
        Ok(_) => Ok(Redirect::to("/ranking?ok=saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut page = view(&state, locale, &session, PeriodQuery::default()).await?;
            let rules = state.app.scoring_rules(site).await?;
            page.rules = rule_rows(locale, &rules, &submitted);
            page.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

fn download(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The name is ASCII (digits and letters) by construction.
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub async fn xlsx(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<PeriodQuery>,
) -> WebResult<Response> {
    let (year, month) = now_year_month(&state);
    let query = query.or_now(year, month);
    let period = query.period(year).ok_or(WebError::NotFound)?;
    let file = format!("ranking-{}-{}.xlsx", period.first_day, period.last_day);
    let site = state.app.default_site().await?;
    let bytes = state
        .app
        .ranking_xlsx(&session.actor, site, period, query.of == "units")
        .await?;
    Ok(download(bytes, XLSX, &file))
}

/// A document's year, quarter and number.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DocumentQuery {
    year: String,
    quarter: String,
    prefix: String,
    seq: String,
}

impl DocumentQuery {
    fn numbering(&self) -> WebResult<Numbering> {
        let prefix = self.prefix.trim();
        let seq = self
            .seq
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=9999).contains(n));
        let prefix_ok = !prefix.is_empty()
            && prefix.chars().count() <= 10
            && !prefix
                .chars()
                .any(|c| c.is_control() || c.is_ascii_punctuation());
        match (prefix_ok, seq) {
            (true, Some(seq)) => Ok(Numbering {
                prefix: prefix.to_owned(),
                seq,
            }),
            _ => Err(WebError::App(AppError::Invalid(
                dangjian_app::domain::Invalid::one("prefix", "error.ranking.number"),
            ))),
        }
    }

    fn year(&self) -> WebResult<i32> {
        self.year.trim().parse().map_err(|_| WebError::NotFound)
    }
}

pub async fn bulletin(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<DocumentQuery>,
) -> WebResult<Response> {
    let (year, numbering) = (query.year()?, query.numbering()?);
    let quarter = query
        .quarter
        .trim()
        .parse::<u32>()
        .map_err(|_| WebError::NotFound)?;
    let site = state.app.default_site().await?;
    let bytes = state
        .app
        .quarterly_bulletin(&session.actor, site, year, quarter, &numbering)
        .await?;
    Ok(download(
        bytes,
        DOCX,
        &format!("bulletin-{year}-q{quarter}.docx"),
    ))
}

pub async fn assessment(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<DocumentQuery>,
) -> WebResult<Response> {
    let (year, numbering) = (query.year()?, query.numbering()?);
    let site = state.app.default_site().await?;
    let bytes = state
        .app
        .annual_assessment(&session.actor, site, year, &numbering)
        .await?;
    Ok(download(bytes, DOCX, &format!("assessment-{year}.docx")))
}
