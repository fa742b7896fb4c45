//! WCAG 2.1 AA contrast of the portal's text colours, read from the
//! stylesheet itself: every text/background pair the portal uses must keep
//! 4.5:1, in the normal and the care mode (关怀版), and so must every brand
//! colour the site settings accept (checked where it is parsed).

use std::collections::BTreeMap;

use dangjian_app::domain::colour::{MIN_CONTRAST, Rgb, contrast};

const CSS: &str = include_str!("../assets/portal.css");

/// `--name: #hex;` declarations inside the block opened by `selector {`.
fn variables(selector: &str) -> BTreeMap<String, Rgb> {
    let start = CSS
        .find(&format!("{selector} {{"))
        .unwrap_or_else(|| panic!("no {selector} block"));
    let block = &CSS[start..start + CSS[start..].find('}').expect("block end")];
    let block = without_comments(block);
    block
        .split([';', '{'])
        .filter_map(|decl| {
            let (name, value) = decl.split_once(':')?;
            let name = name.trim();
            let value = value.trim();
            let colour = Rgb::parse_hex(&expand(value))?;
            name.starts_with("--").then(|| (name.to_owned(), colour))
        })
        .collect()
}

fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// `#fff` → `#ffffff`.
fn expand(value: &str) -> String {
    match value.strip_prefix('#') {
        Some(short) if short.len() == 3 => {
            let doubled: String = short.chars().flat_map(|c| [c, c]).collect();
            format!("#{doubled}")
        }
        _ => value.to_owned(),
    }
}

fn literal(hex: &str) -> Rgb {
    assert!(CSS.contains(hex), "the stylesheet no longer uses {hex}");
    Rgb::parse_hex(&expand(hex)).expect("a colour")
}

#[test]
fn every_text_colour_pair_keeps_aa_contrast() {
    let normal = variables(":root");
    let mut care = normal.clone();
    care.extend(variables("body.portal.care"));
    let white = literal("#fff");
    for (mode, vars) in [("normal", &normal), ("care", &care)] {
        let var = |name: &str| *vars.get(name).unwrap_or_else(|| panic!("{name} in {mode}"));
        let pairs = [
            ("body text", var("--ink"), var("--paper")),
            ("muted text", var("--muted"), var("--paper")),
            ("links", var("--red-dark"), var("--paper")),
            ("hovered links", var("--red"), var("--paper")),
            ("masthead", white, var("--red")),
            ("navigation", white, var("--red-dark")),
            ("footer", white, literal("#3a3a3a")),
            ("党政机关 label", white, literal("#c8161d")),
            ("text on the wash", var("--ink"), var("--wash")),
        ];
        for (what, fg, bg) in pairs {
            let ratio = contrast(fg, bg);
            assert!(ratio >= MIN_CONTRAST, "{mode} {what}: {ratio:.2}:1");
        }
    }
}

#[test]
fn the_care_mode_raises_contrast() {
    let normal = variables(":root");
    let care = variables("body.portal.care");
    let white = Rgb(255, 255, 255);
    for name in ["--ink", "--muted", "--red"] {
        let (before, after) = (normal[name], care[name]);
        let on_white = |c| contrast(c, white);
        assert!(on_white(after) >= on_white(before), "{name}");
    }
}
