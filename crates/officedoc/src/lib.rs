//! Pure generators for the Organization Department's exported documents.
//!
//! [`official_docx`] renders an [`OfficialDocument`] (公文) as DOCX laid out
//! after GB/T 9704-2012 《党政机关公文格式》, and [`table_xlsx`] renders a
//! ranking [`Table`] as XLSX. Nothing here touches the file system, network or
//! database: both functions return the file's bytes, so the web layer decides
//! how to deliver them and the tests can read them straight back.
//!
//! # GB/T 9704-2012 choices
//!
//! * **Page**: A4 with margins 37 mm (top) / 28 mm (left), giving the
//!   standard 156 × 225 mm type area (版心); bottom 35 mm and right 26 mm
//!   follow from that.
//! * **Grid**: 22 lines × 28 characters. Both a `linesAndChars` document grid
//!   (for Word and WPS, which snap to it) and an exact 28.95 pt line spacing
//!   on text paragraphs (for renderers that ignore the grid) are emitted, so
//!   every consumer lands on 22 lines.
//! * **版头**: issuer mark in red 方正小标宋简体 about 35 mm below the top of
//!   the type area, squeezed horizontally (not shrunk) when it is wider than
//!   the type area; the 发文字号 two lines below it in 仿宋_GB2312 三号; a red
//!   rule 4 mm under the number.
//! * **主体**: title in 方正小标宋简体 二号 two lines under the rule (a `\n` in
//!   the title starts a new title line); 主送机关 flush left one line below;
//!   body 仿宋_GB2312 三号 with a two-character first-line indent; level-1
//!   headings 黑体, level-2 楷体_GB2312, both 三号.
//! * **署名/成文日期**: the unsealed layout of clause 7.3.5.2 — signer two
//!   characters from the right, the date (Arabic numerals, no padding zeros)
//!   on the next line shifted two characters right of the signer's first
//!   character; when the date is longer, the date keeps two characters and the
//!   signer moves left instead.
//! * **版记**: 抄送 and 印发机关/印发日期 in 仿宋_GB2312 四号 between a thick
//!   first and last rule with a thin rule between items, anchored to the
//!   bottom of the type area so the last rule coincides with it.
//! * **页码**: `— 1 —` in 宋体 四号, odd pages right and even pages left, each
//!   one character in from the edge, 7 mm below the type area.
//!
//! Fonts are named on every run for both the East Asian and the Latin slots so
//! digits and Latin letters inside Chinese text use the same face.

mod docx;
mod error;
mod model;
mod number;
mod text;
mod xlsx;

pub use docx::official_docx;
pub use error::OfficeDocError;
pub use model::{Block, Cell, OfficialDocument, Table};
pub use number::{DocumentNumber, chinese_date};
pub use xlsx::table_xlsx;
