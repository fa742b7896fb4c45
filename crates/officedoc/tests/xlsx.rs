//! Reads the generated ranking workbook back with calamine.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use dangjian_officedoc::{Cell, OfficeDocError, Table, table_xlsx};

const SHEET: &str = "2026年第三季度";
const TITLE: &str = "2026年第三季度网络信息报送情况排名";

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
                Cell::from("昌宁镇党委<&>"),
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

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("valid xlsx")
}

#[test]
fn title_headers_text_and_numbers_read_back() {
    let mut book = workbook(table_xlsx(SHEET, TITLE, &ranking()).unwrap());
    assert_eq!(book.sheet_names(), vec![SHEET.to_owned()]);
    let range = book.worksheet_range(SHEET).unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String(TITLE.into())));
    let headers: Vec<_> = (0..4).map(|c| range.get_value((1, c)).cloned()).collect();
    assert_eq!(
        headers,
        ["排名", "单位", "报送条数", "得分"].map(|h| Some(Data::String(h.into())))
    );
    assert_eq!(
        range.get_value((2, 1)),
        Some(&Data::String("昌宁镇党委<&>".into()))
    );
    assert_eq!(range.get_value((2, 3)), Some(&Data::Float(98.5)));
    assert_eq!(range.get_value((3, 2)), Some(&Data::Float(37.0)));
}

#[test]
fn title_is_merged_across_and_header_is_bold() {
    let mut book = workbook(table_xlsx(SHEET, TITLE, &ranking()).unwrap());
    let merged = book.merge_cells_by_sheet_name(SHEET).unwrap();
    assert_eq!(merged.len(), 1);
    assert_eq!((merged[0].start, merged[0].end), ((0, 0), (0, 3)));
    let styles = book.worksheet_style(SHEET).unwrap();
    let bold = |pos| {
        styles
            .get(pos)
            .and_then(|s| s.font.as_ref())
            .is_some_and(|f| f.is_bold())
    };
    assert!(bold((1, 0)), "header bold");
    assert!(!bold((2, 1)), "data not bold");
}

#[test]
fn columns_are_wide_enough_for_chinese() {
    let parts = common::unzip(&table_xlsx(SHEET, TITLE, &ranking()).unwrap());
    let sheet = common::parse(&parts["xl/worksheets/sheet1.xml"]);
    let widths: Vec<f64> = sheet
        .descendants()
        .filter(|n| n.has_tag_name("col"))
        .map(|c| c.attribute("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(widths.len(), 4);
    // "昌宁镇党委<&>" is 5 Chinese + 3 Latin characters: at least 13 units.
    assert!(widths[1] >= 13.0, "{widths:?}");
    assert!(widths.iter().all(|w| *w >= 8.0));
}

#[test]
fn invalid_input_is_rejected() {
    assert!(matches!(
        table_xlsx("bad:name", TITLE, &ranking()),
        Err(OfficeDocError::Xlsx(_))
    ));
    let mut ragged = ranking();
    ragged.rows[0].push(Cell::Integer(9));
    assert!(matches!(
        table_xlsx(SHEET, TITLE, &ragged),
        Err(OfficeDocError::RaggedRow { row: 0, .. })
    ));
    let single = Table {
        headers: vec!["单位".into()],
        rows: vec![vec![Cell::from("昌宁镇")]],
    };
    assert!(table_xlsx(SHEET, TITLE, &single).is_ok());
}
