//! The office over real HTTP: each test starts its own installation (fresh
//! database, SQLite or PostgreSQL per `DANGJIAN_TEST_DATABASE_URL`) and
//! checks what a person sees — status codes, redirects, page text.

#[path = "office/api.rs"]
mod api;
#[path = "office/appearance.rs"]
mod appearance;
#[path = "office/articles.rs"]
mod articles;
#[path = "office/audit.rs"]
mod audit;
#[path = "office/calendar.rs"]
mod calendar;
#[path = "office/columns.rs"]
mod columns;
#[path = "office/csrf.rs"]
mod csrf;
#[path = "office/durability.rs"]
mod durability;
#[path = "office/email.rs"]
mod email;
#[path = "office/listeners.rs"]
mod listeners;
#[path = "office/login.rs"]
mod login;
#[path = "office/mailbox_burst.rs"]
mod mailbox_burst;
#[path = "office/mailbox_deadline.rs"]
mod mailbox_deadline;
#[path = "office/mailbox_office.rs"]
mod mailbox_office;
#[path = "office/mailbox_portal.rs"]
mod mailbox_portal;
#[path = "office/mailbox_stats.rs"]
mod mailbox_stats;
#[path = "office/media.rs"]
mod media;
#[path = "office/notice_lists.rs"]
mod notice_lists;
#[path = "office/notices.rs"]
mod notices;
#[path = "office/page_cache.rs"]
mod page_cache;
#[path = "office/portal.rs"]
mod portal;
#[path = "office/qa.rs"]
mod qa;
#[path = "office/qa_office.rs"]
mod qa_office;
#[path = "office/ranking.rs"]
mod ranking;
#[path = "office/review.rs"]
mod review;
#[path = "office/revisions.rs"]
mod revisions;
#[path = "office/schema.rs"]
mod schema;
#[path = "office/search.rs"]
mod search;
#[path = "office/separation.rs"]
mod separation;
#[path = "office/settings.rs"]
mod settings;
#[path = "office/stats.rs"]
mod stats;
