//! What the portal's and the office's search pages share: the form as
//! asked, result lines ready for a template (snippet parts, never HTML),
//! the filter choices, and the JSON shape of the API.

use dangjian_app::domain::clock::format_local_date;
use dangjian_app::domain::ids::SiteId;
use dangjian_app::search::{Found, KINDS, Kind, SearchPage, SearchRequest, Snippet, Target};
use serde_json::{Value, json};

use crate::error::WebResult;
use crate::i18n::Locale;
use crate::state::AppState;

/// The form's fields as asked (echoed back into the inputs).
#[derive(Debug, Clone, Default)]
pub struct SearchForm {
    pub q: String,
    pub kind: String,
    pub column: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    /// The path the form submits to (`/search`).
    pub action: &'static str,
}

impl SearchForm {
    pub fn from(request: &SearchRequest) -> Self {
        SearchForm {
            q: request.q.trim().chars().take(100).collect(),
            kind: request.kind.trim().to_owned(),
            column: request.column.trim().to_owned(),
            from: request.from.trim().to_owned(),
            to: request.to.trim().to_owned(),
            sort: request.sort.trim().to_owned(),
            action: "/search",
        }
    }

    /// This search's address on page `page`.
    pub fn href(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", &self.q);
        for (name, value) in [
            ("kind", &self.kind),
            ("column", &self.column),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
        ] {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        if page > 1 {
            query.append_pair("page", &page.to_string());
        }
        format!("{}?{}", self.action, query.finish())
    }

    /// The address of a search for other words, with nothing else set.
    pub fn href_for(&self, words: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("q", words)
            .finish();
        format!("{}?{query}", self.action)
    }

    pub fn sorted_by_date(&self) -> bool {
        self.sort == "date"
    }
}

/// A piece of a snippet for the template: text, and whether it matched.
pub struct Part {
    pub text: String,
    pub hit: bool,
}

fn parts(snippet: &Snippet) -> Vec<Part> {
    snippet
        .parts
        .iter()
        .map(|f| Part {
            text: f.text.clone(),
            hit: f.hit,
        })
        .collect()
}

/// One line of results.
pub struct ResultLine {
    pub href: String,
    pub kind_label: String,
    pub title: Vec<Part>,
    pub body: Vec<Part>,
    pub cut_before: bool,
    pub cut_after: bool,
    pub date: String,
    pub column: String,
    /// For an attachment: the article it belongs to.
    pub within: Option<String>,
}

fn kind_label(locale: Locale, kind: Kind) -> String {
    locale.t(&format!("search.kind.{}", kind.as_str()))
}

/// Where a result leads: on the portal, or in the office.
fn href(target: Target, public: bool) -> String {
    match (target, public) {
        (Target::Article(id), true) => format!("/article/{id}"),
        (Target::Article(id), false) => format!("/articles/{id}"),
        (Target::Question(id), _) => format!("/qa/{id}"),
    }
}

impl ResultLine {
    fn of(found: &Found, locale: Locale, public: bool) -> ResultLine {
        let hit = &found.hit;
        ResultLine {
            href: href(found.target, public),
            kind_label: kind_label(locale, hit.kind),
            title: parts(&hit.title),
            body: parts(&hit.body),
            cut_before: hit.body.cut_before,
            cut_after: hit.body.cut_after,
            date: format_local_date(hit.date_ms),
            column: found.place.clone(),
            within: (hit.kind == Kind::Attachment).then(|| found.within.clone()),
        }
    }

    pub fn public(page: &SearchPage, locale: Locale) -> Vec<ResultLine> {
        page.found
            .iter()
            .map(|f| ResultLine::of(f, locale, true))
            .collect()
    }

    pub fn office(page: &SearchPage, locale: Locale) -> Vec<ResultLine> {
        page.found
            .iter()
            .map(|f| ResultLine::of(f, locale, false))
            .collect()
    }
}

/// A type in the filter.
pub struct KindChoice {
    pub code: &'static str,
    pub label: String,
    pub selected: bool,
}

impl KindChoice {
    pub fn all(locale: Locale, chosen: &str) -> Vec<KindChoice> {
        KINDS
            .into_iter()
            .map(|k| KindChoice {
                code: k.as_str(),
                label: kind_label(locale, k),
                selected: k.as_str() == chosen,
            })
            .collect()
    }
}

/// A column in the filter.
pub struct ColumnChoice {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

impl ColumnChoice {
    /// The visible columns (sub-columns are included when their parent is
    /// chosen).
    pub async fn public(
        state: &AppState,
        site: SiteId,
        chosen: &str,
    ) -> WebResult<Vec<ColumnChoice>> {
        Ok(state
            .app
            .public_columns(site)
            .await?
            .into_iter()
            .map(|c| ColumnChoice {
                selected: c.id.0.to_string() == chosen,
                id: c.id.0.to_string(),
                name: c.name,
            })
            .collect())
    }
}

fn snippet_json(snippet: &Snippet) -> Value {
    Value::Array(
        snippet
            .parts
            .iter()
            .map(|f| json!({ "text": f.text, "hit": f.hit }))
            .collect(),
    )
}

/// The JSON answer of `/api/v1/search`: snippets as parts, so that a
/// client marks matches its own way without parsing HTML.
pub fn results_json(page: &SearchPage) -> Value {
    let hits: Vec<Value> = page
        .found
        .iter()
        .map(|f| {
            let hit = &f.hit;
            json!({
                "kind": hit.kind.as_str(),
                "url": href(f.target, true),
                "title": hit.title.text(),
                "title_parts": snippet_json(&hit.title),
                "snippet_parts": snippet_json(&hit.body),
                "date": format_local_date(hit.date_ms),
                "column": f.place,
                "attachment_of": (hit.kind == Kind::Attachment).then(|| f.within.clone()),
                "score": hit.score,
            })
        })
        .collect();
    json!({
        "query": page.query,
        "total": page.total,
        "page": page.page,
        "pages": page.pages,
        "hits": hits,
        "suggestions": page.suggestions,
    })
}
