//! Articles: writing, publishing and withdrawing what the portal shows
//! (`edit`), the office list (`office`), what readers see (`public`), and the
//! body sanitiser every body passes through (`sanitize`).

pub mod archive;
pub mod edit;
pub mod office;
mod pending;
pub mod public;
pub mod revisions;
pub mod sanitize;
