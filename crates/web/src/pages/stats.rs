//! The site editor's statistics page (`/stats`): visits per month and per
//! day as server-drawn SVG bar charts (each with a table of the same
//! figures), daily average and peak day, top articles and columns,
//! referring sites and devices; and the CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::AppError;
use dangjian_app::stats::report::{Count, StatsRange, StatsReport, TopPage};
use serde::Deserialize;

use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// `?from=&until=` (local days).
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

/// Width and height of a chart's drawing (SVG user units).
const CHART_W: i64 = 720;
const CHART_H: i64 = 200;
/// Room under the bars for their labels.
const LABEL_H: i64 = 20;

/// One bar of a chart.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    /// Centre of the bar, for its label.
    pub mid: i64,
    pub label: String,
    /// The short label under the bar (empty where it would crowd).
    pub tick: String,
    pub views: i64,
}

/// A vertical bar chart.
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub base: i64,
    pub label_y: i64,
    pub bars: Vec<Bar>,
}

impl Chart {
    /// Bars for `counts`; every `tick_every`-th bar gets a label `tick` makes.
    pub(crate) fn bars(
        counts: &[Count],
        tick_every: usize,
        tick: impl Fn(&str) -> String,
    ) -> Chart {
        let max = counts.iter().map(|c| c.views).max().unwrap_or(0).max(1);
        let n = i64::try_from(counts.len()).unwrap_or(1).max(1);
        let slot = CHART_W / n;
        let w = (slot * 7 / 10).max(1);
        let plot = CHART_H - LABEL_H - 4;
        let bars = counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let h = c.views * plot / max;
                let x = i64::try_from(i).unwrap_or(0) * slot + (slot - w) / 2;
                Bar {
                    x,
                    y: plot + 4 - h,
                    w,
                    h,
                    mid: x + w / 2,
                    label: c.label.clone(),
                    tick: if i.is_multiple_of(tick_every.max(1)) {
                        tick(&c.label)
                    } else {
                        String::new()
                    },
                    views: c.views,
                }
            })
            .collect();
        Chart {
            width: CHART_W,
            height: CHART_H,
            base: plot + 4,
            label_y: CHART_H - 4,
            bars,
        }
    }
}

/// A row of a share list (devices, referrers): its part of the whole.
pub struct Share {
    pub label: String,
    pub views: i64,
    /// Whole percent of the total.
    pub percent: i64,
    /// Bar length in SVG units (0..=200).
    pub w: i64,
    /// Row offset in the SVG.
    pub y: i64,
}

fn shares(counts: &[Count], total: i64, name: impl Fn(&str) -> String) -> Vec<Share> {
    let max = counts.iter().map(|c| c.views).max().unwrap_or(0).max(1);
    counts
        .iter()
        .enumerate()
        .map(|(i, c)| Share {
            label: name(&c.label),
            views: c.views,
            percent: if total > 0 { c.views * 100 / total } else { 0 },
            w: c.views * 200 / max,
            y: i64::try_from(i).unwrap_or(0) * 24,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "stats/report.html")]
struct StatsPage {
    page: Page,
    errors: FormErrors,
    from: String,
    until: String,
    report: StatsReport,
    months: Chart,
    recent: Chart,
    devices: Vec<Share>,
    devices_h: i64,
    referrers: Vec<Share>,
    top_articles: Vec<TopPage>,
    top_columns: Vec<TopPage>,
    export_query: String,
}

fn query_string(range: &StatsRange) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("from", &range.from)
        .append_pair("until", &range.until)
        .finish()
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<StatsQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let now = state.app.now_ms();
    let (range, errors, status) =
        match StatsRange::parse(Some(&query.from), Some(&query.until), now) {
            Ok(range) => (range, FormErrors::default(), StatusCode::OK),
            Err(AppError::Invalid(invalid)) => (
                StatsRange::parse(None, None, now)?,
                FormErrors::new(locale, invalid.errors),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(other) => return Err(other.into()),
        };
    let report = state.app.stats_report(&session.actor, &range).await?;
    let device_name = |code: &str| locale.t(&format!("stats.device.{code}"));
    let devices = shares(&report.devices, report.total, device_name);
    let referrers = shares(&report.referrers, report.total, str::to_owned);
    let view = StatsPage {
        page: Page::for_session(locale, "stats.title", &session),
        errors,
        from: if status == StatusCode::OK {
            range.from.clone()
        } else {
            query.from.clone()
        },
        until: if status == StatusCode::OK {
            range.until.clone()
        } else {
            query.until.clone()
        },
        months: Chart::bars(&report.months, report.months.len().div_ceil(12), |m| {
            m.get(2..).unwrap_or(m).to_owned()
        }),
        recent: Chart::bars(&report.recent, 5, |d| d.get(5..).unwrap_or(d).to_owned()),
        devices_h: i64::try_from(devices.len()).unwrap_or(0) * 24,
        devices,
        referrers,
        top_articles: report.top_articles.clone(),
        top_columns: report.top_columns.clone(),
        export_query: query_string(&range),
        report,
    };
    Ok((status, render(&view)?).into_response())
}

pub async fn export(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<StatsQuery>,
) -> WebResult<Response> {
    let range = StatsRange::parse(Some(&query.from), Some(&query.until), state.app.now_ms())?;
    let csv = state.app.stats_export_csv(&session.actor, &range).await?;
    let disposition = format!(
        "attachment; filename=\"visits-{}-{}.csv\"",
        range.from, range.until
    );
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
