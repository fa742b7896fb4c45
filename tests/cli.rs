//! The `dangjian` binary as an operator runs it. Each test gets a fresh data
//! directory and database: SQLite in a temporary directory, or, when
//! `DANGJIAN_TEST_DATABASE_URL` names a PostgreSQL server, a fresh schema
//! there (dropped at the end).

#[path = "cli/demo.rs"]
mod demo;
#[path = "cli/search.rs"]
mod search;
#[path = "cli/support.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dangjian_app::clock::{Clock as _, SystemClock};
use sqlx::AnyPool;

use support::*;

fn setting<'a>(toml: &'a str, key: &str) -> &'a str {
    toml.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no {key} in:\n{toml}"))
}

#[test]
fn flag_beats_environment_beats_file_beats_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dangjian.toml"),
        "public_addr = \"127.0.0.1:1001\"\noffice_addr = \"127.0.0.1:2001\"\n\
         audit_hash = \"sha256\"\ntrusted_proxies = [\"10.0.0.9\"]\n",
    )
    .unwrap();
    let run = output(
        bare_command(dir.path())
            .env("DANGJIAN_PUBLIC_ADDR", "127.0.0.1:1002")
            .env("DANGJIAN_OFFICE_ADDR", "127.0.0.1:2002")
            .args(["config", "--public-addr", "127.0.0.1:1003"]),
    )
    .ok();
    let toml = run.stdout.as_str();
    assert!(
        setting(toml, "public_addr").starts_with("\"127.0.0.1:1003\"  # command line"),
        "{toml}"
    );
    assert!(
        setting(toml, "office_addr").starts_with("\"127.0.0.1:2002\"  # environment"),
        "{toml}"
    );
    assert!(
        setting(toml, "audit_hash").starts_with("\"sha256\"  # file"),
        "{toml}"
    );
    assert!(
        setting(toml, "trusted_proxies").starts_with("[\"10.0.0.9\"]  # file"),
        "{toml}"
    );
    assert!(
        setting(toml, "secure_cookies").starts_with("false  # default"),
        "{toml}"
    );
    assert!(
        setting(toml, "data_dir").starts_with("\"./data\"  # default"),
        "{toml}"
    );
    let db = dir.path().join("data").join("dangjian.db");
    assert!(
        setting(toml, "database_url").contains(&format!("sqlite://{}?mode=rwc", db.display())),
        "{toml}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "`config` must not create anything"
    );

    let run = output(bare_command(dir.path()).args(["--config", "elsewhere.toml", "config"]));
    assert!(run.fails_with(2).stderr.contains("elsewhere.toml"));
}

#[test]
fn config_never_prints_a_database_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://dangjian:s3cret@db.internal:5432/dangjian";
    let run = output(
        bare_command(dir.path())
            .env("DANGJIAN_DATABASE_URL", url)
            .arg("config"),
    )
    .ok();
    assert!(!run.stdout.contains("s3cret"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("postgres://dangjian:***@db.internal:5432/dangjian"),
        "{}",
        run.stdout
    );
}

#[test]
fn config_prints_the_smtp_settings_but_never_the_smtp_password() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dangjian.toml"),
        "smtp_host = \"smtp.example.gov.cn\"\n\
         smtp_from = \"党建网 <noreply@example.gov.cn>\"\n\
         smtp_password = \"from-the-file\"\n",
    )
    .unwrap();
    let run = output(
        bare_command(dir.path())
            .env("DANGJIAN_SMTP_USERNAME", "dangjian")
            .env("DANGJIAN_SMTP_PASSWORD", "s3cret-mail")
            .args(["config", "--smtp-tls", "tls"]),
    )
    .ok();
    let toml = run.stdout.as_str();
    assert!(!toml.contains("s3cret-mail"), "{toml}");
    assert!(!toml.contains("from-the-file"), "{toml}");
    assert!(
        setting(toml, "smtp_password").starts_with("\"***\"  # environment DANGJIAN_SMTP_PASSWORD"),
        "{toml}"
    );
    assert!(
        setting(toml, "smtp_host").starts_with("\"smtp.example.gov.cn\"  # file"),
        "{toml}"
    );
    assert!(
        setting(toml, "smtp_tls").starts_with("\"tls\"  # command line --smtp-tls"),
        "{toml}"
    );
    assert!(
        setting(toml, "smtp_port").starts_with("465  # default (for smtp_tls)"),
        "{toml}"
    );
    assert!(
        setting(toml, "smtp_username").starts_with("\"dangjian\"  # environment"),
        "{toml}"
    );
    assert!(
        setting(toml, "smtp_from").starts_with("\"党建网 <noreply@example.gov.cn>\"  # file"),
        "{toml}"
    );
    assert!(
        setting(toml, "office_url").starts_with("\"\"  # default"),
        "{toml}"
    );

    let run =
        output(bare_command(dir.path()).args(["--smtp-port", "99999", "migrate"])).fails_with(2);
    assert!(
        run.stderr
            .contains("invalid smtp_port (--smtp-port, DANGJIAN_SMTP_PORT): \"99999\""),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("from-the-file"), "{}", run.stderr);
}

#[test]
fn wrong_settings_stop_the_program_with_status_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = output(
        bare_command(dir.path())
            .env("DANGJIAN_PUBLIC_ADDR", "abc")
            .arg("migrate"),
    )
    .fails_with(2);
    assert!(
        run.stderr.contains(
            "invalid public_addr (--public-addr, DANGJIAN_PUBLIC_ADDR): \"abc\" is not a socket address; expected"
        ),
        "{}",
        run.stderr
    );

    std::fs::write(dir.path().join("dangjian.toml"), "audit_hash = \"md5\"\n").unwrap();
    let run = output(bare_command(dir.path()).arg("migrate")).fails_with(2);
    assert!(
        run.stderr
            .contains("invalid audit_hash (--audit-hash, DANGJIAN_AUDIT_HASH): \"md5\""),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("sm3 or sha256"), "{}", run.stderr);

    std::fs::write(
        dir.path().join("dangjian.toml"),
        "listen_addr = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    let run = output(bare_command(dir.path()).arg("serve")).fails_with(2);
    assert!(
        run.stderr.contains("unknown key \"listen_addr\""),
        "{}",
        run.stderr
    );

    std::fs::remove_file(dir.path().join("dangjian.toml")).unwrap();
    let run = output(bare_command(dir.path()).args(["--database-url", "mysql://x/y", "migrate"]))
        .fails_with(2);
    assert!(
        run.stderr.contains("invalid database_url"),
        "{}",
        run.stderr
    );
    assert!(
        !dir.path().join("data").exists(),
        "a refused start must not create the data directory"
    );
}

#[test]
fn init_creates_three_administrators_once_and_migrate_reports_the_version() {
    let installation = Installation::new();
    let latest = dangjian_store::migrate::latest_version();
    let run = installation.run(&["migrate"]).ok();
    assert!(
        run.stdout.contains(&format!("schema version {latest}")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("applied migrations"), "{}", run.stdout);
    let run = installation.run(&["migrate"]).ok();
    assert!(run.stdout.contains("already up to date"), "{}", run.stdout);

    let run = installation
        .run(&["init", "--unit-name", "某县委组织部"])
        .ok();
    assert!(
        run.stdout
            .contains("The three administrator accounts were created"),
        "{}",
        run.stdout
    );
    let passwords = one_time_passwords(&run.stdout);
    for (name, password) in &passwords {
        assert!(password.len() >= 12, "{name}: {password:?}");
    }
    assert_ne!(passwords[0].1, passwords[1].1);

    let run = installation.run(&["init"]).fails_with(1);
    assert!(run.stderr.contains("already initialised"), "{}", run.stderr);
    assert!(!run.stdout.contains("sysadmin"), "{}", run.stdout);
}

#[test]
fn console_commands_need_a_person_who_finished_the_first_login() {
    let installation = Installation::new();
    let init = installation.run(&["init"]).ok();
    let passwords = one_time_passwords(&init.stdout);
    let sysadmin = &passwords[0].1;

    let run = installation.run(&["user", "list"]).fails_with(2);
    assert!(run.stderr.contains("--as USERNAME"), "{}", run.stderr);
    let run = installation
        .run_as("sysadmin", "not-the-password", "", &["user", "list"])
        .fails_with(1);
    assert!(
        run.stderr
            .contains("wrong username, password or authenticator code"),
        "{}",
        run.stderr
    );
    let run = installation
        .run_as("sysadmin", sysadmin, "", &["user", "list"])
        .fails_with(1);
    assert!(
        run.stderr.contains("must first log in at the office site"),
        "{}",
        run.stderr
    );
    assert!(!run.text().contains("Forbidden"), "{}", run.text());
}

#[test]
fn administrators_manage_accounts_and_export_the_audit_trail() {
    let installation = Installation::new();
    let init = installation.run(&["init"]).ok();
    let passwords = one_time_passwords(&init.stdout);
    let secrets: Vec<String> = passwords
        .iter()
        .map(|(n, p)| activate(&installation, n, p))
        .collect();

    let run = installation.run_as(
        "sysadmin",
        NEW_PASSWORD,
        &next_code(&secrets[0]),
        &[
            "user",
            "add",
            "--username",
            "zhangsan",
            "--name",
            "张三",
            "--phone",
            "13800000000",
            "--unit",
            "1",
        ],
    );
    let run = run.ok();
    assert!(run.stdout.contains("username zhangsan"), "{}", run.stdout);
    assert!(run.stdout.contains("one-time password: "), "{}", run.stdout);

    let grant = [
        "user",
        "grant",
        "zhangsan",
        "--role",
        "minister",
        "--scope",
        "unit",
        "--scope-id",
        "1",
    ];
    let run = installation
        .run_as("secadmin", NEW_PASSWORD, &next_code(&secrets[1]), &grant)
        .ok();
    assert!(
        run.stdout.contains("minister in unit:1 to zhangsan"),
        "{}",
        run.stdout
    );

    let today = dangjian_domain::clock::format_local_date(SystemClock.now_ms());
    let file = installation.dir.path().join("audit.csv");
    let export = [
        "audit",
        "export",
        "--from",
        today.as_str(),
        "--until",
        today.as_str(),
        "--output",
        file.to_str().unwrap(),
    ];
    installation
        .run_as("auditadmin", NEW_PASSWORD, &next_code(&secrets[2]), &export)
        .ok();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(
        csv.starts_with("seq,time,actor,roles,client,action,object,outcome,detail,algo,hash"),
        "{csv}"
    );
    assert!(csv.contains(",user.create,"), "{csv}");
    assert!(csv.contains(",grant.add,"), "{csv}");
}

fn assert_verifies(installation: &Installation) -> i64 {
    let run = installation.run(&["audit", "verify"]).ok();
    let count = run
        .stdout
        .strip_prefix("audit chain intact: ")
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or_else(|| panic!("unexpected output: {}", run.stdout));
    assert!(count > 0);
    count
}

async fn drop_audit_triggers(installation: &Installation, pool: &AnyPool) {
    let statements: &[&'static str] = if installation.is_postgres() {
        &["DROP TRIGGER audit_log_guard ON audit_log"]
    } else {
        &[
            "DROP TRIGGER audit_log_append_only",
            "DROP TRIGGER audit_log_retention",
        ]
    };
    for sql in statements {
        sqlx::query(*sql).execute(pool).await.expect(sql);
    }
}

#[test]
fn audit_verify_names_an_altered_record() {
    let installation = Installation::new();
    installation.run(&["init"]).ok();
    let records = assert_verifies(&installation);
    assert!(records >= 4, "{records}");
    block_on(async {
        let pool = installation.pool().await;
        let update = sqlx::query("UPDATE audit_log SET detail = 'forged' WHERE seq = 3")
            .execute(&pool)
            .await;
        assert!(
            update.is_err(),
            "the database must refuse to change an audit record"
        );
        let delete = sqlx::query("DELETE FROM audit_log WHERE seq = 3")
            .execute(&pool)
            .await;
        assert!(
            delete.is_err(),
            "the database must refuse to delete a recent audit record"
        );
        drop_audit_triggers(&installation, &pool).await;
        sqlx::query("UPDATE audit_log SET detail = 'forged' WHERE seq = 3")
            .execute(&pool)
            .await
            .expect("update without the triggers");
        pool.close().await;
    });
    let run = installation.run(&["audit", "verify"]).fails_with(1);
    assert!(
        run.stderr
            .contains("record 3 was altered after it was written"),
        "{}",
        run.stderr
    );
}

#[test]
fn audit_verify_names_a_missing_record() {
    let installation = Installation::new();
    installation.run(&["init"]).ok();
    assert_verifies(&installation);
    block_on(async {
        let pool = installation.pool().await;
        drop_audit_triggers(&installation, &pool).await;
        sqlx::query("DELETE FROM audit_log WHERE seq = 2")
            .execute(&pool)
            .await
            .expect("delete");
        pool.close().await;
    });
    let run = installation.run(&["audit", "verify"]).fails_with(1);
    assert!(run.stderr.contains("record 2 is missing"), "{}", run.stderr);
}

#[test]
fn backup_and_restore_round_trip() {
    let source = Installation::new();
    // Articles and media too: restoring articles fires the search feed's
    // triggers, which the backup must not collide with.
    source.run(&["demo", "--articles", "12", "--no-serve"]).ok();
    let file = source.dir.path().join("backup.tar.gz");
    let run = source.run(&["backup", file.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("backup written to"), "{}", run.stdout);

    let target = Installation::new();
    let run = target.run(&["restore", file.to_str().unwrap()]).ok();
    assert!(run.stdout.contains("restored from"), "{}", run.stdout);
    assert_verifies(&target);

    let before = block_on(dump(&source));
    let after = block_on(dump(&target));
    let names =
        |d: &[(String, Vec<Vec<String>>)]| d.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>();
    assert_eq!(names(&before), names(&after));
    let audit = |d: &[(String, Vec<Vec<String>>)]| {
        d.iter().find(|(t, _)| t == "audit_log").unwrap().1.clone()
    };
    let backup_seq = audit(&before)
        .iter()
        .find(|row| row.iter().any(|c| c == "action=system.backup"))
        .map(|row| seq_of(row))
        .expect("the backup is audited");
    let up_to_backup = |rows: Vec<Vec<String>>| -> Vec<Vec<String>> {
        rows.into_iter()
            .filter(|row| seq_of(row) < backup_seq)
            .collect()
    };
    assert_eq!(up_to_backup(audit(&before)), up_to_backup(audit(&after)));
    assert!(
        audit(&after)
            .iter()
            .any(|row| row.iter().any(|c| c == "action=system.restore"))
    );
    for ((table, rows), (_, restored)) in before.iter().zip(&after) {
        // The search feed is derived: refilled by the restore's inserts.
        if [
            "audit_log",
            "audit_head",
            "schema_migrations",
            "search_changes",
        ]
        .contains(&table.as_str())
        {
            continue;
        }
        assert_eq!(rows, restored, "table {table}");
    }
    assert!(
        before
            .iter()
            .any(|(t, rows)| t == "users" && rows.len() == 3)
    );

    let run = target
        .run(&["restore", file.to_str().unwrap()])
        .fails_with(1);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
}

#[test]
fn serve_initialises_prints_where_to_log_in_and_stops_on_sigterm() {
    let installation = Installation::new();
    let mut child = installation
        .command(&[
            "--public-addr",
            "127.0.0.1:0",
            "--office-addr",
            "127.0.0.1:0",
            "serve",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let lines = lines_of(child.stdout.take().unwrap());
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !printed.contains("(TOTP)") {
        let wait = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(wait) {
            Ok(line) => printed.push_str(&(line + "\n")),
            Err(_) => {
                let _ = child.kill();
                panic!("serve did not get ready:\n{printed}");
            }
        }
    }
    assert!(printed.contains(
        "首次启动：已创建三员账号 / First start: the three administrator accounts were created"
    ));
    assert_eq!(one_time_passwords(&printed).len(), 3);
    assert!(
        printed.contains("公开网站 / Public site: http://127.0.0.1:"),
        "{printed}"
    );
    assert!(printed.contains("/login"), "{printed}");

    // A backup is taken while the server runs on the same data.
    let file = installation.dir.path().join("live.tar.gz");
    installation.run(&["backup", file.to_str().unwrap()]).ok();

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let run = installation.run(&["init"]).fails_with(1);
    assert!(run.stderr.contains("already initialised"), "{}", run.stderr);
}
