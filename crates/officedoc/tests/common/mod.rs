//! Helpers to read generated OOXML packages back.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use roxmltree::{Document, Node};

/// WordprocessingML main namespace.
pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Every part of a ZIP package, by name, as text.
pub fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("valid zip");
    let mut parts = BTreeMap::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("zip entry");
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok() {
            let name = file.name().expect("UTF-8 entry name").into_owned();
            parts.insert(name, text);
        }
    }
    parts
}

pub fn parse(xml: &str) -> Document<'_> {
    Document::parse(xml).expect("well-formed XML")
}

/// A `w:` attribute.
pub fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

/// The first `w:` child element named `name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((W, name)))
}

/// The first `w:` descendant element named `name`.
pub fn find<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.descendants().find(|c| c.has_tag_name((W, name)))
}

/// Concatenated `w:t` text below `node`.
pub fn text(node: Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.has_tag_name((W, "t")))
        .filter_map(|n| n.text())
        .collect()
}

/// The first run whose text contains `needle`.
pub fn run_containing<'a, 'i>(doc: &'a Document<'i>, needle: &str) -> Node<'a, 'i> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "r")))
        .find(|r| text(*r).contains(needle))
        .unwrap_or_else(|| panic!("no run contains {needle:?}"))
}

/// The first paragraph whose text contains `needle`.
pub fn paragraph_containing<'a, 'i>(doc: &'a Document<'i>, needle: &str) -> Node<'a, 'i> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .find(|p| text(*p).contains(needle))
        .unwrap_or_else(|| panic!("no paragraph contains {needle:?}"))
}

/// A run's (or paragraph's) formatting that the tests check.
#[derive(Debug, Default)]
pub struct Props {
    pub east_asia: Option<String>,
    pub ascii: Option<String>,
    pub size: Option<String>,
    pub color: Option<String>,
    pub bold: bool,
    pub scale: Option<String>,
}

/// Formatting from the `w:rPr` directly under `node` (a run).
pub fn run_props(run: Node<'_, '_>) -> Props {
    let Some(rpr) = child(run, "rPr") else {
        return Props::default();
    };
    let val = |name: &str| {
        child(rpr, name)
            .and_then(|n| attr(n, "val"))
            .map(str::to_owned)
    };
    let fonts = child(rpr, "rFonts");
    Props {
        east_asia: fonts.and_then(|f| attr(f, "eastAsia")).map(str::to_owned),
        ascii: fonts.and_then(|f| attr(f, "ascii")).map(str::to_owned),
        size: val("sz"),
        color: val("color"),
        bold: child(rpr, "b").is_some(),
        scale: val("w"),
    }
}

/// The `w:pPr/w:jc` value of a paragraph.
pub fn alignment(p: Node<'_, '_>) -> Option<String> {
    child(p, "pPr")
        .and_then(|ppr| child(ppr, "jc"))
        .and_then(|jc| attr(jc, "val"))
        .map(str::to_owned)
}
