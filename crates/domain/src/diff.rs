//! Side-by-side comparison of two texts (修订记录的比较): paragraphs are
//! aligned first, then the characters of each changed pair are compared.
//!
//! Chinese has no spaces, so a word diff is impossible and a raw character
//! diff shreds replaced phrases into confetti ("党" and "的" matching by
//! chance inside two unrelated phrases). After the character diff, short
//! runs that are equal only by chance are folded into the change around
//! them — the rule of diff-match-patch's semantic cleanup. `similar`'s own
//! `semantic_cleanup` only shifts boundaries (scored for ASCII words) and
//! keeps such runs, hence the pass here.

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// What a piece of text is in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    Equal,
    Insert,
    Delete,
}

impl Tag {
    pub fn code(self) -> &'static str {
        match self {
            Tag::Equal => "equal",
            Tag::Insert => "insert",
            Tag::Delete => "delete",
        }
    }
}

/// A run of characters with one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub tag: Tag,
    pub text: String,
}

/// One side of a row: a paragraph (numbered from 1 within its text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub number: usize,
    pub segments: Vec<Segment>,
}

/// How a row changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    Equal,
    Changed,
    Inserted,
    Deleted,
}

impl RowKind {
    pub fn code(self) -> &'static str {
        match self {
            RowKind::Equal => "equal",
            RowKind::Changed => "changed",
            RowKind::Inserted => "inserted",
            RowKind::Deleted => "deleted",
        }
    }
}

/// A row of the side-by-side view: the older paragraph on the left, the
/// newer on the right; a side is `None` where the paragraph has no
/// counterpart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    pub left: Option<Cell>,
    pub right: Option<Cell>,
}

/// Paired paragraphs less alike than this are shown as one removed and one
/// added paragraph rather than highlighted character by character.
const PAIR_THRESHOLD: f32 = 0.3;
/// Above this many candidate pairs in one replaced block, paragraphs are
/// paired by position (the best alignment costs `old × new` comparisons).
const MAX_ALIGNED_PAIRS: usize = 400;

/// Compares `old` with `new` paragraph by paragraph (a paragraph is a line;
/// blank lines only separate). Identical texts give only `Equal` rows.
pub fn side_by_side(old: &str, new: &str) -> Vec<Row> {
    let old_lines = paragraphs(old);
    let new_lines = paragraphs(new);
    let mut rows = Vec::new();
    for op in capture_diff_slices(Algorithm::Patience, &old_lines, &new_lines) {
        let (_, old_range, new_range) = op.as_tag_tuple();
        let block = Block {
            old: &old_lines,
            new: &new_lines,
            old_start: old_range.start,
            new_start: new_range.start,
        };
        match op {
            DiffOp::Equal { len, .. } => {
                rows.extend((0..len).map(|k| block.equal(k)));
            }
            _ => block.replaced(old_range.len(), new_range.len(), &mut rows),
        }
    }
    rows
}

/// Whether any row shows a change.
pub fn has_changes(rows: &[Row]) -> bool {
    rows.iter().any(|r| r.kind != RowKind::Equal)
}

fn paragraphs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim_end)
        .filter(|line| !line.is_empty())
        .collect()
}

/// A stretch of both texts that the paragraph diff matched or replaced.
struct Block<'a> {
    old: &'a [&'a str],
    new: &'a [&'a str],
    old_start: usize,
    new_start: usize,
}

impl Block<'_> {
    fn old_cell(&self, k: usize, segments: Vec<Segment>) -> Cell {
        Cell {
            number: self.old_start + k + 1,
            segments,
        }
    }

    fn new_cell(&self, k: usize, segments: Vec<Segment>) -> Cell {
        Cell {
            number: self.new_start + k + 1,
            segments,
        }
    }

    fn equal(&self, k: usize) -> Row {
        let text = self.old[self.old_start + k];
        Row {
            kind: RowKind::Equal,
            left: Some(self.old_cell(k, whole(Tag::Equal, text))),
            right: Some(self.new_cell(k, whole(Tag::Equal, text))),
        }
    }

    /// Rows for `old_len` paragraphs replaced by `new_len` (either may be 0).
    fn replaced(&self, old_len: usize, new_len: usize, rows: &mut Vec<Row>) {
        let old = &self.old[self.old_start..self.old_start + old_len];
        let new = &self.new[self.new_start..self.new_start + new_len];
        let (mut i, mut j) = (0, 0);
        for (pi, pj) in align(old, new) {
            self.unpaired(i..pi, j..pj, rows);
            rows.push(self.changed(pi, pj));
            (i, j) = (pi + 1, pj + 1);
        }
        self.unpaired(i..old_len, j..new_len, rows);
    }

    /// Paragraphs without a similar counterpart: side by side as one removed
    /// and one added while both sides have some, then one-sided rows.
    fn unpaired(
        &self,
        old: std::ops::Range<usize>,
        new: std::ops::Range<usize>,
        rows: &mut Vec<Row>,
    ) {
        let count = old.len().max(new.len());
        for k in 0..count {
            let left = (k < old.len()).then(|| {
                let i = old.start + k;
                self.old_cell(i, whole(Tag::Delete, self.old[self.old_start + i]))
            });
            let right = (k < new.len()).then(|| {
                let j = new.start + k;
                self.new_cell(j, whole(Tag::Insert, self.new[self.new_start + j]))
            });
            let kind = match (&left, &right) {
                (Some(_), Some(_)) => RowKind::Changed,
                (Some(_), None) => RowKind::Deleted,
                _ => RowKind::Inserted,
            };
            rows.push(Row { kind, left, right });
        }
    }

    /// Two similar paragraphs, their characters compared.
    fn changed(&self, i: usize, j: usize) -> Row {
        let chunks = char_diff(self.old[self.old_start + i], self.new[self.new_start + j]);
        let side = |other: Tag| {
            chunks
                .iter()
                .filter(|c| c.tag != other)
                .cloned()
                .collect::<Vec<_>>()
        };
        let kind = if chunks.iter().all(|c| c.tag == Tag::Equal) {
            RowKind::Equal
        } else {
            RowKind::Changed
        };
        Row {
            kind,
            left: Some(self.old_cell(i, side(Tag::Insert))),
            right: Some(self.new_cell(j, side(Tag::Delete))),
        }
    }
}

fn whole(tag: Tag, text: &str) -> Vec<Segment> {
    vec![Segment {
        tag,
        text: text.to_owned(),
    }]
}

/// How alike two paragraphs are, from 0 (nothing shared) to 1 (equal).
fn likeness(old: &str, new: &str) -> f32 {
    let old: Vec<char> = old.chars().collect();
    let new: Vec<char> = new.chars().collect();
    let ops = capture_diff_slices(Algorithm::Myers, &old, &new);
    similar::diff_ratio(&ops, old.len(), new.len())
}

/// Which paragraphs of a replaced block correspond: the pairs (in order)
/// whose total likeness is greatest, each at least `PAIR_THRESHOLD` alike.
/// Large blocks are paired by position.
fn align(old: &[&str], new: &[&str]) -> Vec<(usize, usize)> {
    if old.is_empty() || new.is_empty() {
        return Vec::new();
    }
    if old.len() * new.len() > MAX_ALIGNED_PAIRS {
        return (0..old.len().min(new.len())).map(|k| (k, k)).collect();
    }
    let like: Vec<Vec<f32>> = old
        .iter()
        .map(|o| new.iter().map(|n| likeness(o, n)).collect())
        .collect();
    // best[i][j]: the greatest total for old[i..] and new[j..].
    let mut best = vec![vec![0.0_f32; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            let mut score = best[i + 1][j].max(best[i][j + 1]);
            if like[i][j] >= PAIR_THRESHOLD {
                score = score.max(best[i + 1][j + 1] + like[i][j]);
            }
            best[i][j] = score;
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        let paired = like[i][j] >= PAIR_THRESHOLD
            && (best[i][j] - (best[i + 1][j + 1] + like[i][j])).abs() < f32::EPSILON;
        if paired {
            pairs.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if (best[i][j] - best[i + 1][j]).abs() < f32::EPSILON {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// The characters of two paragraphs compared, in reading order (a deletion
/// before the insertion that replaces it), cleaned up for reading.
fn char_diff(old: &str, new: &str) -> Vec<Segment> {
    let old_chars: Vec<char> = old.chars().collect();
    let new_chars: Vec<char> = new.chars().collect();
    let text = |chars: &[char], range: std::ops::Range<usize>| chars[range].iter().collect();
    let mut chunks = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_chars, &new_chars) {
        let (_, old_range, new_range) = op.as_tag_tuple();
        if let DiffOp::Equal { .. } = op {
            chunks.push(Segment {
                tag: Tag::Equal,
                text: text(&old_chars, old_range),
            });
            continue;
        }
        chunks.push(Segment {
            tag: Tag::Delete,
            text: text(&old_chars, old_range),
        });
        chunks.push(Segment {
            tag: Tag::Insert,
            text: text(&new_chars, new_range),
        });
    }
    fold_chance_equalities(chunks)
}

/// Folds into the surrounding change every equal run no longer than the
/// changes on both sides of it (diff-match-patch's semantic rule), until
/// none is left: "加强党的建设" → "落实党中央的部署" then reads as one
/// replaced phrase instead of five fragments.
fn fold_chance_equalities(chunks: Vec<Segment>) -> Vec<Segment> {
    let mut chunks = normalise(chunks);
    while let Some(at) = chance_equality(&chunks) {
        let text = std::mem::take(&mut chunks[at].text);
        let replaced = [
            Segment {
                tag: Tag::Delete,
                text: text.clone(),
            },
            Segment {
                tag: Tag::Insert,
                text,
            },
        ];
        chunks.splice(at..=at, replaced);
        chunks = normalise(chunks);
    }
    chunks
}

/// The first equal run between two changes that is not longer than either.
fn chance_equality(chunks: &[Segment]) -> Option<usize> {
    let changed = |side: &mut dyn Iterator<Item = &Segment>| {
        let (mut deleted, mut inserted) = (0, 0);
        for chunk in side.take_while(|c| c.tag != Tag::Equal) {
            let count = chunk.text.chars().count();
            match chunk.tag {
                Tag::Delete => deleted += count,
                _ => inserted += count,
            }
        }
        deleted.max(inserted)
    };
    (1..chunks.len().saturating_sub(1)).find(|&at| {
        if chunks[at].tag != Tag::Equal {
            return false;
        }
        let before = changed(&mut chunks[..at].iter().rev());
        let after = changed(&mut chunks[at + 1..].iter());
        let length = chunks[at].text.chars().count();
        length <= before && length <= after
    })
}

/// Merges neighbouring runs: each stretch between equal runs becomes one
/// deletion followed by one insertion; empty runs go.
fn normalise(chunks: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(chunks.len());
    let (mut deleted, mut inserted) = (String::new(), String::new());
    let flush = |out: &mut Vec<Segment>, deleted: &mut String, inserted: &mut String| {
        for (tag, text) in [(Tag::Delete, deleted), (Tag::Insert, inserted)] {
            if !text.is_empty() {
                out.push(Segment {
                    tag,
                    text: std::mem::take(text),
                });
            }
        }
    };
    for chunk in chunks {
        match chunk.tag {
            Tag::Delete => deleted.push_str(&chunk.text),
            Tag::Insert => inserted.push_str(&chunk.text),
            Tag::Equal if chunk.text.is_empty() => {}
            Tag::Equal => {
                flush(&mut out, &mut deleted, &mut inserted);
                match out.last_mut() {
                    Some(last) if last.tag == Tag::Equal => last.text.push_str(&chunk.text),
                    _ => out.push(chunk),
                }
            }
        }
    }
    flush(&mut out, &mut deleted, &mut inserted);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(cell: &Option<Cell>, tag: Tag) -> Vec<String> {
        cell.iter()
            .flat_map(|c| &c.segments)
            .filter(|s| s.tag == tag)
            .map(|s| s.text.clone())
            .collect()
    }

    fn joined(cell: &Option<Cell>) -> String {
        cell.iter()
            .flat_map(|c| &c.segments)
            .map(|s| s.text.as_str())
            .collect()
    }

    #[test]
    fn identical_texts_are_all_equal() {
        let text = "县委组织部召开基层党建工作推进会。\n\n会议强调要抓好落实。\n";
        let rows = side_by_side(text, text);
        assert_eq!(rows.len(), 2);
        assert!(!has_changes(&rows));
        for row in &rows {
            assert_eq!(row.kind, RowKind::Equal);
            assert_eq!(row.left, row.right);
            let cell = row.left.as_ref().expect("left");
            assert!(cell.segments.iter().all(|s| s.tag == Tag::Equal));
        }
        assert_eq!(joined(&rows[1].left), "会议强调要抓好落实。");
        assert_eq!(rows[1].left.as_ref().map(|c| c.number), Some(2));
    }

    #[test]
    fn one_changed_character_is_marked_alone() {
        let rows = side_by_side(
            "县委组织部召开基层党建工作推进会",
            "县委组织部召开基层党建工作促进会",
        );
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        assert_eq!(row.kind, RowKind::Changed);
        assert_eq!(texts(&row.left, Tag::Delete), ["推"]);
        assert_eq!(texts(&row.right, Tag::Insert), ["促"]);
        assert!(texts(&row.left, Tag::Insert).is_empty());
        assert!(texts(&row.right, Tag::Delete).is_empty());
        assert_eq!(joined(&row.left), "县委组织部召开基层党建工作推进会");
        assert_eq!(joined(&row.right), "县委组织部召开基层党建工作促进会");
    }

    #[test]
    fn a_replaced_phrase_is_not_shredded() {
        let rows = side_by_side("要求加强党的建设工作。", "要求落实党中央的部署工作。");
        let row = &rows[0];
        assert_eq!(row.kind, RowKind::Changed);
        assert_eq!(texts(&row.left, Tag::Delete), ["加强党的建设"]);
        assert_eq!(texts(&row.right, Tag::Insert), ["落实党中央的部署"]);
        assert_eq!(texts(&row.left, Tag::Equal), ["要求", "工作。"]);
    }

    #[test]
    fn an_inserted_paragraph_has_no_left_side() {
        let rows = side_by_side("第一段。\n第三段。", "第一段。\n新增的第二段。\n第三段。");
        let kinds: Vec<RowKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [RowKind::Equal, RowKind::Inserted, RowKind::Equal],
            "{rows:?}"
        );
        let inserted = &rows[1];
        assert!(inserted.left.is_none());
        assert_eq!(texts(&inserted.right, Tag::Insert), ["新增的第二段。"]);
        assert_eq!(inserted.right.as_ref().map(|c| c.number), Some(2));
        assert_eq!(rows[2].right.as_ref().map(|c| c.number), Some(3));
        assert_eq!(rows[2].left.as_ref().map(|c| c.number), Some(2));
    }

    #[test]
    fn a_deleted_paragraph_has_no_right_side() {
        let rows = side_by_side("第一段。\n要删去的一段。\n第三段。", "第一段。\n第三段。");
        let kinds: Vec<RowKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [RowKind::Equal, RowKind::Deleted, RowKind::Equal]);
        let deleted = &rows[1];
        assert!(deleted.right.is_none());
        assert_eq!(texts(&deleted.left, Tag::Delete), ["要删去的一段。"]);
    }

    #[test]
    fn an_edit_next_to_an_insertion_pairs_the_similar_paragraph() {
        let rows = side_by_side(
            "开头。\n全县共有党员一万二千名。",
            "开头。\n新的一段话。\n全县共有党员一万三千名。",
        );
        let kinds: Vec<RowKind> = rows.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [RowKind::Equal, RowKind::Inserted, RowKind::Changed],
            "{rows:?}"
        );
        assert_eq!(texts(&rows[2].left, Tag::Delete), ["二"]);
        assert_eq!(texts(&rows[2].right, Tag::Insert), ["三"]);
    }

    #[test]
    fn empty_texts() {
        assert!(side_by_side("", "").is_empty());
        assert!(side_by_side("\n\n", "").is_empty());
        let added = side_by_side("", "全文");
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].kind, RowKind::Inserted);
        assert_eq!(texts(&added[0].right, Tag::Insert), ["全文"]);
        let removed = side_by_side("全文", "");
        assert_eq!(removed[0].kind, RowKind::Deleted);
        assert!(has_changes(&removed));
    }
}
