//! Migrations from an empty database on the backend in use, and the same
//! schema on SQLite and PostgreSQL: `schema::describe` must equal the
//! committed snapshot (generated from SQLite; regenerate with
//! `DANGJIAN_UPDATE_SNAPSHOT=1 cargo test --test office schema`).

use dangjian_store::{Store, StoreOptions, migrate, schema};
use dangjian_testkit::{TestDatabase, real_now_ms};
use sqlx::Row;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/office/schema.snapshot");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_migrates_from_empty_and_matches_the_snapshot() {
    let db = TestDatabase::create().await;
    let store = Store::connect(&StoreOptions::new(db.url.clone()))
        .await
        .expect("connect to the empty database");
    {
        let mut conn = store.read().await.expect("connection");
        let version = migrate::current_version(&mut conn)
            .await
            .expect("read the version");
        assert_eq!(version, 0, "the test database is not empty");
    }
    let applied = migrate::run(&store, real_now_ms())
        .await
        .expect("migrate from empty");
    let all: Vec<i64> = (1..=migrate::latest_version()).collect();
    assert_eq!(applied, all);
    let again = migrate::run(&store, real_now_ms())
        .await
        .expect("migrate again");
    assert!(again.is_empty(), "a second run applied {again:?}");
    {
        let mut conn = store.read().await.expect("connection");
        let version = migrate::current_version(&mut conn)
            .await
            .expect("read the version");
        assert_eq!(version, migrate::latest_version());
    }

    let tables = schema::tables(&store).await.expect("list the tables");
    assert!(
        tables.iter().any(|t| t == "schema_migrations"),
        "tables: {tables:?}"
    );
    assert!(tables.iter().any(|t| t == "users"), "tables: {tables:?}");

    if let Some(pg) = &db.pg {
        // Every table landed in the test's own schema.
        let mut conn = store.read().await.expect("connection");
        let current: String = sqlx::query("SELECT current_schema()::text")
            .fetch_one(&mut *conn)
            .await
            .expect("current_schema")
            .try_get(0)
            .expect("text");
        assert_eq!(current, pg.schema);
        let rows = sqlx::query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
        )
        .bind(&pg.schema)
        .fetch_all(&mut *conn)
        .await
        .expect("tables of the schema");
        let mut in_schema: Vec<String> = rows.iter().map(|r| r.try_get(0).expect("name")).collect();
        let mut described = tables.clone();
        in_schema.sort();
        described.sort();
        assert_eq!(in_schema, described, "tables outside schema {}", pg.schema);
    }

    let lines = schema::describe(&store).await.expect("describe the schema");
    assert!(!lines.is_empty());
    let actual = lines.join("\n") + "\n";
    let update = std::env::var("DANGJIAN_UPDATE_SNAPSHOT").is_ok_and(|v| v == "1");
    let existing = std::fs::read_to_string(SNAPSHOT).ok();
    if (existing.is_none() || update) && !db.is_postgres() {
        std::fs::write(SNAPSHOT, &actual).expect("write the schema snapshot");
        eprintln!("wrote {SNAPSHOT}");
        return;
    }
    let expected =
        existing.expect("tests/office/schema.snapshot is missing: run the test on SQLite first");
    if expected != actual {
        let expected_lines: Vec<&str> = expected.lines().collect();
        let only_expected: Vec<&&str> = expected_lines
            .iter()
            .filter(|l| !lines.iter().any(|a| a == *l))
            .collect();
        let only_actual: Vec<&String> = lines
            .iter()
            .filter(|a| !expected_lines.contains(&a.as_str()))
            .collect();
        panic!(
            "schema on {} differs from {SNAPSHOT}\nonly in the snapshot:\n{only_expected:#?}\nonly in this database:\n{only_actual:#?}",
            store.backend().name()
        );
    }
    store.close().await;
}
