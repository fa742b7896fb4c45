//! Test harness for dangjian: a fresh database per test (SQLite by default,
//! a schema of its own in PostgreSQL when `DANGJIAN_TEST_DATABASE_URL` is
//! set), an initialised installation with a clock the test moves, both
//! listeners serving on free ports, and a browser that logs in like a person.

mod browser;
mod database;
mod node;

use std::sync::Arc;

use dangjian_app::clock::{Clock, ManualClock};
use dangjian_app::setup::{InitReport, InitRequest};
use dangjian_app::{App, AppConfig, StoreOptions};
use dangjian_domain::audit::HashAlgo;
use tokio::sync::oneshot;

pub use browser::{Browser, Reply, element_text, scrape_csrf};
pub use database::{
    DATABASE_URL_VAR, PgSchema, TestDatabase, postgres_requested, random_hex, with_search_path,
};
pub use node::Node;

/// The real time now, in Unix milliseconds.
pub fn real_now_ms() -> i64 {
    dangjian_app::clock::SystemClock.now_ms()
}

/// A new password that meets the policy (length, three character classes)
/// and contains no username used by the tests.
pub fn fresh_password() -> String {
    format!("Dj#{}Qa9", random_hex(6))
}

/// A running, initialised installation for one test.
pub struct TestApp {
    pub app: App,
    pub clock: ManualClock,
    pub init_report: InitReport,
    /// `http://127.0.0.1:<port>` of the public listener.
    pub public_url: String,
    /// `http://127.0.0.1:<port>` of the office listener.
    pub office_url: String,
    pub database: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
}

impl TestApp {
    /// Starts a fresh installation. Must be called inside a tokio runtime;
    /// the server runs on it.
    pub async fn start() -> TestApp {
        Self::start_with(None).await
    }

    /// Starts a fresh installation that e-mails notifications through
    /// `mail` (a test's own SMTP server on loopback).
    pub async fn start_with_mail(mail: dangjian_app::mail::MailConfig) -> TestApp {
        Self::start_with(Some(mail)).await
    }

    async fn start_with(mail: Option<dangjian_app::mail::MailConfig>) -> TestApp {
        let database = TestDatabase::create().await;
        let clock = ManualClock::starting_at(real_now_ms());
        let config = AppConfig {
            data_dir: database.dir.path().to_path_buf(),
            audit_hash: HashAlgo::Sm3,
            totp_issuer: "dangjian-test".into(),
            object_store: dangjian_app::media::ObjectStoreConfig::local_in(database.dir.path()),
        };
        let shared: Arc<dyn Clock> = Arc::new(clock.clone());
        let app = App::open(&StoreOptions::new(database.url.clone()), shared, config)
            .await
            .unwrap_or_else(|e| panic!("cannot open the test database {}: {e}", database.url))
            .with_mail(mail);
        let init_report = app
            .initialise(&InitRequest::default())
            .await
            .unwrap_or_else(|e| panic!("initialise failed: {e}"));
        let (public_url, office_url, stop) = node::serve(&app).await;
        TestApp {
            app,
            clock,
            init_report,
            public_url,
            office_url,
            database,
            shutdown: Some(stop),
        }
    }

    /// The one-time password `init` gave `username`.
    pub fn one_time_password(&self, username: &str) -> String {
        self.init_report
            .accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("no initial account {username}"))
            .one_time_password
            .clone()
    }

    /// The id of the account `username`.
    pub async fn user_id(&self, username: &str) -> i64 {
        let mut conn = self
            .app
            .store()
            .read()
            .await
            .expect("a database connection");
        dangjian_store::users::credentials(&mut conn, username)
            .await
            .expect("look the account up")
            .unwrap_or_else(|| panic!("no account {username}"))
            .id
            .0
    }

    /// A new browser on the office listener.
    pub fn office(&self) -> Browser {
        Browser::new(&self.office_url)
    }

    /// A new browser on the public listener.
    pub fn public(&self) -> Browser {
        Browser::new(&self.public_url)
    }

    /// The clock's Unix seconds (for TOTP codes).
    pub fn now_secs(&self) -> u64 {
        u64::try_from(self.clock.now_ms() / 1000).unwrap_or_default()
    }

    /// The TOTP code for `secret` at the test clock's time.
    pub fn totp_code(&self, secret: &str) -> String {
        dangjian_app::auth::totp_code_at(secret, self.now_secs()).expect("compute a TOTP code")
    }

    /// Moves the clock into the next 30-second TOTP step, so a new code is
    /// not a replay of the last one.
    pub fn next_totp_step(&self) {
        self.clock.advance_ms(31_000);
    }

    /// The first login of an account with its one-time password: login →
    /// forced password change → TOTP enrolment → the dashboard. Returns the
    /// logged-in browser, the TOTP secret and the new password.
    pub async fn login_fully(
        &self,
        username: &str,
        one_time_password: &str,
    ) -> (Browser, String, String) {
        let browser = self.office();
        let clock = self.clock.clone();
        let now = move || u64::try_from(clock.now_ms() / 1000).unwrap_or_default();
        let (secret, password) = first_login(&browser, username, one_time_password, &now).await;
        (browser, secret, password)
    }

    /// Enrols a TOTP authenticator for the browser's session; returns the
    /// secret.
    pub async fn enrol_totp(&self, browser: &Browser) -> String {
        let clock = self.clock.clone();
        let now = move || u64::try_from(clock.now_ms() / 1000).unwrap_or_default();
        enrol_totp(browser, &now).await
    }

    /// A login of an enrolled account: password, then a TOTP code of a new
    /// step; returns the browser on the dashboard.
    pub async fn login_with_totp(&self, username: &str, password: &str, secret: &str) -> Browser {
        let browser = self.office();
        browser.get("/login").await.assert_status(200);
        browser
            .post_form("/login", &[("username", username), ("password", password)])
            .await
            .assert_redirect("/login/totp");
        browser.get("/login/totp").await.assert_status(200);
        self.next_totp_step();
        let code = self.totp_code(secret);
        browser
            .post_form("/login/totp", &[("code", &code)])
            .await
            .assert_redirect("/");
        browser
            .get("/")
            .await
            .assert_status(200)
            .assert_contains("工作台");
        browser
    }

    /// Logs in one of the three initial administrators fully.
    pub async fn admin(&self, username: &str) -> Admin {
        let otp = self.one_time_password(username);
        let (browser, secret, password) = self.login_fully(username, &otp).await;
        Admin {
            username: username.to_owned(),
            browser,
            secret,
            password,
        }
    }

    /// The application-layer actor of a fully enrolled account (for setting
    /// up what the web pages do not offer yet). Uses a new TOTP step.
    /// A new account created by the system administrator over the API,
    /// granted `role` in the site scope by the security administrator on the
    /// office pages, and logged in fully (new password, TOTP enrolment).
    pub async fn person_with_role(
        &self,
        sys: &Admin,
        sec: &Admin,
        username: &str,
        display_name: &str,
        role: &str,
    ) -> Admin {
        let site = format!("site:{}", self.init_report.site.0);
        self.person_with_role_in(sys, sec, username, display_name, role, &site)
            .await
    }

    /// Like `person_with_role`, granted in `scope` (`section:7`, `unit:1`,
    /// `site:1`).
    pub async fn person_with_role_in(
        &self,
        sys: &Admin,
        sec: &Admin,
        username: &str,
        display_name: &str,
        role: &str,
        scope: &str,
    ) -> Admin {
        let body = serde_json::json!({
            "username": username,
            "display_name": display_name,
            "phone": "13600000000",
            "unit_id": self.init_report.unit.0.to_string(),
        });
        let csrf = api_csrf(&sys.browser).await;
        let created = sys
            .browser
            .send_json(
                reqwest::Method::POST,
                "/api/v1/users",
                Some(&body),
                Some(&csrf),
            )
            .await;
        created.assert_status(201);
        let otp = created.json()["one_time_password"]
            .as_str()
            .expect("one-time password")
            .to_owned();
        let id = self.user_id(username).await;
        sec.browser
            .get(&format!("/users/{id}"))
            .await
            .assert_status(200);
        sec.browser
            .post_form(
                &format!("/users/{id}/grants"),
                &[("role", role), ("scope", scope)],
            )
            .await
            .assert_redirect(&format!("/users/{id}?ok=granted"));
        let (browser, secret, password) = self.login_fully(username, &otp).await;
        Admin {
            username: username.to_owned(),
            browser,
            secret,
            password,
        }
    }

    pub async fn actor(
        &self,
        username: &str,
        password: &str,
        secret: &str,
    ) -> dangjian_app::actor::Actor {
        self.next_totp_step();
        let code = self.totp_code(secret);
        self.app
            .console_login(username, password, Some(&code))
            .await
            .unwrap_or_else(|e| panic!("console login of {username} failed: {e}"))
    }

    /// The audit records of `action` (newest first, at most 50): who, and
    /// with what outcome.
    pub async fn audited(&self, action: &str) -> Vec<(String, dangjian_domain::audit::Outcome)> {
        let mut conn = self.app.store().read().await.expect("connection");
        let filter = dangjian_app::records::AuditFilter {
            actor: String::new(),
            action: action.into(),
            from_ms: None,
            until_ms: None,
        };
        let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 50)
            .await
            .expect("search the audit trail");
        records
            .into_iter()
            .map(|r| (r.entry.actor_name, r.entry.outcome))
            .collect()
    }

    /// Makes the site's default workflow one without stages, so a site
    /// editor's submission publishes at once (for tests about the portal,
    /// not about review).
    pub async fn publish_directly(&self, editor: &dangjian_app::actor::Actor) {
        let site = self.init_report.site;
        let workflows = self.app.workflows(editor, site).await.expect("workflows");
        let default = workflows
            .iter()
            .find(|w| w.is_default)
            .expect("a default workflow");
        let form = dangjian_app::review::WorkflowForm {
            name: "直接发布".into(),
            stages: Vec::new(),
        };
        self.app
            .update_workflow(editor, default.id, &form)
            .await
            .expect("a workflow without stages");
    }
}

/// A logged-in person (one of the three administrators, or an account made
/// by `TestApp::person_with_role`).
pub struct Admin {
    pub username: String,
    pub browser: Browser,
    pub secret: String,
    pub password: String,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
    }
}

/// The first login of an account on the office at `browser`'s address, with
/// TOTP codes computed at `now_secs()`: login → forced password change →
/// TOTP enrolment → the dashboard. Returns the TOTP secret and the new
/// password.
pub async fn first_login(
    browser: &Browser,
    username: &str,
    one_time_password: &str,
    now_secs: &(dyn Fn() -> u64 + Sync),
) -> (String, String) {
    browser.get("/login").await.assert_status(200);
    browser
        .post_form(
            "/login",
            &[("username", username), ("password", one_time_password)],
        )
        .await
        .assert_redirect("/account/password");

    let new_password = fresh_password();
    browser.get("/account/password").await.assert_status(200);
    let reply = browser
        .post_form(
            "/account/password",
            &[
                ("current_password", one_time_password),
                ("password", &new_password),
                ("confirm", &new_password),
            ],
        )
        .await;
    assert!(
        reply.is_redirect(),
        "password change refused: {}",
        reply.body
    );

    let secret = enrol_totp(browser, now_secs).await;
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains("工作台");
    (secret, new_password)
}

/// Enrols a TOTP authenticator for the browser's session (codes computed at
/// `now_secs()`); returns the secret.
pub async fn enrol_totp(browser: &Browser, now_secs: &(dyn Fn() -> u64 + Sync)) -> String {
    let page = browser.get("/account/totp").await;
    page.assert_status(200);
    let secret = element_text(&page.body, "totp-secret")
        .unwrap_or_else(|| panic!("no TOTP secret on the enrolment page:\n{}", page.body));
    let code = dangjian_app::auth::totp_code_at(&secret, now_secs()).expect("compute a TOTP code");
    browser
        .post_form("/account/totp", &[("code", &code)])
        .await
        .assert_redirect("/?ok=totp_enrolled");
    secret
}

/// The CSRF token of a logged-in browser, as the API gives it.
pub async fn api_csrf(browser: &Browser) -> String {
    let me = browser.get("/api/v1/me").await;
    me.assert_status(200);
    me.json()["csrf_token"]
        .as_str()
        .expect("csrf token")
        .to_owned()
}
