//! Helpers for `tests/cli.rs`: a fresh installation per test (SQLite in a
//! temporary directory, or a fresh PostgreSQL schema when
//! `DANGJIAN_TEST_DATABASE_URL` is set), running the binary, reading tables.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{SystemTime, UNIX_EPOCH};

use dangjian_app::actor::Client;
use dangjian_app::auth::{SessionCheck, totp_code_at};
use dangjian_app::clock::SystemClock;
use dangjian_app::domain::audit::HashAlgo;
use dangjian_app::{App, AppConfig, StoreOptions};
use sqlx::any::{AnyPoolOptions, AnyRow, AnyTypeInfoKind};
use sqlx::{AnyPool, AssertSqlSafe, Column as _, Row as _, ValueRef as _};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_dangjian");
const PG_ENV: &str = "DANGJIAN_TEST_DATABASE_URL";
/// A password that meets the policy, for accounts the tests activate.
pub const NEW_PASSWORD: &str = "Ql7#vN2$xR9!wT4";

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

pub async fn connect(url: &str) -> AnyPool {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(sqlx::any::install_default_drivers);
    AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

pub fn unique_schema() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "t_cli_{}_{nanos}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Self {
        assert_eq!(self.status, Some(0), "expected success: {self:#?}");
        self
    }

    pub fn fails_with(self, status: i32) -> Self {
        assert_eq!(
            self.status,
            Some(status),
            "expected status {status}: {self:#?}"
        );
        self
    }

    pub fn text(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

/// The binary with no `DANGJIAN_*` variable from the test's environment.
pub fn bare_command(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(dir).stdin(Stdio::null());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DANGJIAN_") {
            command.env_remove(key);
        }
    }
    command
}

pub fn output(command: &mut Command) -> Run {
    let out = command.output().expect("run dangjian");
    Run {
        status: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh data directory and database.
pub struct Installation {
    pub dir: TempDir,
    pub database_url: String,
    /// The server URL and schema when on PostgreSQL.
    postgres: Option<(String, String)>,
}

impl Installation {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var(PG_ENV).ok().filter(|v| !v.is_empty()) {
            Some(server) => {
                let schema = unique_schema();
                block_on(async {
                    let pool = connect(&server).await;
                    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                        .execute(&pool)
                        .await
                        .expect("create schema");
                    pool.close().await;
                });
                let separator = if server.contains('?') { '&' } else { '?' };
                let database_url =
                    format!("{server}{separator}options=-c%20search_path%3D{schema}");
                Self {
                    dir,
                    database_url,
                    postgres: Some((server, schema)),
                }
            }
            None => {
                let database_url = format!(
                    "sqlite://{}/data/dangjian.db?mode=rwc",
                    dir.path().display()
                );
                Self {
                    dir,
                    database_url,
                    postgres: None,
                }
            }
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = bare_command(self.dir.path());
        command
            .env("DANGJIAN_DATA_DIR", self.data_dir())
            .env("DANGJIAN_DATABASE_URL", &self.database_url)
            .args(args);
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        output(&mut self.command(args))
    }

    /// Runs a command as `username` with a password and TOTP code.
    pub fn run_as(&self, username: &str, password: &str, otp: &str, args: &[&str]) -> Run {
        let mut command = self.command(args);
        command
            .env("DANGJIAN_AS", username)
            .env("DANGJIAN_PASSWORD", password)
            .env("DANGJIAN_OTP", otp);
        output(&mut command)
    }

    pub async fn pool(&self) -> AnyPool {
        connect(&self.database_url).await
    }

    pub async fn app(&self) -> App {
        let config = AppConfig {
            data_dir: self.data_dir(),
            audit_hash: HashAlgo::Sm3,
            totp_issuer: "dangjian".into(),
            object_store: dangjian_app::media::ObjectStoreConfig::local_in(&self.data_dir()),
        };
        App::open(
            &StoreOptions::new(self.database_url.clone()),
            std::sync::Arc::new(SystemClock),
            config,
        )
        .await
        .expect("open app")
    }
}

impl Drop for Installation {
    fn drop(&mut self) {
        if let Some((server, schema)) = &self.postgres {
            block_on(async {
                let pool = connect(server).await;
                let _ = sqlx::query(AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                    .execute(&pool)
                    .await;
                pool.close().await;
            });
        }
    }
}

/// The one-time passwords `init` printed, by username.
pub fn one_time_passwords(stdout: &str) -> Vec<(String, String)> {
    ["sysadmin", "secadmin", "auditadmin"]
        .iter()
        .map(|name| {
            let line = stdout
                .lines()
                .find(|l| l.split_whitespace().any(|w| w == *name))
                .unwrap_or_else(|| panic!("no line for {name} in:\n{stdout}"));
            let password = line.split_whitespace().last().unwrap().to_owned();
            ((*name).to_owned(), password)
        })
        .collect()
}

pub fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Logs in once as the office would: chooses a new password and enrols an
/// authenticator, so the account may use console commands. Returns the
/// authenticator secret.
pub fn activate(installation: &Installation, username: &str, one_time_password: &str) -> String {
    block_on(async {
        let app = installation.app().await;
        let client = Client::console();
        let start = app
            .login(username, one_time_password, &client)
            .await
            .unwrap()
            .unwrap();
        let session = match app.authenticate(&start.token, &client).await.unwrap() {
            SessionCheck::Valid(session) => session,
            other => panic!("no session: {other:?}"),
        };
        app.change_password(&session, one_time_password, NEW_PASSWORD, NEW_PASSWORD)
            .await
            .unwrap();
        let enrolment = app.totp_enrolment(&session).await.unwrap();
        let code = totp_code_at(&enrolment.secret_base32, unix_seconds()).unwrap();
        app.confirm_totp_enrolment(&session, &code).await.unwrap();
        app.logout(&session).await.unwrap();
        app.store().close().await;
        enrolment.secret_base32
    })
}

/// A code of the next 30-second step: each step is accepted once, and the
/// enrolment used the current one.
pub fn next_code(secret: &str) -> String {
    totp_code_at(secret, unix_seconds() + 30).unwrap()
}

pub fn cell(row: &AnyRow, index: usize) -> String {
    let raw = row.try_get_raw(index).unwrap();
    if raw.is_null() {
        return "NULL".into();
    }
    match raw.type_info().kind() {
        AnyTypeInfoKind::Bool => row.get::<bool, _>(index).to_string(),
        AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
            row.get::<i64, _>(index).to_string()
        }
        AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => row.get::<f64, _>(index).to_string(),
        AnyTypeInfoKind::Blob => format!("{:?}", row.get::<Vec<u8>, _>(index)),
        _ => row.get::<String, _>(index),
    }
}

/// Every table's rows, sorted, with column names.
pub async fn dump(installation: &Installation) -> Vec<(String, Vec<Vec<String>>)> {
    let pool = installation.pool().await;
    let list = if installation.is_postgres() {
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    };
    let tables: Vec<String> = sqlx::query(list)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    let mut out = Vec::new();
    for table in tables {
        let rows = sqlx::query(AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(&pool)
            .await
            .unwrap();
        let mut cells: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                let names = row.columns().iter().map(|c| c.name().to_owned());
                names
                    .enumerate()
                    .map(|(i, name)| format!("{name}={}", cell(row, i)))
                    .collect()
            })
            .collect();
        cells.sort();
        out.push((table, cells));
    }
    pool.close().await;
    out
}

pub fn seq_of(row: &[String]) -> i64 {
    row.iter()
        .find_map(|c| c.strip_prefix("seq="))
        .and_then(|s| s.parse().ok())
        .expect("seq column")
}

/// Lines the server prints, read on a thread so the test can time out.
pub fn lines_of(stdout: std::process::ChildStdout) -> mpsc::Receiver<String> {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}
