//! `dangjian reindex`: on an idle installation it rebuilds the index and
//! says how many documents it holds; while a node holds the index it asks
//! every running node, through the database, to rebuild instead.

use dangjian_app::search::{SearchRequest, Searcher};

use super::support::*;

#[test]
fn reindex_rebuilds_or_asks_the_running_nodes() {
    let installation = Installation::new();
    installation
        .run(&["demo", "--articles", "40", "--no-serve"])
        .ok();
    let run = installation.run(&["reindex"]).ok();
    assert!(
        run.stdout.contains("Search index rebuilt"),
        "{}",
        run.stdout
    );
    let documents: usize = run
        .stdout
        .split("rebuilt: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no document count in {}", run.stdout));
    assert!(documents >= 40, "{}", run.stdout);

    block_on(async {
        // A node holding the index: the command asks instead of building.
        let node = installation.app().await;
        let site = node.default_site().await.expect("site");
        let request = SearchRequest {
            q: "党建".into(),
            ..SearchRequest::default()
        };
        let found = node
            .search(Searcher::Public, site, &request)
            .await
            .expect("search");
        assert!(found.total > 0, "the rebuilt index answers");

        let run = installation.run(&["reindex"]).ok();
        assert!(
            run.stdout.contains("The rebuild was requested"),
            "{}",
            run.stdout
        );
        let mut conn = node.store().read().await.expect("connection");
        let feed = dangjian_store::search::changes_after(&mut conn, 0, 1_000_000)
            .await
            .expect("feed");
        assert!(feed.iter().any(|c| c.item == "reindex:all"), "{feed:?}");
    });
}
