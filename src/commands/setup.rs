//! `dangjian init` and `dangjian migrate`, and how the three administrator
//! accounts are shown once.

use dangjian_app::clock::{Clock as _, SystemClock};
use dangjian_app::setup::{InitReport, InitRequest};
use dangjian_app::{Store, StoreOptions};
use dangjian_store::migrate;

use super::open_app;
use crate::cli::InitArgs;
use crate::config::Settings;
use crate::failure::{Failure, Outcome, message};
use crate::output::{role_label, table};

pub async fn init(settings: &Settings, args: &InitArgs) -> Outcome {
    let app = open_app(settings).await?;
    if app.is_initialised().await? {
        return Err(Failure::refused(format!(
            "{} ({})",
            message("error.init.done"),
            settings.database_url_for_display()
        )));
    }
    let request = InitRequest {
        site_code: args.site_code.clone(),
        site_name: args.site_name.clone(),
        unit_name: args.unit_name.clone(),
        phone: args.phone.clone(),
    };
    let report = app.initialise(&request).await?;
    print_accounts(
        "已创建三员账号 / The three administrator accounts were created",
        &report,
    );
    print_first_login(None);
    Ok(())
}

/// Prints the accounts `init` created with their one-time passwords.
pub fn print_accounts(title: &str, report: &InitReport) {
    let rows: Vec<Vec<String>> = report
        .accounts
        .iter()
        .map(|a| {
            vec![
                role_label(a.role).to_owned(),
                a.username.clone(),
                a.one_time_password.clone(),
            ]
        })
        .collect();
    println!("{title}:");
    println!();
    for line in table(
        &[
            "角色 Role",
            "用户名 Username",
            "一次性密码 One-time password",
        ],
        &rows,
    )
    .lines()
    {
        println!("  {line}");
    }
    println!();
    println!("这些一次性密码只显示这一次，请分别当面交给三位管理员本人。");
    println!(
        "These one-time passwords are shown only this once: hand each to its administrator in person."
    );
}

/// How to log in the first time, with the office address when it is known.
pub fn print_first_login(office_url: Option<&str>) {
    let (zh, en) = match office_url {
        Some(url) => (format!("打开 {url}，"), format!("open {url} and")),
        None => ("在办公后台".to_owned(), "at the office site,".to_owned()),
    };
    println!();
    println!("首次登录：{zh}用用户名和一次性密码登录（来自 dangjian init 或首次启动的输出），");
    println!("          系统会要求设置新密码，并绑定身份验证器应用（TOTP）。");
    println!("First login: {en} log in with a username and its one-time password (printed by");
    println!(
        "             `dangjian init` or at the first start); you will be asked to choose a new"
    );
    println!("             password and to enrol an authenticator app (TOTP).");
}

pub async fn migrate(settings: &Settings) -> Outcome {
    settings.prepare_data_dir()?;
    let open_failed = |detail: String| {
        Failure::config(format!(
            "cannot open the database {} / 无法打开数据库: {detail}",
            settings.database_url_for_display()
        ))
    };
    let store = Store::connect(&StoreOptions::new(settings.database_url.clone()))
        .await
        .map_err(|e| open_failed(e.to_string()))?;
    let applied = migrate::run(&store, SystemClock.now_ms())
        .await
        .map_err(|e| Failure::refused(format!("migration failed / 数据库迁移失败: {e}")))?;
    let mut conn = store.read().await.map_err(|e| open_failed(e.to_string()))?;
    let version = migrate::current_version(&mut conn)
        .await
        .map_err(|e| open_failed(e.to_string()))?;
    drop(conn);
    store.close().await;
    if applied.is_empty() {
        println!("schema already up to date / 数据库结构已是最新");
    } else {
        let list: Vec<String> = applied.iter().map(i64::to_string).collect();
        println!("applied migrations / 已执行迁移: {}", list.join(", "));
    }
    println!(
        "schema version {version} (latest known to this program: {})",
        migrate::latest_version()
    );
    if version > migrate::latest_version() {
        println!(
            "warning: the database was migrated by a newer version of dangjian / 数据库版本高于本程序"
        );
    }
    Ok(())
}
