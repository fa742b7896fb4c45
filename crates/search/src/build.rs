//! Turns a [`Plan`] and the query's filters into a tantivy query, built
//! programmatically: user text never reaches tantivy's query parser, so
//! `"`, `:` or `(` are just characters.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::normalize::{RunKind, runs};
use crate::plan::{Plan, Unit};
use crate::query::SearchQuery;
use crate::schema::Fields;

/// Field weights: a title match outweighs a body match, which outweighs
/// an attachment match.
const TITLE: f32 = 4.0;
const BODY: f32 = 1.0;
const ATTACHMENT: f32 = 0.6;
const PINYIN: f32 = 3.0;
/// A substring (gram) match counts a little less than a dictionary word.
const GRAM: f32 = 0.8;
/// A synonym counts a little less than what the reader typed.
const SYNONYM: f32 = 0.8;
/// Extra for containing a multi-word run of the query verbatim.
const PHRASE: f32 = 0.5;
/// How much the other fields add to the best field of a unit.
const TIE_BREAKER: f32 = 0.2;

type Boxed = Box<dyn Query>;

fn boost(query: Boxed, weight: f32) -> Boxed {
    Box::new(BoostQuery::new(query, weight))
}

fn term(field: Field, text: &str) -> Boxed {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Matches `text` as a substring in a gram field: the character, the
/// bigram, or a phrase of bigrams (every other one, plus the last).
fn gram(field: Field, text: &str) -> Boxed {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 {
        return term(field, text);
    }
    let bigram = |at: usize| -> (usize, Term) {
        let s: String = chars[at..at + 2].iter().collect();
        (at, Term::from_field_text(field, &s))
    };
    let last = chars.len() - 2;
    let mut terms: Vec<(usize, Term)> = (0..last).step_by(2).map(bigram).collect();
    terms.push(bigram(last));
    Box::new(PhraseQuery::new_with_offset(terms))
}

/// Where one Chinese term may be found, weighted. Titles are short, so
/// both fields are always searched there. In bodies and attachments a
/// term of one or two characters is one gram term (cheap, and finds every
/// occurrence); a longer shipped-dictionary word is one word term; any
/// other longer term (a name, an editor's new word) needs the word term
/// and the bigram phrase, which is exact but costs reading positions.
fn cjk_matchers(f: &Fields, text: &str, indexed_word: bool, weight: f32) -> Vec<Boxed> {
    let mut out = vec![
        boost(term(f.title_word, text), TITLE * weight),
        boost(gram(f.title_gram, text), TITLE * GRAM * weight),
    ];
    let short = text.chars().count() <= 2;
    if short {
        out.push(boost(gram(f.body_gram, text), BODY * GRAM * weight));
        out.push(boost(gram(f.att_gram, text), ATTACHMENT * GRAM * weight));
        return out;
    }
    out.push(boost(term(f.body_word, text), BODY * weight));
    out.push(boost(term(f.att_word, text), ATTACHMENT * weight));
    if !indexed_word {
        out.push(boost(gram(f.body_gram, text), BODY * GRAM * weight));
        out.push(boost(gram(f.att_gram, text), ATTACHMENT * GRAM * weight));
    }
    out
}

/// Where one Latin/digit word may be found: whole words, or the pinyin of
/// the title.
fn latin_matchers(f: &Fields, text: &str, weight: f32) -> Vec<Boxed> {
    vec![
        boost(term(f.title_word, text), TITLE * weight),
        boost(term(f.title_pinyin, text), PINYIN * weight),
        boost(term(f.body_word, text), BODY * weight),
        boost(term(f.att_word, text), ATTACHMENT * weight),
    ]
}

/// One way of satisfying a unit: its text, or a synonym. A synonym written
/// with several runs (`5G 基站`) needs every run.
fn alternative(f: &Fields, plan: &Plan, text: &str, weight: f32) -> Option<Boxed> {
    let mut parts: Vec<Boxed> = runs(text)
        .map(|run| {
            let fields = match run.kind {
                RunKind::Word => latin_matchers(f, run.text, weight),
                RunKind::Cjk => {
                    let indexed = plan.indexed_words.contains(run.text);
                    cjk_matchers(f, run.text, indexed, weight)
                }
            };
            Box::new(DisjunctionMaxQuery::with_tie_breaker(fields, TIE_BREAKER)) as Boxed
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Box::new(BooleanQuery::new(
            parts.into_iter().map(|p| (Occur::Must, p)).collect(),
        ))),
    }
}

/// The best field decides a unit's score; a synonym is one more way to
/// satisfy it.
fn unit_query(f: &Fields, plan: &Plan, unit: &Unit) -> Boxed {
    let texts =
        std::iter::once((&unit.text, 1.0)).chain(unit.synonyms.iter().map(|s| (s, SYNONYM)));
    let alternatives: Vec<Boxed> = texts
        .filter_map(|(text, weight)| alternative(f, plan, text, weight))
        .collect();
    Box::new(DisjunctionMaxQuery::new(alternatives))
}

/// Lifts documents whose title contains a run of the query verbatim.
/// (Bodies are left out: a long phrase over every body costs more than
/// the ordering it would refine.)
fn phrase_query(f: &Fields, phrase: &str) -> Boxed {
    boost(gram(f.title_gram, phrase), TITLE * PHRASE)
}

/// The scored part: every unit must match, phrases are a bonus.
pub(crate) fn text_query(plan: &Plan, f: &Fields) -> Option<Boxed> {
    if plan.units.is_empty() {
        return None;
    }
    let mut clauses: Vec<(Occur, Boxed)> = plan
        .units
        .iter()
        .map(|u| (Occur::Must, unit_query(f, plan, u)))
        .collect();
    for phrase in &plan.phrases {
        clauses.push((Occur::Should, phrase_query(f, phrase)));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// The unscored part: site, audience, kinds, columns and dates.
pub(crate) fn filter_query(q: &SearchQuery, f: &Fields) -> Boxed {
    let mut clauses: Vec<(Occur, Boxed)> = vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_i64(f.site, q.site),
                IndexRecordOption::Basic,
            )),
        ),
        (
            Occur::Must,
            Box::new(TermSetQuery::new(
                q.audience
                    .iter()
                    .map(|a| Term::from_field_text(f.audience, a)),
            )),
        ),
    ];
    if !q.kinds.is_empty() {
        let kinds = q
            .kinds
            .iter()
            .map(|k| Term::from_field_text(f.kind, k.as_str()));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(kinds))));
    }
    if !q.columns.is_empty() {
        let columns = q.columns.iter().map(|&c| Term::from_field_i64(f.column, c));
        clauses.push((Occur::Must, Box::new(TermSetQuery::new(columns))));
    }
    if q.date_from.is_some() || q.date_until.is_some() {
        let from = q.date_from.map(|d| Term::from_field_i64(f.date, d));
        let until = q.date_until.map(|d| Term::from_field_i64(f.date, d));
        let range = RangeQuery::new(
            from.map_or(Bound::Unbounded, Bound::Included),
            until.map_or(Bound::Unbounded, Bound::Excluded),
        );
        clauses.push((Occur::Must, Box::new(range)));
    }
    Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(clauses)),
        0.0,
    ))
}

/// Text and filters together.
pub(crate) fn full_query(plan: &Plan, q: &SearchQuery, f: &Fields) -> Option<Boxed> {
    let text = text_query(plan, f)?;
    Some(Box::new(BooleanQuery::new(vec![
        (Occur::Must, text),
        (Occur::Must, filter_query(q, f)),
    ])))
}
