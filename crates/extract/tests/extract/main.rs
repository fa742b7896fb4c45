//! Integration tests of `dangjian_extract::extract_text`.

mod fixtures;
mod office;
mod pdf;
mod pdfgen;
mod safety;
mod text;
