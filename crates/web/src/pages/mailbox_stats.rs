//! 部长信箱 statistics in the office (`/mailbox/stats`): for a span of
//! months, the figures of the quarterly self-report — letters received,
//! answered, declined, still open, the response rate, the average working
//! days to respond and how many were overdue — in total, per month and per
//! section, each grouping as a bar chart of letters received (the site
//! statistics page's chart) with a table of every figure; and the same
//! figures as CSV (`/mailbox/stats.csv`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::AppError;
use dangjian_app::domain::Invalid;
use dangjian_app::domain::clock::{local_day, month_of_day};
use dangjian_app::domain::mailbox::Figures;
use dangjian_app::mailbox::{MailboxStats, month_label, parse_month};
use dangjian_app::stats::report::Count;
use serde::Deserialize;

use super::render;
use super::stats::Chart;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// `?from=2026-01&to=2026-11` (both empty: this year so far).
#[derive(Debug, Default, Deserialize)]
pub struct SpanQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The CSV's column headings, in `MailboxStats::to_csv`'s order.
const CSV_HEADINGS: [&str; 8] = [
    "mailbox.stats.item",
    "mailbox.stats.received",
    "mailbox.stats.answered",
    "mailbox.stats.refused",
    "mailbox.stats.open",
    "mailbox.stats.csv_rate",
    "mailbox.stats.average",
    "mailbox.stats.overdue",
];

/// Section names longer than this are cut short under their bar, so the
/// labels of neighbouring bars do not run into each other.
const TICK_CHARS: usize = 6;

/// The span asked for: None when no month is given, so the app shows
/// this year so far; a month that is missing or not `YYYY-MM` is refused
/// on its own field.
fn span_of(query: &SpanQuery) -> Result<Option<(i64, i64)>, Invalid> {
    if query.from.trim().is_empty() && query.to.trim().is_empty() {
        return Ok(None);
    }
    let mut invalid = Invalid::default();
    let from = parse_month(&query.from);
    if from.is_none() {
        invalid.push("from", "mailbox.stats.bad_month");
    }
    let to = parse_month(&query.to);
    if to.is_none() {
        invalid.push("to", "mailbox.stats.bad_month");
    }
    invalid.into_result()?;
    Ok(from.zip(to))
}

/// A ready-made span: this quarter, last quarter, this year.
struct QuickLink {
    label: String,
    from: String,
    to: String,
}

/// The quick spans, counted from the month of `now`.
fn quick_links(locale: Locale, now: i64) -> Vec<QuickLink> {
    let this_month = month_of_day(local_day(now));
    let year_start = this_month - this_month.rem_euclid(12);
    let quarter_start = this_month - this_month.rem_euclid(3);
    [
        ("mailbox.stats.this_quarter", quarter_start, this_month),
        (
            "mailbox.stats.last_quarter",
            quarter_start - 3,
            quarter_start - 1,
        ),
        ("mailbox.stats.this_year", year_start, this_month),
    ]
    .into_iter()
    .map(|(key, from, to)| QuickLink {
        label: locale.t(key),
        from: month_label(from),
        to: month_label(to),
    })
    .collect()
}

/// One row of figures as the page shows them.
struct FigureRow {
    label: String,
    received: i64,
    answered: i64,
    refused: i64,
    open: i64,
    overdue: i64,
    /// `66.7%`, or a dash without letters.
    rate: String,
    /// `2.0`, or a dash without responses.
    average: String,
}

impl FigureRow {
    fn of(label: String, figures: &Figures) -> FigureRow {
        FigureRow {
            label,
            received: figures.received,
            answered: figures.answered,
            refused: figures.refused,
            open: figures.open,
            overdue: figures.overdue,
            rate: figures
                .response_rate()
                .map_or_else(|| "—".to_owned(), |r| format!("{r:.1}%")),
            average: figures
                .average_days()
                .map_or_else(|| "—".to_owned(), |d| format!("{d:.1}")),
        }
    }
}

/// The first `TICK_CHARS` characters of a label, marked when cut.
fn short(label: &str) -> String {
    if label.chars().count() > TICK_CHARS {
        let cut: String = label.chars().take(TICK_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        label.to_owned()
    }
}

#[derive(Template)]
#[template(path = "mailbox/stats.html")]
struct StatsPage {
    page: Page,
    errors: FormErrors,
    /// The months in the form: the span shown, or what was typed when it
    /// was refused.
    from: String,
    to: String,
    /// The span the figures are for.
    shown_from: String,
    shown_to: String,
    quick: Vec<QuickLink>,
    total: FigureRow,
    months: Vec<FigureRow>,
    sections: Vec<FigureRow>,
    month_chart: Chart,
    section_chart: Chart,
}

impl StatsPage {
    fn new(page: Page, errors: FormErrors, stats: &MailboxStats, quick: Vec<QuickLink>) -> Self {
        let no_section = page.locale.t("mailbox.stats.no_section");
        let months: Vec<FigureRow> = stats
            .months
            .iter()
            .map(|(month, figures)| FigureRow::of(month_label(*month), figures))
            .collect();
        let sections: Vec<FigureRow> = stats
            .sections
            .iter()
            .map(|(name, figures)| {
                let name = if name.is_empty() { &no_section } else { name };
                FigureRow::of(name.clone(), figures)
            })
            .collect();
        let month_counts = received(&months);
        // At most about twelve month labels fit under the chart; `26-11`
        // (without the century) keeps them short.
        let month_chart = Chart::bars(&month_counts, month_counts.len().div_ceil(12), |m| {
            m.get(2..).unwrap_or(m).to_owned()
        });
        let section_chart = Chart::bars(&received(&sections), 1, short);
        let shown_from = month_label(stats.from_month);
        let shown_to = month_label(stats.to_month);
        StatsPage {
            total: FigureRow::of(page.locale.t("mailbox.stats.total"), &stats.total),
            page,
            errors,
            from: shown_from.clone(),
            to: shown_to.clone(),
            shown_from,
            shown_to,
            quick,
            months,
            sections,
            month_chart,
            section_chart,
        }
    }
}

/// The charts draw letters received.
fn received(rows: &[FigureRow]) -> Vec<Count> {
    rows.iter()
        .map(|row| Count {
            label: row.label.clone(),
            views: row.received,
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<SpanQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let actor = &session.actor;
    let site = state.app.default_site().await?;
    let asked = match span_of(&query) {
        Ok(span) => state.app.mailbox_stats(actor, site, span).await,
        Err(invalid) => Err(AppError::Invalid(invalid)),
    };
    // A refused span shows its error over this year's figures (as the
    // site statistics page does), with the months as typed to correct.
    let (stats, errors, status) = match asked {
        Ok(stats) => (stats, FormErrors::default(), StatusCode::OK),
        Err(AppError::Invalid(invalid)) => (
            state.app.mailbox_stats(actor, site, None).await?,
            FormErrors::new(locale, invalid.errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(other) => return Err(other.into()),
    };
    let page = Page::for_session(locale, "mailbox.stats.title", &session);
    let quick = quick_links(locale, state.app.now_ms());
    let mut view = StatsPage::new(page, errors, &stats, quick);
    if status != StatusCode::OK {
        view.from = query.from;
        view.to = query.to;
    }
    Ok((status, render(&view)?).into_response())
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<SpanQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let span = span_of(&query).map_err(AppError::from)?;
    let stats = state.app.mailbox_stats(&session.actor, site, span).await?;
    let headings = CSV_HEADINGS.map(|key| locale.t(key));
    let csv = stats.to_csv(
        &headings.each_ref().map(String::as_str),
        &locale.t("mailbox.stats.total"),
        &locale.t("mailbox.stats.no_section"),
    );
    let disposition = format!(
        "attachment; filename=\"mailbox-stats-{}-{}.csv\"",
        month_label(stats.from_month),
        month_label(stats.to_month)
    );
    // The byte-order mark makes Excel read the file as UTF-8 (section
    // names are Chinese), as the other CSV exports do.
    let mut response = format!("\u{feff}{csv}").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
