//! Reads the generated 公文 back and checks the GB/T 9704-2012 layout.

mod common;

use common::{
    W, alignment, attr, child, find, paragraph_containing, parse, run_containing, run_props, text,
    unzip,
};
use dangjian_officedoc::{
    Block, Cell, DocumentNumber, OfficeDocError, OfficialDocument, Table, official_docx,
};
use time::macros::date;

fn ranking() -> Table {
    Table {
        headers: vec![
            "排名".into(),
            "单位".into(),
            "报送条数".into(),
            "得分".into(),
        ],
        rows: vec![
            vec![
                Cell::Integer(1),
                Cell::from("昌宁镇党委"),
                Cell::Integer(42),
                Cell::Number(98.5),
            ],
            vec![
                Cell::Integer(2),
                Cell::from("县直机关工委"),
                Cell::Integer(37),
                Cell::Number(91.25),
            ],
        ],
    }
}

fn bulletin() -> OfficialDocument {
    OfficialDocument {
        issuer_mark: "中共乡宁县委组织部文件".into(),
        number: DocumentNumber {
            prefix: "乡组通".into(),
            year: 2026,
            seq: 3,
        },
        title: "关于2026年第三季度网络信息报送情况的通报".into(),
        recipients: "各乡镇党委，县直各党（工）委：".into(),
        body: vec![
            Block::Paragraph("为进一步做好网络信息报送工作，现将有关情况通报如下。".into()),
            Block::Heading1("一、总体情况".into()),
            Block::Paragraph("第三季度共报送信息312条。".into()),
            Block::Heading2("（一）报送数量".into()),
            Block::Table(ranking()),
            Block::Heading1("二、下一步工作".into()),
            Block::Paragraph("各单位要高度重视。\n要落实专人负责。".into()),
        ],
        signer: "中共乡宁县委组织部".into(),
        date: date!(2026 - 11 - 27),
        copy_to: Some("县委办公室，县政府办公室".into()),
        printer: "中共乡宁县委组织部办公室".into(),
        printed_on: date!(2026 - 11 - 27),
    }
}

fn parts_of(doc: &OfficialDocument) -> std::collections::BTreeMap<String, String> {
    unzip(&official_docx(doc).expect("document renders"))
}

#[test]
fn package_has_the_required_parts() {
    let parts = parts_of(&bulletin());
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/_rels/document.xml.rels",
    ] {
        assert!(
            parts.contains_key(name),
            "missing {name}: {:?}",
            parts.keys()
        );
    }
    let footers = parts
        .keys()
        .filter(|k| k.starts_with("word/footer"))
        .count();
    assert_eq!(footers, 2, "odd and even footers");
    assert!(parts["[Content_Types].xml"].contains("footer+xml"));
    assert!(parts["word/_rels/document.xml.rels"].contains("footer1.xml"));
    // Every XML part parses.
    for (name, xml) in parts
        .iter()
        .filter(|(n, _)| n.ends_with(".xml") || n.ends_with(".rels"))
    {
        roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn page_is_a4_with_standard_margins_and_22_by_28_grid() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let sect = find(doc.root(), "sectPr").expect("sectPr");
    let size = child(sect, "pgSz").unwrap();
    assert_eq!(attr(size, "w"), Some("11906"));
    assert_eq!(attr(size, "h"), Some("16838"));
    let margin = child(sect, "pgMar").unwrap();
    let twips = |name| attr(margin, name).unwrap().parse::<i32>().unwrap();
    assert_eq!(twips("top"), 2098); // 37 mm
    assert_eq!(twips("left"), 1587); // 28 mm
    assert_eq!(twips("bottom"), 1984); // 35 mm
    assert_eq!(twips("right"), 1474); // 26 mm
    let grid = child(sect, "docGrid").unwrap();
    assert_eq!(attr(grid, "type"), Some("linesAndChars"));
    let pitch: i32 = attr(grid, "linePitch").unwrap().parse().unwrap();
    assert_eq!(pitch, 579);
    assert_eq!((16838 - twips("top") - twips("bottom")) / pitch, 22);
    assert_eq!(attr(grid, "charSpace"), Some("-842"));
}

#[test]
fn issuer_mark_is_red_xiaobiaosong_and_centred() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let run = run_containing(&doc, "中共乡宁县委组织部文件");
    let props = run_props(run);
    assert_eq!(props.color.as_deref(), Some("FF0000"));
    assert_eq!(props.east_asia.as_deref(), Some("方正小标宋简体"));
    assert_eq!(props.ascii.as_deref(), Some("方正小标宋简体"));
    // 11 characters at 初号 are squeezed to fit the 156 mm 版心.
    assert_eq!(props.size.as_deref(), Some("84"));
    assert_eq!(props.scale.as_deref(), Some("91"));
    assert_eq!(alignment(run.parent().unwrap()).as_deref(), Some("center"));
}

#[test]
fn number_is_centred_fangsong_with_red_rule_below() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let p = paragraph_containing(&doc, "乡组通〔2026〕3号");
    assert_eq!(text(p), "乡组通〔2026〕3号");
    assert_eq!(alignment(p).as_deref(), Some("center"));
    let props = run_props(run_containing(&doc, "乡组通"));
    assert_eq!(props.east_asia.as_deref(), Some("仿宋_GB2312"));
    assert_eq!(props.size.as_deref(), Some("32"));
    let borders = find(p, "pBdr").expect("paragraph borders");
    for side in ["top", "left", "right"] {
        assert!(
            child(borders, side).is_none(),
            "only a bottom rule, not a {side} one"
        );
    }
    let bottom = child(borders, "bottom").expect("red rule");
    assert_eq!(attr(bottom, "color"), Some("FF0000"));
    assert_eq!(attr(bottom, "val"), Some("single"));
}

#[test]
fn title_is_erhao_xiaobiaosong_centred() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let run = run_containing(&doc, "网络信息报送情况的通报");
    let props = run_props(run);
    assert_eq!(props.size.as_deref(), Some("44"));
    assert_eq!(props.east_asia.as_deref(), Some("方正小标宋简体"));
    assert_eq!(alignment(run.parent().unwrap()).as_deref(), Some("center"));
}

#[test]
fn body_is_sanhao_fangsong_indented_on_exact_lines() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let p = paragraph_containing(&doc, "第三季度共报送信息312条。");
    let props = run_props(run_containing(&doc, "第三季度共报送信息"));
    assert_eq!(props.size.as_deref(), Some("32"));
    assert_eq!(props.east_asia.as_deref(), Some("仿宋_GB2312"));
    let ppr = child(p, "pPr").unwrap();
    assert_eq!(
        child(ppr, "ind").and_then(|i| attr(i, "firstLine")),
        Some("632")
    );
    let spacing = child(ppr, "spacing").unwrap();
    assert_eq!(attr(spacing, "line"), Some("579"));
    assert_eq!(attr(spacing, "lineRule"), Some("exact"));
    // A newline inside a Block::Paragraph yields two natural paragraphs.
    assert_eq!(
        text(paragraph_containing(&doc, "各单位要高度重视")),
        "各单位要高度重视。"
    );
    assert_eq!(
        text(paragraph_containing(&doc, "要落实专人负责")),
        "要落实专人负责。"
    );
}

#[test]
fn headings_use_heiti_and_kaiti() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let h1 = run_props(run_containing(&doc, "一、总体情况"));
    assert_eq!(h1.east_asia.as_deref(), Some("黑体"));
    assert_eq!(h1.size.as_deref(), Some("32"));
    let h2 = run_props(run_containing(&doc, "（一）报送数量"));
    assert_eq!(h2.east_asia.as_deref(), Some("楷体_GB2312"));
    let outline = |needle| {
        let p = paragraph_containing(&doc, needle);
        find(p, "outlineLvl")
            .and_then(|o| attr(o, "val"))
            .map(str::to_owned)
    };
    assert_eq!(outline("一、总体情况").as_deref(), Some("0"));
    assert_eq!(outline("（一）报送数量").as_deref(), Some("1"));
}

#[test]
fn recipients_are_flush_left() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let p = paragraph_containing(&doc, "各乡镇党委，县直各党（工）委：");
    assert!(find(p, "ind").is_none(), "主送机关 must not be indented");
}

#[test]
fn signer_and_arabic_date_are_right_aligned() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let date = paragraph_containing(&doc, "2026年11月27日");
    assert_eq!(text(date), "2026年11月27日");
    assert_eq!(alignment(date).as_deref(), Some("right"));
    let paragraphs: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .collect();
    let signer = paragraphs
        .iter()
        .find(|p| text(**p) == "中共乡宁县委组织部")
        .expect("signer paragraph");
    assert_eq!(alignment(*signer).as_deref(), Some("right"));
    // Both end two characters from the right edge.
    let right = |p| {
        find(p, "ind")
            .and_then(|i| attr(i, "right"))
            .map(str::to_owned)
    };
    assert_eq!(right(*signer).as_deref(), Some("632"));
    assert_eq!(right(date).as_deref(), Some("632"));
}

#[test]
fn imprint_has_copy_to_and_printer_between_rules_at_page_bottom() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let copy = paragraph_containing(&doc, "抄送：");
    assert_eq!(text(copy), "抄送：县委办公室，县政府办公室。");
    assert_eq!(
        run_props(run_containing(&doc, "抄送")).size.as_deref(),
        Some("28")
    );
    let printed = paragraph_containing(&doc, "2026年11月27日印发");
    assert_eq!(text(printed), "中共乡宁县委组织部办公室2026年11月27日印发");
    assert!(
        find(printed, "tab").is_some(),
        "printer and date split by a tab"
    );
    let table = printed
        .ancestors()
        .find(|n| n.has_tag_name((W, "tbl")))
        .expect("版记 is a table");
    let position = find(table, "tblpPr").expect("floating");
    assert_eq!(attr(position, "tblpYSpec"), Some("bottom"));
    assert_eq!(attr(position, "vertAnchor"), Some("margin"));
    let borders = find(table, "tblBorders").unwrap();
    let size = |side| {
        child(borders, side)
            .and_then(|b| attr(b, "sz"))
            .map(str::to_owned)
    };
    assert_eq!(size("top").as_deref(), Some("8"));
    assert_eq!(size("bottom").as_deref(), Some("8"));
    assert_eq!(size("insideH").as_deref(), Some("6"));
}

#[test]
fn imprint_without_copy_to_has_only_the_printer_row() {
    let doc = OfficialDocument {
        copy_to: None,
        ..bulletin()
    };
    let parts = parts_of(&doc);
    assert!(!parts["word/document.xml"].contains("抄送"));
    assert!(parts["word/document.xml"].contains("印发"));
}

#[test]
fn body_table_is_bordered_with_bold_header() {
    let parts = parts_of(&bulletin());
    let doc = parse(&parts["word/document.xml"]);
    let header = run_containing(&doc, "报送条数");
    assert!(run_props(header).bold);
    let score = run_props(run_containing(&doc, "91.25"));
    assert!(!score.bold);
    assert_eq!(score.east_asia.as_deref(), Some("仿宋_GB2312"));
    let table = header
        .ancestors()
        .find(|n| n.has_tag_name((W, "tbl")))
        .unwrap();
    let borders = find(table, "tblBorders").unwrap();
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let b = child(borders, side).unwrap_or_else(|| panic!("{side}"));
        assert_eq!(attr(b, "val"), Some("single"), "{side}");
    }
    let widths: i32 = find(table, "tblGrid")
        .unwrap()
        .children()
        .filter_map(|c| attr(c, "w"))
        .map(|w| w.parse::<i32>().unwrap())
        .sum();
    assert_eq!(widths, 8845, "table spans the 版心");
}

#[test]
fn footers_show_dashed_page_numbers_in_songti() {
    let parts = parts_of(&bulletin());
    assert!(parts["word/settings.xml"].contains("evenAndOddHeaders"));
    let footer = parse(&parts["word/footer1.xml"]);
    let instr = footer
        .descendants()
        .find(|n| n.has_tag_name((W, "instrText")))
        .and_then(|n| n.text())
        .unwrap();
    assert_eq!(instr.trim(), "PAGE");
    let p = find(footer.root(), "p").unwrap();
    assert_eq!(text(p), "— 1 —");
    let props = run_props(run_containing(&footer, "—"));
    assert_eq!(props.east_asia.as_deref(), Some("宋体"));
    assert_eq!(props.size.as_deref(), Some("28"));
    let aligns: Vec<_> = ["word/footer1.xml", "word/footer2.xml"]
        .iter()
        .map(|name| alignment(find(parse(&parts[*name]).root(), "p").unwrap()))
        .collect();
    assert!(aligns.contains(&Some("right".into())) && aligns.contains(&Some("left".into())));
}

#[test]
fn styles_default_to_sanhao_fangsong() {
    let parts = parts_of(&bulletin());
    let styles = parse(&parts["word/styles.xml"]);
    let defaults = find(styles.root(), "rPrDefault").expect("docDefaults");
    let fonts = find(defaults, "rFonts").unwrap();
    assert_eq!(attr(fonts, "eastAsia"), Some("仿宋_GB2312"));
    assert_eq!(
        find(defaults, "sz").and_then(|s| attr(s, "val")),
        Some("32")
    );
}

#[test]
fn special_characters_round_trip_escaped() {
    let doc = OfficialDocument {
        title: "关于“<&>”类信息的通报\n（第二期）".into(),
        body: vec![Block::Paragraph(
            "a < b && c > d，引号\"'与\u{1}控制符".into(),
        )],
        ..bulletin()
    };
    let parts = parts_of(&doc);
    let xml = &parts["word/document.xml"];
    assert!(xml.contains("&lt;&amp;&gt;"), "escaped in the raw XML");
    let parsed = parse(xml);
    let title = paragraph_containing(&parsed, "类信息的通报");
    assert_eq!(text(title), "关于“<&>”类信息的通报（第二期）");
    assert!(
        find(title, "br").is_some(),
        "a newline starts a second title line"
    );
    // The control character is dropped rather than making the file unreadable.
    assert_eq!(
        text(paragraph_containing(&parsed, "a < b")),
        "a < b && c > d，引号\"'与控制符"
    );
}

#[test]
fn blank_required_fields_and_bad_tables_are_rejected() {
    let empty_title = OfficialDocument {
        title: "  ".into(),
        ..bulletin()
    };
    assert!(matches!(
        official_docx(&empty_title),
        Err(OfficeDocError::EmptyField("title"))
    ));
    let mut ragged = ranking();
    ragged.rows[1].pop();
    let doc = OfficialDocument {
        body: vec![Block::Table(ragged)],
        ..bulletin()
    };
    assert!(matches!(
        official_docx(&doc),
        Err(OfficeDocError::RaggedRow {
            row: 1,
            expected: 4,
            found: 3
        })
    ));
}
