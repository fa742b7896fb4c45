//! kill -9 durability: every unit whose creation the server acknowledged is
//! there after the process is killed without warning and started again.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dangjian_store::{Store, StoreOptions};
use dangjian_testkit::{Browser, TestDatabase, first_login};

/// The server process; killed (SIGKILL) when dropped, so a failing test
/// leaves nothing running.
struct Server {
    child: Child,
    office_url: String,
    /// Standard output lines, as they come.
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

fn start_server(data_dir: &Path, database_url: Option<&str>) -> Server {
    let office_port = free_port();
    let public_port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_dangjian"));
    command
        .arg("serve")
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--public-addr")
        .arg(format!("127.0.0.1:{public_port}"))
        .arg("--office-addr")
        .arg(format!("127.0.0.1:{office_port}"))
        .current_dir(data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    for (key, _) in std::env::vars() {
        if key.starts_with("DANGJIAN_") {
            command.env_remove(key);
        }
    }
    command.env("DANGJIAN_LOG", "warn");
    let mut child = command.spawn().expect("start the dangjian binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        if !text.trim().is_empty() {
            eprintln!("dangjian stderr:\n{text}");
        }
    });
    Server {
        child,
        office_url: format!("http://127.0.0.1:{office_port}"),
        lines,
    }
}

/// Reads standard output until the office address is printed; returns the
/// lines read.
fn wait_for_banner(server: &mut Server) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match server.lines.recv_timeout(left) {
            Ok(line) => {
                let done = line.contains(&server.office_url);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(_) => {
                let status = server.child.try_wait().ok().flatten();
                panic!(
                    "the server did not start (exit: {status:?}); output so far:\n{}",
                    seen.join("\n")
                );
            }
        }
    }
}

/// The one-time password printed next to `username` at first start.
fn one_time_password(lines: &[String], username: &str) -> String {
    lines
        .iter()
        .find_map(|line| {
            let mut words = line.split_whitespace();
            words.find(|w| *w == username)?;
            words.next().map(str::to_owned)
        })
        .unwrap_or_else(|| {
            panic!(
                "no one-time password for {username} in:\n{}",
                lines.join("\n")
            )
        })
}

async fn wait_healthy(url: &str) {
    let browser = Browser::new(url);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = browser
            .request(reqwest::Method::GET, "/healthz")
            .send()
            .await;
        if reply.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        assert!(Instant::now() < deadline, "{url}/healthz never answered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn system_now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_units_survive_kill_9() {
    let db = TestDatabase::create().await;
    let data_dir = db.dir.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("data directory");
    let pg_url = db.pg.as_ref().map(|pg| pg.url.clone());

    let mut server = start_server(&data_dir, pg_url.as_deref());
    let banner = wait_for_banner(&mut server);
    let otp = one_time_password(&banner, "sysadmin");
    wait_healthy(&server.office_url).await;

    let browser = Arc::new(Browser::new(&server.office_url));
    let (_secret, password) = first_login(&browser, "sysadmin", &otp, &system_now_secs).await;
    browser.get("/org/units").await.assert_status(200);

    // Several writers at once, so requests are in flight at the kill.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for writer in 0..3 {
        let browser = Arc::clone(&browser);
        let acknowledged = Arc::clone(&acknowledged);
        writers.push(tokio::spawn(async move {
            for i in 0..10_000 {
                let name = format!("压测单位{writer}-{i}");
                let sent = browser
                    .request(reqwest::Method::POST, "/org/units")
                    .form(&[
                        ("name", name.as_str()),
                        ("kind", "county"),
                        ("sort_order", "0"),
                        ("_csrf", &browser.csrf().unwrap_or_default()),
                    ])
                    .send()
                    .await;
                match sent {
                    Ok(reply)
                        if reply.status().as_u16() == 303 || reply.status().as_u16() == 201 =>
                    {
                        acknowledged.lock().expect("lock").push(name);
                    }
                    Ok(reply) => panic!("unit {name} refused with {}", reply.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().expect("lock").len() < 30 {
        assert!(Instant::now() < deadline, "the writers made no progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("SIGKILL the server");
    server.child.wait().expect("reap the server");
    for writer in writers {
        writer.await.expect("writer task");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(acknowledged.len() >= 30);
    drop(server);

    // Start again on the same data: no new accounts, and every
    // acknowledged unit is there.
    let mut server = start_server(&data_dir, pg_url.as_deref());
    let banner = wait_for_banner(&mut server);
    assert!(
        !banner
            .iter()
            .any(|l| l.split_whitespace().any(|w| w == "sysadmin")),
        "the restarted server initialised again:\n{}",
        banner.join("\n")
    );
    wait_healthy(&server.office_url).await;
    let again = Browser::new(&server.office_url);
    again.get("/login").await.assert_status(200);
    again
        .post_form(
            "/login",
            &[("username", "sysadmin"), ("password", &password)],
        )
        .await
        .assert_redirect("/login/totp");

    let url = pg_url.unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("dangjian.db").display()
        )
    });
    let store = Store::connect(&StoreOptions::new(url))
        .await
        .expect("open the database");
    let mut conn = store.read().await.expect("connection");
    let site = dangjian_store::org::sites(&mut conn).await.expect("sites")[0].id;
    let units = dangjian_store::org::units(&mut conn, site)
        .await
        .expect("units");
    drop(conn);
    store.close().await;
    let missing: Vec<&String> = acknowledged
        .iter()
        .filter(|name| !units.iter().any(|u| &u.name == *name))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged units lost after kill -9: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    eprintln!(
        "kill -9: {} units acknowledged, all present ({} units in the database)",
        acknowledged.len(),
        units.len()
    );
}
