//! Pure rules of dangjian. Nothing here performs I/O: every type is parsed at
//! the edge (`Username::parse`, `Role::from_code` …) and every decision that can
//! be made without the database is made here, so it is tested in isolation.

pub mod account;
pub mod article;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod colour;
pub mod column;
pub mod diff;
pub mod ids;
pub mod invalid;
pub mod mailbox;
pub mod media;
pub mod notice;
pub mod org;
pub mod password;
pub mod qa;
pub mod role;
pub mod scoring;
pub mod search;
pub mod security;
pub mod site;
pub mod visit;
pub mod workflow;

pub use invalid::{FieldError, Invalid};
