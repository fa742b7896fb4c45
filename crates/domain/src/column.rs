//! Columns (栏目): the portal's tree. What a column is (kinds, names, slugs,
//! update periods, external links) and the rules of the tree (depth, moves,
//! sibling order), decided on plain data so they are tested without I/O.

use serde::{Deserialize, Serialize};

use crate::account::bounded_text;
use crate::invalid::Invalid;

/// A column of a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ColumnId(pub i64);

impl std::fmt::Display for ColumnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The deepest a column may sit: main column, sub-column, third level.
/// Deeper trees are unreadable on the portal's navigation.
pub const MAX_DEPTH: usize = 3;

/// What a column shows on the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// 文章列表.
    ArticleList,
    /// 单页: one fixed page (introductions, the mailbox's page …).
    SinglePage,
    /// 外部链接: points to another site.
    ExternalLink,
    /// 视频列表.
    VideoList,
    /// 资料下载.
    DownloadList,
    /// 公告公示.
    NoticeBoard,
    /// 专题: a topic with its own banner and sub-columns.
    SpecialTopic,
}

impl ColumnKind {
    pub const ALL: [ColumnKind; 7] = [
        ColumnKind::ArticleList,
        ColumnKind::SinglePage,
        ColumnKind::ExternalLink,
        ColumnKind::VideoList,
        ColumnKind::DownloadList,
        ColumnKind::NoticeBoard,
        ColumnKind::SpecialTopic,
    ];

    /// Stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            ColumnKind::ArticleList => "article_list",
            ColumnKind::SinglePage => "single_page",
            ColumnKind::ExternalLink => "external_link",
            ColumnKind::VideoList => "video_list",
            ColumnKind::DownloadList => "download_list",
            ColumnKind::NoticeBoard => "notice_board",
            ColumnKind::SpecialTopic => "special_topic",
        }
    }

    pub fn from_code(code: &str) -> Option<ColumnKind> {
        ColumnKind::ALL
            .into_iter()
            .find(|k| k.code() == code.trim())
    }

    /// Message-catalog key of the kind's display name.
    pub fn label_key(self) -> String {
        format!("column_kind.{}", self.code())
    }

    /// Only an external link carries a URL.
    pub fn needs_url(self) -> bool {
        self == ColumnKind::ExternalLink
    }
}

/// A column name, 1–30 characters (navigation bars have little room).
pub fn parse_column_name(input: &str) -> Result<String, Invalid> {
    bounded_text(input, "name", 30, "error.name.required")
}

/// A slug: 1–64 of `a–z 0–9 -`, used in public URLs (`/column/{slug}`).
/// Upper case is folded; nothing else is rewritten, so what the editor sees
/// is what the URL will be.
pub fn parse_slug(input: &str) -> Result<String, Invalid> {
    let value = input.trim().to_ascii_lowercase();
    let ok = (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(value)
    } else {
        Err(Invalid::one("slug", "column.error.slug_format"))
    }
}

/// Days within which the owning section is expected to publish (0: no
/// expectation); the compliance check reports columns left longer.
pub fn parse_update_period(input: &str) -> Result<i64, Invalid> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(0);
    }
    match text.parse::<i64>() {
        Ok(days) if (0..=365).contains(&days) => Ok(days),
        _ => Err(Invalid::one(
            "update_period_days",
            "column.error.update_period",
        )),
    }
}

/// The target of an external link: an absolute http(s) URL with a host.
/// It is checked for form only; the server never fetches it.
pub fn parse_external_url(input: &str) -> Result<String, Invalid> {
    let invalid = || Invalid::one("external_url", "column.error.url");
    let value = input.trim();
    if value.is_empty() {
        return Err(Invalid::one("external_url", "column.error.url_required"));
    }
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    let host_ok = !host.is_empty()
        && !host.starts_with(':')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let clean = value.len() <= 500 && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if host_ok && clean {
        Ok(value.to_owned())
    } else {
        Err(invalid())
    }
}

/// A short description shown under the column title, up to 200 characters.
pub fn parse_description(input: &str) -> Result<String, Invalid> {
    if input.trim().is_empty() {
        return Ok(String::new());
    }
    bounded_text(input, "description", 200, "error.text.too_long")
}

/// A column's place among the homepage blocks: empty or 0 for none, else
/// 1..=99 (blocks show in ascending order).
pub fn parse_home_order(input: &str) -> Result<i64, Invalid> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(0);
    }
    match text.parse::<i64>() {
        Ok(order) if (0..=99).contains(&order) => Ok(order),
        _ => Err(Invalid::one("home_order", "column.error.home_order")),
    }
}

/// A column's place in the tree: all the tree rules need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub id: ColumnId,
    pub parent: Option<ColumnId>,
    pub sort_order: i64,
}

/// Why a column cannot go where it was asked to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlaceRefusal {
    #[error("a column cannot be its own parent")]
    UnderItself,
    #[error("a column cannot move under one of its own sub-columns")]
    UnderDescendant,
    #[error("the tree may be at most three levels deep")]
    TooDeep,
    #[error("the parent column does not exist")]
    NoSuchParent,
}

impl PlaceRefusal {
    /// Message-catalog key for the refusal.
    pub fn code(self) -> &'static str {
        match self {
            PlaceRefusal::UnderItself => "column.error.under_itself",
            PlaceRefusal::UnderDescendant => "column.error.under_descendant",
            PlaceRefusal::TooDeep => "column.error.too_deep",
            PlaceRefusal::NoSuchParent => "column.error.no_parent",
        }
    }
}

fn parent_of(tree: &[Node], id: ColumnId) -> Option<ColumnId> {
    tree.iter().find(|n| n.id == id).and_then(|n| n.parent)
}

/// Depth of a column: 1 for a main column. The walk is bounded by the tree
/// size, so stored data with a cycle cannot hang it.
pub fn depth(tree: &[Node], id: ColumnId) -> usize {
    let mut depth = 1;
    let mut current = parent_of(tree, id);
    while let Some(parent) = current {
        depth += 1;
        if depth > tree.len() {
            break;
        }
        current = parent_of(tree, parent);
    }
    depth
}

/// The direct sub-columns of `parent` (`None`: main columns) in display
/// order: by sort order, then by creation (id), so equal orders are stable.
pub fn children(tree: &[Node], parent: Option<ColumnId>) -> Vec<Node> {
    let mut kids: Vec<Node> = tree
        .iter()
        .filter(|n| n.parent == parent)
        .copied()
        .collect();
    kids.sort_by_key(|n| (n.sort_order, n.id));
    kids
}

/// Levels in the subtree rooted at `id`: 1 for a column with no
/// sub-columns.
pub fn height(tree: &[Node], id: ColumnId) -> usize {
    height_within(tree, id, tree.len())
}

fn height_within(tree: &[Node], id: ColumnId, budget: usize) -> usize {
    if budget == 0 {
        return 1;
    }
    1 + children(tree, Some(id))
        .iter()
        .map(|c| height_within(tree, c.id, budget - 1))
        .max()
        .unwrap_or(0)
}

/// True when `candidate` lies inside the subtree of `root` (not `root`).
pub fn is_descendant(tree: &[Node], root: ColumnId, candidate: ColumnId) -> bool {
    let mut current = parent_of(tree, candidate);
    let mut steps = 0;
    while let Some(parent) = current {
        if parent == root {
            return true;
        }
        steps += 1;
        if steps > tree.len() {
            return false;
        }
        current = parent_of(tree, parent);
    }
    false
}

/// Whether a new column may be created under `parent`.
pub fn check_create(tree: &[Node], parent: Option<ColumnId>) -> Result<(), PlaceRefusal> {
    let Some(parent) = parent else { return Ok(()) };
    if !tree.iter().any(|n| n.id == parent) {
        return Err(PlaceRefusal::NoSuchParent);
    }
    if depth(tree, parent) + 1 > MAX_DEPTH {
        return Err(PlaceRefusal::TooDeep);
    }
    Ok(())
}

/// Whether column `id` (with its whole subtree) may move under `parent`.
pub fn check_move(
    tree: &[Node],
    id: ColumnId,
    parent: Option<ColumnId>,
) -> Result<(), PlaceRefusal> {
    let Some(parent) = parent else {
        return if height(tree, id) > MAX_DEPTH {
            Err(PlaceRefusal::TooDeep)
        } else {
            Ok(())
        };
    };
    if parent == id {
        return Err(PlaceRefusal::UnderItself);
    }
    if !tree.iter().any(|n| n.id == parent) {
        return Err(PlaceRefusal::NoSuchParent);
    }
    if is_descendant(tree, id, parent) {
        return Err(PlaceRefusal::UnderDescendant);
    }
    if depth(tree, parent) + height(tree, id) > MAX_DEPTH {
        return Err(PlaceRefusal::TooDeep);
    }
    Ok(())
}

/// Which way a column moves among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Gap between consecutive sort orders after renumbering, so an editor can
/// still slot a column in between by typing an order.
pub const SORT_STEP: i64 = 10;

/// New sort orders for the siblings of `id` after moving it one place up or
/// down: every sibling is renumbered 10, 20, 30 … in the resulting order so
/// ties left by earlier edits disappear. `None` when it cannot move (first
/// going up, last going down, or unknown).
pub fn reorder(tree: &[Node], id: ColumnId, direction: Direction) -> Option<Vec<(ColumnId, i64)>> {
    let node = tree.iter().find(|n| n.id == id)?;
    let mut order: Vec<ColumnId> = children(tree, node.parent).iter().map(|n| n.id).collect();
    let at = order.iter().position(|c| *c == id)?;
    let other = match direction {
        Direction::Up => at.checked_sub(1)?,
        Direction::Down => Some(at + 1).filter(|i| *i < order.len())?,
    };
    order.swap(at, other);
    Some(renumber(&order))
}

/// Sort orders 10, 20, 30 … for columns in the given order.
pub fn renumber(order: &[ColumnId]) -> Vec<(ColumnId, i64)> {
    (1..)
        .zip(order)
        .map(|(i, id)| (*id, i * SORT_STEP))
        .collect()
}

/// The sort order that puts a new column last among `parent`'s children.
pub fn next_sort_order(tree: &[Node], parent: Option<ColumnId>) -> i64 {
    children(tree, parent)
        .last()
        .map_or(SORT_STEP, |n| n.sort_order.saturating_add(SORT_STEP))
}

/// The whole tree in display order (depth first, siblings by sort order),
/// each column with its depth (1 for a main column).
pub fn display_order(tree: &[Node]) -> Vec<(ColumnId, usize)> {
    let mut out = Vec::with_capacity(tree.len());
    let mut stack: Vec<(ColumnId, usize)> = children(tree, None)
        .iter()
        .rev()
        .map(|n| (n.id, 1))
        .collect();
    while let Some((id, depth)) = stack.pop() {
        // A cycle in stored data would repeat forever; stop at the tree size.
        if out.len() >= tree.len() {
            break;
        }
        out.push((id, depth));
        stack.extend(
            children(tree, Some(id))
                .iter()
                .rev()
                .map(|n| (n.id, depth + 1)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: i64, parent: Option<i64>, sort_order: i64) -> Node {
        Node {
            id: ColumnId(id),
            parent: parent.map(ColumnId),
            sort_order,
        }
    }

    /// 1 ─ 2 ─ 3 (three levels), 4 alone, 5 ─ 6.
    fn sample() -> Vec<Node> {
        vec![
            node(1, None, 10),
            node(2, Some(1), 10),
            node(3, Some(2), 10),
            node(4, None, 20),
            node(5, None, 30),
            node(6, Some(5), 10),
        ]
    }

    #[test]
    fn slugs() {
        assert_eq!(
            parse_slug(" DangJian-DongTai ").unwrap(),
            "dangjian-dongtai"
        );
        assert_eq!(parse_slug("a").unwrap(), "a");
        assert!(parse_slug("").is_err());
        assert!(parse_slug("党建").is_err());
        assert!(parse_slug("with space").is_err());
        assert!(parse_slug("under_score").is_err());
        assert!(parse_slug(&"a".repeat(65)).is_err());
        assert_eq!(parse_slug(&"a".repeat(64)).unwrap().len(), 64);
    }

    #[test]
    fn names_periods_and_descriptions() {
        assert_eq!(parse_column_name(" 党建动态 ").unwrap(), "党建动态");
        assert!(parse_column_name(" ").is_err());
        assert!(parse_column_name(&"栏".repeat(31)).is_err());
        assert!(parse_column_name(&"栏".repeat(30)).is_ok());
        assert_eq!(parse_update_period("").unwrap(), 0);
        assert_eq!(parse_update_period("365").unwrap(), 365);
        assert!(parse_update_period("366").is_err());
        assert!(parse_update_period("-1").is_err());
        assert!(parse_update_period("七").is_err());
        assert_eq!(parse_description("  ").unwrap(), "");
        assert!(parse_description(&"字".repeat(201)).is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in ColumnKind::ALL {
            assert_eq!(ColumnKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(ColumnKind::from_code("blog"), None);
        assert!(ColumnKind::ExternalLink.needs_url());
        assert!(!ColumnKind::SinglePage.needs_url());
    }

    #[test]
    fn external_urls() {
        assert!(parse_external_url("https://www.12371.cn/").is_ok());
        assert!(parse_external_url("http://10.0.0.1:8080/a?b=c").is_ok());
        assert!(parse_external_url("HTTPS://Example.ORG").is_ok());
        for bad in [
            "",
            "www.12371.cn",
            "javascript:alert(1)",
            "ftp://example.org",
            "https://",
            "https:///path",
            "https://exa mple.org",
            "https://<script>",
        ] {
            assert!(parse_external_url(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            parse_external_url("").unwrap_err().code_for("external_url"),
            Some("column.error.url_required")
        );
    }

    #[test]
    fn depth_height_and_descendants() {
        let tree = sample();
        assert_eq!(depth(&tree, ColumnId(1)), 1);
        assert_eq!(depth(&tree, ColumnId(3)), 3);
        assert_eq!(height(&tree, ColumnId(1)), 3);
        assert_eq!(height(&tree, ColumnId(4)), 1);
        assert!(is_descendant(&tree, ColumnId(1), ColumnId(3)));
        assert!(!is_descendant(&tree, ColumnId(3), ColumnId(1)));
        assert!(!is_descendant(&tree, ColumnId(1), ColumnId(1)));
    }

    #[test]
    fn creation_is_limited_to_three_levels() {
        let tree = sample();
        assert_eq!(check_create(&tree, None), Ok(()));
        assert_eq!(check_create(&tree, Some(ColumnId(2))), Ok(()));
        assert_eq!(
            check_create(&tree, Some(ColumnId(3))),
            Err(PlaceRefusal::TooDeep)
        );
        assert_eq!(
            check_create(&tree, Some(ColumnId(99))),
            Err(PlaceRefusal::NoSuchParent)
        );
    }

    #[test]
    fn moves() {
        let tree = sample();
        let id = ColumnId;
        assert_eq!(
            check_move(&tree, id(1), Some(id(1))),
            Err(PlaceRefusal::UnderItself)
        );
        assert_eq!(
            check_move(&tree, id(1), Some(id(3))),
            Err(PlaceRefusal::UnderDescendant)
        );
        // 5 ─ 6 under 2 would put 6 on a fourth level.
        assert_eq!(
            check_move(&tree, id(5), Some(id(2))),
            Err(PlaceRefusal::TooDeep)
        );
        assert_eq!(check_move(&tree, id(5), Some(id(4))), Ok(()));
        assert_eq!(check_move(&tree, id(4), Some(id(2))), Ok(()));
        assert_eq!(check_move(&tree, id(3), None), Ok(()));
        assert_eq!(
            check_move(&tree, id(2), Some(id(77))),
            Err(PlaceRefusal::NoSuchParent)
        );
    }

    #[test]
    fn reordering_is_stable_and_renumbers() {
        // 4 and 5 share an order: creation (id) decides, then renumbering
        // removes the tie.
        let mut tree = sample();
        tree[4].sort_order = 20;
        let up = reorder(&tree, ColumnId(5), Direction::Up).unwrap();
        assert_eq!(
            up,
            vec![(ColumnId(1), 10), (ColumnId(5), 20), (ColumnId(4), 30)]
        );
        assert_eq!(reorder(&tree, ColumnId(1), Direction::Up), None);
        assert_eq!(reorder(&tree, ColumnId(5), Direction::Down), None);
        assert_eq!(reorder(&tree, ColumnId(3), Direction::Down), None);
        assert_eq!(next_sort_order(&tree, None), 30);
        assert_eq!(next_sort_order(&tree, Some(ColumnId(4))), SORT_STEP);
    }

    #[test]
    fn display_order_is_depth_first() {
        let tree = sample();
        let order: Vec<(i64, usize)> = display_order(&tree)
            .into_iter()
            .map(|(id, d)| (id.0, d))
            .collect();
        assert_eq!(order, vec![(1, 1), (2, 2), (3, 3), (4, 1), (5, 1), (6, 2)]);
        // A cycle in stored data ends the walk instead of hanging.
        let cyclic = vec![node(1, Some(2), 0), node(2, Some(1), 0)];
        assert!(display_order(&cyclic).is_empty());
        assert!(depth(&cyclic, ColumnId(1)) <= 3);
    }
}
