//! Writes, commits, restarts, rebuilds and concurrency.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{corpus, doc, keys, public};
use dangjian_search::{SearchError, SearchIndex};

#[test]
fn upsert_replaces_and_delete_removes_after_commit() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.last_change_seq().unwrap(), None);
    index
        .upsert(&doc("article:1", "党建动态", "第一版"))
        .unwrap();
    assert_eq!(
        index.search(&public("党建")).unwrap().total,
        0,
        "not before commit"
    );
    index.commit(1).unwrap();
    index
        .upsert(&doc("article:1", "党建动态（更新）", "第二版"))
        .unwrap();
    index.commit(2).unwrap();
    let found = index.search(&public("党建")).unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.hits[0].title.text(), "党建动态（更新）");

    index.delete("article:1").unwrap();
    assert_eq!(
        index.search(&public("党建")).unwrap().total,
        1,
        "until the commit"
    );
    index.commit(3).unwrap();
    assert_eq!(index.search(&public("党建")).unwrap().total, 0);
    assert_eq!(index.num_docs(), 0);
}

#[test]
fn a_commit_is_searchable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let index = common::corpus_index(dir.path());
    index
        .upsert(&doc("article:77", "新发布的组工信息", "内容"))
        .unwrap();
    let started = Instant::now();
    index.commit(2).unwrap();
    let found = index.search(&public("新发布")).unwrap();
    assert_eq!(keys(&found), ["article:77"]);
    // No polling or waiting: the commit itself reloads the reader.
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_commit_payload_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.upsert(&doc("article:1", "党费收缴", "正文")).unwrap();
        index.commit(42).unwrap();
        // Written but never committed: lost in the "crash", and the feeder
        // replays it from change 43 on.
        index.upsert(&doc("article:2", "党费使用", "正文")).unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.last_change_seq().unwrap(), Some(42));
    assert_eq!(keys(&index.search(&public("党费")).unwrap()), ["article:1"]);
}

#[test]
fn rebuild_swaps_generations_while_searches_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(common::corpus_index(dir.path()));
    let before = index.generation();
    let stop = Arc::new(AtomicBool::new(false));
    let searches = Arc::new(AtomicUsize::new(0));
    let searcher = {
        let (index, stop, searches) = (index.clone(), stop.clone(), searches.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Acquire) {
                let found = index
                    .search(&public("干部任前公示"))
                    .expect("search during rebuild");
                assert!(found.total >= 3, "the index kept answering");
                searches.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let rebuild = index.rebuild().unwrap();
    assert!(matches!(index.rebuild(), Err(SearchError::RebuildRunning)));
    for d in corpus() {
        rebuild.add(&d).unwrap();
    }
    rebuild
        .add(&doc("article:500", "重建后才有的文章", "正文"))
        .unwrap();
    let searched_before_swap = searches.load(Ordering::Relaxed);
    rebuild.finish(7).unwrap();
    while searches.load(Ordering::Relaxed) < searched_before_swap + 20 {
        std::thread::yield_now();
    }
    stop.store(true, Ordering::Release);
    searcher.join().unwrap();

    assert_ne!(index.generation(), before);
    assert!(
        !dir.path().join(&before).exists(),
        "the old generation is removed"
    );
    assert_eq!(index.last_change_seq().unwrap(), Some(7));
    assert_eq!(
        keys(&index.search(&public("重建后")).unwrap()),
        ["article:500"]
    );
    let generation = index.generation();
    drop(index);
    let reopened = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(reopened.generation(), generation);
    assert_eq!(reopened.last_change_seq().unwrap(), Some(7));
    // Writes go to the new generation.
    reopened
        .upsert(&doc("article:501", "换代以后写入", "正文"))
        .unwrap();
    reopened.commit(8).unwrap();
    assert_eq!(reopened.search(&public("换代以后")).unwrap().total, 1);
}

#[test]
fn writes_pending_at_a_swap_are_replayed_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    index.upsert(&doc("article:1", "党费收缴", "正文")).unwrap();
    index.commit(10).unwrap();
    // The feeder applies change 11 but has not committed when the rebuild,
    // which read the database as of change 10, swaps in.
    index.upsert(&doc("article:2", "党费使用", "正文")).unwrap();
    let rebuild = index.rebuild().unwrap();
    rebuild.add(&doc("article:1", "党费收缴", "正文")).unwrap();
    rebuild.finish(10).unwrap();
    assert!(matches!(index.commit(11), Err(SearchError::Superseded)));
    assert_eq!(
        index.last_change_seq().unwrap(),
        Some(10),
        "nothing skipped"
    );
    // The feeder resumes after 10 and replays change 11.
    index.upsert(&doc("article:2", "党费使用", "正文")).unwrap();
    index.commit(11).unwrap();
    assert_eq!(index.search(&public("党费")).unwrap().total, 2);
}

#[test]
fn an_abandoned_rebuild_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let index = common::corpus_index(dir.path());
    let before = index.generation();
    {
        let rebuild = index.rebuild().unwrap();
        rebuild.add(&doc("article:1", "不会出现", "正文")).unwrap();
    }
    assert_eq!(index.generation(), before);
    let generations = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("gen-")
        })
        .count();
    assert_eq!(generations, 1);
    assert_eq!(index.search(&public("不会出现")).unwrap().total, 0);
    index.rebuild().unwrap().finish(3).unwrap();
    assert_eq!(index.num_docs(), 0, "a rebuild fed nothing is empty");
}

#[test]
fn leftovers_other_dictionaries_and_schema_versions_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let generation = {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.upsert(&doc("article:1", "党建", "正文")).unwrap();
        index.commit(5).unwrap();
        index.generation()
    };
    std::fs::create_dir(dir.path().join("gen-000099")).unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(
        !dir.path().join("gen-000099").exists(),
        "a crashed rebuild is cleaned"
    );
    assert_eq!(index.last_change_seq().unwrap(), Some(5));
    assert!(!index.needs_rebuild());
    assert!(
        SearchIndex::open(dir.path()).is_err(),
        "one index per directory"
    );
    assert!(dir.path().join(&generation).exists());
    drop(index);

    let pointer = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    let fingerprint = pointer.lines().nth(2).unwrap().to_string();
    std::fs::write(
        dir.path().join("CURRENT"),
        pointer.replace(&fingerprint, "0"),
    )
    .unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(index.needs_rebuild(), "segmented with another dictionary");
    assert_eq!(keys(&index.search(&public("党建")).unwrap()), ["article:1"]);
    index.rebuild().unwrap().finish(6).unwrap();
    assert!(!index.needs_rebuild());
    let generation = index.generation();
    drop(index);
    assert!(!SearchIndex::open(dir.path()).unwrap().needs_rebuild());

    std::fs::write(dir.path().join("CURRENT"), format!("{generation}\n999\n")).unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.last_change_seq().unwrap(), None, "start over");
    assert_eq!(index.num_docs(), 0);
    assert_ne!(index.generation(), generation);

    std::fs::write(dir.path().join("CURRENT"), "garbage").unwrap();
    drop(index);
    assert!(SearchIndex::open(dir.path()).is_err());
}

#[test]
fn concurrent_upserts_of_one_key_leave_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
    let writers: Vec<_> = (0..4)
        .map(|t| {
            let index = index.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let body = format!("第{t}线程第{i}次");
                    index.upsert(&doc("article:1", "并发写入", &body)).unwrap();
                    if i % 10 == 0 {
                        index.search(&public("并发")).unwrap();
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    index.commit(1).unwrap();
    assert_eq!(index.search(&public("并发写入")).unwrap().total, 1);
    assert_eq!(index.num_docs(), 1);
}
