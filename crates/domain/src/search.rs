//! What editors set for search (site settings `search.*`): words the
//! segmenter should know beyond the shipped party-building dictionary,
//! synonym groups (党建 = 党的建设), and the hot searches offered on the
//! search page. Entered as text, one entry per line.

use std::collections::BTreeMap;

use crate::Invalid;

pub const WORDS_KEY: &str = "search.words";
pub const SYNONYMS_KEY: &str = "search.synonyms";
pub const HOT_KEY: &str = "search.hot";

const MAX_WORDS: usize = 500;
const MAX_WORD_CHARS: usize = 20;
const MAX_GROUPS: usize = 200;
const MAX_GROUP_TERMS: usize = 10;
const MAX_HOT: usize = 12;

/// Hot searches before an editor sets any.
const DEFAULT_HOT: [&str; 6] = [
    "三会一课",
    "主题党日",
    "干部任前公示",
    "流动党员",
    "党费",
    "公开选拔",
];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchSettings {
    pub words: Vec<String>,
    /// Each group's terms mean the same.
    pub synonyms: Vec<Vec<String>>,
    pub hot: Vec<String>,
}

fn term_ok(term: &str) -> bool {
    let chars = term.chars().count();
    (1..=MAX_WORD_CHARS).contains(&chars)
        && !term
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "=,，、;；".contains(c))
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn list(text: &str, max: usize, field: &str, invalid: &mut Invalid) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines(text) {
        if !term_ok(line) {
            invalid.push(field, "error.search.term");
            return out;
        }
        if !out.iter().any(|w| w == line) {
            out.push(line.to_owned());
        }
    }
    if out.len() > max {
        invalid.push(field, "error.search.too_many");
    }
    out
}

/// `党建 = 党的建设 = 党的建设工作`: one group per line, terms separated by
/// `=` (or a comma).
fn groups(text: &str, invalid: &mut Invalid) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in lines(text) {
        let terms: Vec<String> = line
            .split(['=', ',', '，'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if terms.len() < 2 || terms.len() > MAX_GROUP_TERMS || !terms.iter().all(|t| term_ok(t)) {
            invalid.push(SYNONYMS_KEY, "error.search.group");
            return out;
        }
        out.push(terms);
    }
    if out.len() > MAX_GROUPS {
        invalid.push(SYNONYMS_KEY, "error.search.too_many");
    }
    out
}

impl SearchSettings {
    /// Parses what an editor submitted (the three text areas).
    pub fn parse(words: &str, synonyms: &str, hot: &str) -> Result<Self, Invalid> {
        let mut invalid = Invalid::default();
        let settings = SearchSettings {
            words: list(words, MAX_WORDS, WORDS_KEY, &mut invalid),
            synonyms: groups(synonyms, &mut invalid),
            hot: list(hot, MAX_HOT, HOT_KEY, &mut invalid),
        };
        invalid.into_result()?;
        Ok(settings)
    }

    /// From stored settings (what does not parse is left out: the stored
    /// values were checked when saved).
    pub fn from_settings(values: &BTreeMap<String, String>) -> Self {
        let get = |key: &str| values.get(key).map(String::as_str);
        let mut ignored = Invalid::default();
        SearchSettings {
            words: list(
                get(WORDS_KEY).unwrap_or(""),
                usize::MAX,
                WORDS_KEY,
                &mut ignored,
            ),
            synonyms: groups(get(SYNONYMS_KEY).unwrap_or(""), &mut ignored),
            hot: match get(HOT_KEY) {
                Some(text) => list(text, MAX_HOT, HOT_KEY, &mut ignored),
                None => DEFAULT_HOT.iter().map(|s| (*s).to_owned()).collect(),
            },
        }
    }

    pub fn words_text(&self) -> String {
        self.words.join("\n")
    }

    pub fn synonyms_text(&self) -> String {
        self.synonyms
            .iter()
            .map(|g| g.join(" = "))
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn hot_text(&self) -> String {
        self.hot.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_lists_parse_and_render_back() {
        let s = SearchSettings::parse(
            "两新组织\n  \n清廉机关\n两新组织",
            "党建 = 党的建设\n流动党员，外出党员",
            "三会一课",
        )
        .expect("valid");
        assert_eq!(s.words, ["两新组织", "清廉机关"]);
        assert_eq!(s.synonyms[1], ["流动党员", "外出党员"]);
        let again = SearchSettings::parse(&s.words_text(), &s.synonyms_text(), &s.hot_text());
        assert_eq!(again, Ok(s));
    }

    #[test]
    fn bad_entries_name_their_field() {
        let err = SearchSettings::parse("有 空格", "", "").unwrap_err();
        assert_eq!(err.code_for(WORDS_KEY), Some("error.search.term"));
        let err = SearchSettings::parse("", "党建", "").unwrap_err();
        assert_eq!(err.code_for(SYNONYMS_KEY), Some("error.search.group"));
        let long = "党".repeat(21);
        let err = SearchSettings::parse("", "", &long).unwrap_err();
        assert_eq!(err.code_for(HOT_KEY), Some("error.search.term"));
    }

    #[test]
    fn hot_searches_have_defaults_until_set() {
        let empty = SearchSettings::from_settings(&BTreeMap::new());
        assert_eq!(empty.hot.len(), DEFAULT_HOT.len());
        let set = BTreeMap::from([(HOT_KEY.to_owned(), String::new())]);
        assert!(SearchSettings::from_settings(&set).hot.is_empty());
    }
}
