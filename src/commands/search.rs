//! `dangjian reindex`: rebuilds this node's search index. When the server
//! is running on the same data directory it holds the index, so the
//! request goes through the database's change feed instead: every running
//! node then rebuilds in the background, answering from its old index
//! until the new one is ready.

use super::open_app;
use crate::config::Settings;
use crate::failure::Outcome;

pub async fn reindex(settings: &Settings) -> Outcome {
    let app = open_app(settings).await?;
    let index = match app.search_index() {
        Ok(index) => index,
        Err(error) => {
            tracing::debug!(%error, "the index is held by a running server");
            app.request_reindex().await?;
            println!(
                "已请求重建搜索索引：运行中的各节点将在后台重建，完成前继续使用旧索引。\n\
                 The rebuild was requested: every running node rebuilds in the background \
                 and keeps answering from its old index until then."
            );
            return Ok(());
        }
    };
    app.apply_search_settings_to(&index).await?;
    let report = app.rebuild_search_index().await?;
    let rate = if report.seconds > 0.0 {
        report.documents as f64 / report.seconds
    } else {
        0.0
    };
    println!(
        "已重建搜索索引 / Search index rebuilt: {} documents in {:.1} s ({:.0}/s)",
        report.documents, report.seconds, rate
    );
    Ok(())
}
