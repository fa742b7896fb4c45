//! The article body sanitiser: the one guard between HTML written in the
//! editor (or pasted from Word/WPS, or sent to the API) and the pages that
//! show it. An allow-list, never a deny-list: what is not named here goes.
//!
//! Kept: paragraphs and line breaks, h2–h4, bold/italic/underline/strike,
//! sub/sup, block quotes, lists, tables (colspan/rowspan), links (http, https,
//! mailto and relative; `rel="noopener noreferrer"` added), images and videos
//! from our own `/media/` only, figures, rules, and a `style` attribute rebuilt
//! from two properties (`text-align`, `text-indent` for the 2em first-line
//! indent). The editor's CSP-friendly class tokens for the same two
//! properties (`w-e-text-align-…`, `w-e-indent-…`) are kept too.
//!
//! Removed with their content: script, style, iframe, object, embed, svg,
//! math, template and the like. Unwrapped (text kept): font, `<o:p>` and
//! every other tag not listed. Comments (and so Word's conditional comments)
//! are dropped; so are every event handler, class (but the tokens above),
//! id, and any URL that is not http/https/mailto or relative.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

/// A body made safe to store and show, with the facts the article use cases
/// need from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SanitizedBody {
    /// The clean HTML.
    pub html: String,
    /// Every image, in order (all are `/media/…` URLs: others are removed).
    pub images: Vec<BodyImage>,
    /// Every video source (`/media/…`), in order.
    pub videos: Vec<String>,
    /// The text a reader sees, one line per block, for summaries and search.
    pub text: String,
}

/// An image in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyImage {
    pub url: String,
    pub alt: String,
    /// Whether the alt text says anything (publishing requires it).
    pub has_alt: bool,
}

impl SanitizedBody {
    /// URLs of the images whose alt text is missing or blank.
    pub fn images_without_alt(&self) -> Vec<&str> {
        self.images
            .iter()
            .filter(|i| !i.has_alt)
            .map(|i| i.url.as_str())
            .collect()
    }
}

/// Cleans an article body. Never fails: what cannot be kept is dropped.
pub fn sanitize_body(html: &str) -> SanitizedBody {
    let clean = BUILDER.clean(html).to_string();
    let facts = scan(&clean);
    SanitizedBody {
        html: clean,
        images: facts.images,
        videos: facts.videos,
        text: facts.text,
    }
}

/// The path prefix of our own media.
const MEDIA_PREFIX: &str = "/media/";

/// Tags that may carry the rebuilt `style` and the editor's class tokens.
const STYLED: &[&str] = &[
    "p",
    "span",
    "h2",
    "h3",
    "h4",
    "li",
    "td",
    "th",
    "blockquote",
    "div",
];

/// The editor's class tokens (wangEditor-next `textStyleMode: 'class'`),
/// each naming one value: `w-e-text-align-<hash(value)>`. Public pages get
/// the matching rules from our own stylesheet.
const CLASS_TOKENS: &[&str] = &[
    "w-e-text-align-g1w4xb", // left
    "w-e-text-align-8k65m7", // center
    "w-e-text-align-i96wy",  // right
    "w-e-text-align-klzjuo", // justify
    "w-e-indent-d1l1vd",     // 2em
];

static BUILDER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
        "img",
        "figure",
        "figcaption",
        "video",
        "source",
        "span",
        "hr",
        // Blocks from pasted web pages and the editor's video wrapper;
        // unwrapping them would run paragraphs together.
        "div",
    ]
    .into();
    let clean_content: HashSet<&str> = [
        "script", "style", "iframe", "frame", "frameset", "noframes", "noembed", "noscript",
        "object", "embed", "applet", "svg", "math", "template", "xml", "title", "head", "textarea",
        "select", "canvas", "audio",
    ]
    .into();
    let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::from([
        ("a", HashSet::from(["href", "title"])),
        ("img", HashSet::from(["src", "alt", "width", "height"])),
        ("video", HashSet::from(["src", "poster", "width", "height"])),
        ("source", HashSet::from(["src"])),
        ("td", HashSet::from(["colspan", "rowspan"])),
        ("th", HashSet::from(["colspan", "rowspan"])),
    ]);
    for tag in STYLED {
        attributes.entry(tag).or_default().insert("style");
    }
    let mut values: HashMap<&str, HashMap<&str, HashSet<&str>>> = HashMap::from([
        ("a", HashMap::from([("target", HashSet::from(["_blank"]))])),
        (
            "source",
            HashMap::from([(
                "type",
                HashSet::from(["video/mp4", "video/webm", "video/ogg"]),
            )]),
        ),
    ]);
    for tag in STYLED {
        let entry = values.entry(tag).or_default();
        entry.insert(
            "data-w-e-text-align",
            HashSet::from(["left", "center", "right", "justify"]),
        );
        entry.insert("data-w-e-indent", HashSet::from(["2em"]));
    }
    values.entry("div").or_default().extend([
        ("data-w-e-type", HashSet::from(["video"])),
        ("data-w-e-is-void", HashSet::from(["", "true"])),
    ]);
    let classes: HashMap<&str, HashSet<&str>> = STYLED
        .iter()
        .map(|tag| (*tag, CLASS_TOKENS.iter().copied().collect()))
        .collect();
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(clean_content)
        .tag_attributes(attributes)
        .tag_attribute_values(values)
        .set_tag_attribute_value("video", "controls", "controls")
        .generic_attributes(HashSet::new())
        .allowed_classes(classes)
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    builder
});

/// Second look at every attribute ammonia kept: values are checked (and the
/// style rebuilt) here.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let keep = |ok: bool| ok.then_some(Cow::Borrowed(value));
    match (element, attribute) {
        (_, "style") => rebuild_style(value).map(Cow::Owned),
        // Filtered again by ammonia; dropping it here avoids `class=""`.
        (_, "class") => {
            let tokens: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|t| CLASS_TOKENS.contains(t))
                .collect();
            (!tokens.is_empty()).then(|| Cow::Owned(tokens.join(" ")))
        }
        ("img" | "video" | "source", "src") | ("video", "poster") => keep(is_own_media(value)),
        ("a", "href") => keep(is_safe_href(value)),
        ("img" | "video", "width" | "height") => keep(is_dimension(value)),
        ("td" | "th", "colspan" | "rowspan") => keep(is_span(value)),
        _ => Some(Cow::Borrowed(value)),
    }
}

/// Only our own media: a root-relative path under `/media/`, nothing that a
/// browser could read as another host, scheme or parent folder.
fn is_own_media(value: &str) -> bool {
    value.len() <= 1024
        && value.starts_with(MEDIA_PREFIX)
        && !value.contains("..")
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// http, https, mailto, or a relative reference. Ammonia has already checked
/// the scheme; this looks again the way a lenient browser would, with
/// whitespace and control characters removed.
fn is_safe_href(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = squeezed.find(':');
    let path_start = squeezed.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(path)) if path < colon => true,
        (Some(_), _) => ["http:", "https:", "mailto:"]
            .iter()
            .any(|s| squeezed.starts_with(s)),
        (None, _) => true,
    }
}

fn is_dimension(value: &str) -> bool {
    let digits = value.strip_suffix('%').unwrap_or(value);
    (1..=4).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_span(value: &str) -> bool {
    (1..=3).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) && value != "0"
}

/// Rebuilds a `style` attribute from the declarations we allow; `None` when
/// nothing is left. Anything odd in a declaration (comments, escapes,
/// `url(`, `expression(`, `!important`, `mso-*`) drops that declaration.
fn rebuild_style(value: &str) -> Option<String> {
    let mut align = None;
    let mut indent = None;
    for declaration in value.split(';') {
        let Some((property, raw)) = declaration.split_once(':') else {
            continue;
        };
        let property = property.trim().to_ascii_lowercase();
        let raw = raw.trim().to_ascii_lowercase();
        match property.as_str() {
            "text-align" => {
                if let Some(v) = ["left", "center", "right", "justify"]
                    .into_iter()
                    .find(|v| *v == raw)
                {
                    align = Some(v);
                }
            }
            "text-indent" => {
                if let Some(v) = indent_value(&raw) {
                    indent = Some(v);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(a) = align {
        out.push(format!("text-align: {a}"));
    }
    if let Some(i) = indent {
        out.push(format!("text-indent: {i}"));
    }
    (!out.is_empty()).then(|| out.join("; "))
}

/// A first-line indent: a non-negative number in em, pt or px, not absurd
/// (a large indent could push text out of sight).
fn indent_value(raw: &str) -> Option<String> {
    let (number, unit, max) = if let Some(n) = raw.strip_suffix("em") {
        (n, "em", 8.0)
    } else if let Some(n) = raw.strip_suffix("pt") {
        (n, "pt", 96.0)
    } else if let Some(n) = raw.strip_suffix("px") {
        (n, "px", 128.0)
    } else {
        return None;
    };
    let plain = !number.is_empty()
        && number.len() <= 6
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|b| *b == b'.').count() <= 1;
    let parsed: f64 = number.parse().ok()?;
    (plain && (0.0..=max).contains(&parsed)).then(|| format!("{}{unit}", trim_number(number)))
}

/// "2.0" → "2", "21.00" → "21", "0.50" → "0.5".
fn trim_number(number: &str) -> &str {
    if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    }
}

/// What the scan of the clean HTML found.
struct Facts {
    images: Vec<BodyImage>,
    videos: Vec<String>,
    text: String,
}

/// Reads the sanitiser's own output, whose form is fixed by the serialiser:
/// no comments, no raw-text elements, attribute values always in double
/// quotes with `&` and `"` escaped, text with `&`, `<`, `>` and nbsp escaped.
fn scan(html: &str) -> Facts {
    let mut facts = Facts {
        images: Vec::new(),
        videos: Vec::new(),
        text: String::new(),
    };
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = tag_end(rest);
                tag(&rest[..end], &mut facts);
                rest = &rest[end..];
            }
            Some(start) => {
                facts.text.push_str(&unescape(&rest[..start]));
                rest = &rest[start..];
            }
            None => {
                facts.text.push_str(&unescape(rest));
                rest = "";
            }
        }
    }
    facts.text = tidy_text(&facts.text);
    facts
}

/// Length of the tag at the start of `s`: up to the first `>` outside
/// quotes (attribute values may hold `<` and `>` unescaped).
fn tag_end(s: &str) -> usize {
    let mut quoted = false;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn tag(raw: &str, facts: &mut Facts) {
    let inner = raw.trim_start_matches('<').trim_end_matches('>');
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/');
    let name_end = inner.find([' ', '/']).unwrap_or(inner.len());
    let name = &inner[..name_end];
    if matches!(
        name,
        "p" | "br"
            | "h2"
            | "h3"
            | "h4"
            | "li"
            | "tr"
            | "div"
            | "blockquote"
            | "figcaption"
            | "table"
            | "hr"
    ) {
        facts.text.push('\n');
    } else if matches!(name, "td" | "th") && !closing {
        facts.text.push(' ');
    }
    if closing {
        return;
    }
    let attrs = &inner[name_end..];
    match name {
        "img" => {
            if let Some(url) = attribute(attrs, "src") {
                let alt = attribute(attrs, "alt").unwrap_or_default();
                let has_alt = !alt.trim().is_empty();
                facts.images.push(BodyImage { url, alt, has_alt });
            }
        }
        "video" | "source" => facts.videos.extend(attribute(attrs, "src")),
        _ => {}
    }
}

/// The value of `name="…"` in a serialised attribute list.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = attrs.find(&needle)? + needle.len();
    let len = attrs[start..].find('"')?;
    Some(unescape(&attrs[start..start + len]))
}

fn unescape(s: &str) -> String {
    s.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Collapses runs of white space within lines and drops blank lines.
fn tidy_text(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests;
