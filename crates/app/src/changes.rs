//! Announcements of content changes, so derived copies (the public page
//! cache; later the search index) refresh exactly what a change affects.
//! Sent after the change has committed.

use dangjian_domain::article::ArticleId;
use dangjian_domain::column::ColumnId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An article was published, changed while published, or withdrawn;
    /// `columns` are every column it is (or was) listed in.
    Article {
        id: ArticleId,
        columns: Vec<ColumnId>,
    },
    /// The column tree changed (names, order, visibility).
    Columns,
    /// Site settings (name, footer facts) changed: every page may show them.
    Site,
}

/// How many unread announcements a slow listener may fall behind by before it
/// must refresh everything.
pub(crate) const BACKLOG: usize = 1024;

impl crate::App {
    /// Listens to content changes (each listener gets every change).
    pub fn subscribe_changes(&self) -> tokio::sync::broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    pub(crate) fn announce(&self, change: Change) {
        // No listener (a console command) is not an error.
        let _ = self.changes.send(change);
    }
}
