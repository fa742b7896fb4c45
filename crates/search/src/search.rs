//! Running a query against one generation and shaping the hits.

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument};

use crate::build;
use crate::doc::{Attachment, Kind};
use crate::error::{Result, SearchError};
use crate::generation::Generation;
use crate::highlight::Highlighter;
use crate::plan::{Plan, plan};
use crate::query::{AttachmentHit, Hit, MAX_LIMIT, MAX_OFFSET, SearchQuery, SearchResults, Sort};
use crate::schema::{DATE, Fields};
use crate::segment::Segmenter;
use crate::synonyms::Synonyms;

/// Attachment text scanned for naming the attachment of a hit, roughly in
/// characters (counted as UTF-8 bytes / 3).
const ATTACHMENT_SCAN_CHARS: usize = 200_000;
/// Words of a failed query tried one by one for suggestions, at most.
const MAX_SUGGESTIONS: usize = 6;

pub(crate) fn execute(
    generation: &Generation,
    segmenter: &Segmenter,
    synonyms: &Synonyms,
    words_indexed: bool,
    q: &SearchQuery,
) -> Result<SearchResults> {
    let mut plan = plan(&q.text, segmenter, synonyms);
    if !words_indexed {
        plan.indexed_words.clear();
    }
    let f = &generation.fields;
    let query = match build::full_query(&plan, q, f) {
        Some(query) if !q.audience.is_empty() => query,
        _ => return Ok(SearchResults::default()),
    };
    let searcher = generation.reader.searcher();
    let (total, found) = collect(&searcher, query.as_ref(), q)?;
    let highlighter = Highlighter::new(&plan);
    let hits = found
        .into_iter()
        .map(|(score, address)| hit(&searcher, f, &highlighter, score, address))
        .collect::<Result<Vec<_>>>()?;
    let suggestions = if total == 0 {
        suggest(&searcher, &plan, q, f)?
    } else {
        Vec::new()
    };
    Ok(SearchResults {
        total,
        hits,
        suggestions,
    })
}

/// Counts all matches and collects the requested page.
fn collect(
    searcher: &Searcher,
    query: &dyn Query,
    q: &SearchQuery,
) -> Result<(usize, Vec<(Score, DocAddress)>)> {
    let limit = q.limit.min(MAX_LIMIT);
    let offset = q.offset.min(MAX_OFFSET);
    if limit == 0 {
        return Ok((searcher.search(query, &Count)?, Vec::new()));
    }
    let top = TopDocs::with_limit(limit).and_offset(offset);
    match q.sort {
        Sort::Relevance => Ok(searcher.search(query, &(Count, top.order_by_score()))?),
        Sort::Newest => {
            let by_date = (SortByStaticFastValue::<i64>::for_field(DATE), Order::Desc);
            let then_score = (SortBySimilarityScore, Order::Desc);
            let (total, found) =
                searcher.search(query, &(Count, top.order_by((by_date, then_score))))?;
            let found = found
                .into_iter()
                .map(|((_, score), address)| (score, address))
                .collect();
            Ok((total, found))
        }
    }
}

fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

fn first_i64(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<i64> {
    doc.get_first(field).and_then(|v| v.as_i64())
}

/// Loads a hit's stored fields and marks its snippets.
fn hit(
    searcher: &Searcher,
    f: &Fields,
    highlighter: &Highlighter,
    score: Score,
    address: DocAddress,
) -> Result<Hit> {
    let doc: TantivyDocument = searcher.doc(address)?;
    let kind = first_text(&doc, f.kind);
    let kind = Kind::parse(kind).ok_or_else(|| SearchError::Stored(format!("kind `{kind}`")))?;
    let attachments: Vec<Attachment> = match doc.get_first(f.attachments).and_then(|v| v.as_bytes())
    {
        Some(json) => {
            serde_json::from_slice(json).map_err(|e| SearchError::Stored(e.to_string()))?
        }
        None => Vec::new(),
    };
    Ok(Hit {
        key: first_text(&doc, f.key).to_string(),
        score,
        kind,
        date_ms: first_i64(&doc, f.date).unwrap_or(0),
        column: first_i64(&doc, f.column),
        title: highlighter.whole(first_text(&doc, f.title), true),
        body: highlighter.passage(first_text(&doc, f.body)),
        attachment: attachment_hit(highlighter, &attachments),
    })
}

/// The attachment with the most matches (name and text), if any matched.
/// Attachment texts are scanned in order up to [`ATTACHMENT_SCAN_CHARS`]
/// per hit, so a page of hits with huge attachments stays fast; a match
/// only beyond that is not named.
fn attachment_hit(highlighter: &Highlighter, attachments: &[Attachment]) -> Option<AttachmentHit> {
    let mut budget = ATTACHMENT_SCAN_CHARS;
    let mut best: Option<(usize, usize)> = None; // (count, index)
    for (i, a) in attachments.iter().enumerate() {
        let mut count = highlighter.count(&a.name);
        if budget > 0 {
            count += highlighter.count(&a.text);
            budget = budget.saturating_sub(a.text.len() / 3);
        }
        if count > best.map_or(0, |b| b.0) {
            best = Some((count, i));
        }
    }
    let (index, best) = best.map(|(_, i)| (i, &attachments[i]))?;
    Some(AttachmentHit {
        index,
        name: best.name.clone(),
        name_snippet: highlighter.whole(&best.name, false),
        text: highlighter.passage(&best.text),
    })
}

/// For a query of several units that found nothing: the units that find
/// something on their own (same filters).
fn suggest(searcher: &Searcher, plan: &Plan, q: &SearchQuery, f: &Fields) -> Result<Vec<String>> {
    if plan.units.len() < 2 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    // Single characters are left out: on their own they find too much to
    // be a useful suggestion.
    let worth = plan
        .units
        .iter()
        .filter(|u| u.latin || u.text.chars().count() > 1);
    for unit in worth.take(MAX_SUGGESTIONS) {
        let single = Plan {
            units: vec![unit.clone()],
            phrases: Vec::new(),
            indexed_words: plan.indexed_words.clone(),
        };
        if let Some(query) = build::full_query(&single, q, f)
            && searcher.search(query.as_ref(), &Count)? > 0
        {
            out.push(unit.text.clone());
        }
    }
    Ok(out)
}
