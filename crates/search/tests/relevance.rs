//! The relevance fixture: every case of `relevance.toml` over the corpus.

mod common;

use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    synonyms: Synonyms,
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Synonyms {
    groups: Vec<Vec<String>>,
}

#[derive(Deserialize)]
struct Case {
    query: String,
    #[serde(default)]
    top3: Vec<String>,
    first: Option<String>,
    #[serde(default)]
    found: Vec<String>,
    covers: String,
}

/// What is wrong with the results of one case, if anything.
fn check(case: &Case, keys: &[&str]) -> Option<String> {
    let missing = |expected: &[String], within: usize| -> Vec<String> {
        expected
            .iter()
            .filter(|k| !keys.iter().take(within).any(|got| got == k))
            .cloned()
            .collect()
    };
    let mut problems = Vec::new();
    let not_top3 = missing(&case.top3, 3);
    if !not_top3.is_empty() {
        problems.push(format!("not in top 3: {not_top3:?}"));
    }
    if let Some(first) = &case.first
        && keys.first() != Some(&first.as_str())
    {
        problems.push(format!("{first} is not first"));
    }
    let not_found = missing(&case.found, 10);
    if !not_found.is_empty() {
        problems.push(format!("not on page 1: {not_found:?}"));
    }
    (!problems.is_empty()).then(|| {
        format!(
            "{:?} ({}): {}; got {keys:?}",
            case.query,
            case.covers,
            problems.join(", ")
        )
    })
}

#[test]
fn relevance_fixture() {
    let fixture: Fixture = toml::from_str(include_str!("relevance.toml")).unwrap();
    assert!(
        fixture.case.len() >= 30,
        "the fixture keeps at least 30 cases"
    );
    let dir = tempfile::tempdir().unwrap();
    let index = common::corpus_index(dir.path());
    index.set_synonyms(&fixture.synonyms.groups);
    let failures: Vec<String> = fixture
        .case
        .iter()
        .filter_map(|case| {
            let results = index.search(&common::public(&case.query)).unwrap();
            check(case, &common::keys(&results))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} relevance cases failed:\n{}",
        failures.len(),
        fixture.case.len(),
        failures.join("\n")
    );
}
