//! `dangjian user …`: accounts and roles, as a named administrator.

use dangjian_app::accounts::{AccountDetail, AccountForm};
use dangjian_app::actor::Actor;
use dangjian_app::records::User;
use dangjian_app::roles::GrantForm;
use dangjian_app::{App, AppError};
use dangjian_domain::ids::{GrantId, UnitId, UserId};

use super::open_app;
use super::session::act_as;
use crate::cli::{UserArgs, UserCommand};
use crate::config::Settings;
use crate::failure::{Failure, Outcome};
use crate::output::{fields, role_label, table, time};

pub async fn run(settings: &Settings, args: UserArgs) -> Outcome {
    let app = open_app(settings).await?;
    let actor = act_as(&app, &args.credentials).await?;
    match args.command {
        UserCommand::Add {
            username,
            name,
            phone,
            unit,
            section,
            email,
        } => {
            let form = AccountForm {
                username,
                display_name: name,
                phone,
                unit_id: unit.to_string(),
                section_id: section.map(|s| s.to_string()).unwrap_or_default(),
                email: Some(email),
            };
            add(&app, &actor, &form).await
        }
        UserCommand::List { unit, search } => list(&app, &actor, unit.map(UnitId), &search).await,
        UserCommand::Show { username } => show(&app, &actor, &username).await,
        UserCommand::Disable { username } => set_disabled(&app, &actor, &username, true).await,
        UserCommand::Enable { username } => set_disabled(&app, &actor, &username, false).await,
        UserCommand::ResetPassword { username } => reset_password(&app, &actor, &username).await,
        UserCommand::Grant {
            username,
            role,
            scope,
            scope_id,
        } => {
            let form = GrantForm {
                role,
                scope_kind: scope,
                scope_id: scope_id.to_string(),
            };
            grant(&app, &actor, &username, &form).await
        }
        UserCommand::Revoke { grant_id } => revoke(&app, &actor, grant_id).await,
    }
}

/// The account named `username`, with a clear message when there is none.
async fn find(app: &App, actor: &Actor, username: &str) -> Outcome<AccountDetail> {
    match app.account_by_username(actor, username).await {
        Ok(detail) => Ok(detail),
        Err(AppError::NotFound) => Err(Failure::refused(format!(
            "no account named {username:?} / 没有用户名为 {username} 的账号"
        ))),
        Err(other) => Err(other.into()),
    }
}

async fn id_of(app: &App, actor: &Actor, username: &str) -> Outcome<UserId> {
    Ok(find(app, actor, username).await?.user.id)
}

async fn add(app: &App, actor: &Actor, form: &AccountForm) -> Outcome {
    let created = app.create_account(actor, form).await?;
    println!(
        "已创建账号 / account created: id {}, username {}",
        created.id,
        form.username.trim().to_lowercase()
    );
    println!(
        "一次性密码 / one-time password: {}",
        created.one_time_password
    );
    println!(
        "(只显示这一次；本人首次登录办公后台时须修改 / shown once; the person changes it at first login in the office)"
    );
    Ok(())
}

fn state(user: &User) -> &'static str {
    if user.disabled {
        "停用 disabled"
    } else if user.must_change_password {
        "待首次登录 first login pending"
    } else {
        "正常 active"
    }
}

async fn list(app: &App, actor: &Actor, unit: Option<UnitId>, search: &str) -> Outcome {
    let users = app.accounts(actor, unit, search).await?;
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| {
            vec![
                u.id.to_string(),
                u.username.clone(),
                u.display_name.clone(),
                format!("{} {}", u.unit_id, u.unit_name),
                match (&u.section_id, &u.section_name) {
                    (Some(id), Some(name)) => format!("{id} {name}"),
                    _ => "-".into(),
                },
                state(u).to_owned(),
            ]
        })
        .collect();
    let header = [
        "id",
        "用户名 username",
        "姓名 name",
        "单位 unit",
        "科室 section",
        "状态 state",
    ];
    print!("{}", table(&header, &rows));
    println!("({} accounts / 个账号)", users.len());
    Ok(())
}

async fn show(app: &App, actor: &Actor, username: &str) -> Outcome {
    let AccountDetail { user, grants } = find(app, actor, username).await?;
    let created_by = user
        .created_by_name
        .as_deref()
        .unwrap_or("console / 控制台 (init)");
    let lines = [
        ("id", user.id.to_string()),
        ("用户名 username", user.username.clone()),
        ("姓名 name", user.display_name.clone()),
        ("电话 phone", user.phone.clone()),
        (
            "邮箱 e-mail",
            user.email.clone().unwrap_or_else(|| "-".into()),
        ),
        ("单位 unit", format!("{} {}", user.unit_id, user.unit_name)),
        (
            "科室 section",
            user.section_name.clone().unwrap_or_else(|| "-".into()),
        ),
        ("状态 state", state(&user).to_owned()),
        (
            "动态验证码 TOTP",
            if user.totp_enabled {
                "enrolled / 已绑定"
            } else {
                "not enrolled / 未绑定"
            }
            .into(),
        ),
        ("创建人 created by", created_by.to_owned()),
        ("创建时间 created at", time(user.created_at)),
        (
            "最近登录 last login",
            user.last_login_at.map(time).unwrap_or_else(|| "-".into()),
        ),
    ];
    print!("{}", fields(&lines));
    println!();
    println!("角色 roles:");
    if grants.is_empty() {
        println!("  (none / 无)");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = grants
        .iter()
        .map(|g| {
            vec![
                g.id.to_string(),
                format!("{} ({})", g.role.code(), role_label(g.role)),
                format!(
                    "{}:{} {}",
                    g.scope.kind().code(),
                    g.scope.id(),
                    g.scope_name
                ),
                g.granted_by_name
                    .clone()
                    .unwrap_or_else(|| "console (init)".into()),
                time(g.granted_at),
            ]
        })
        .collect();
    let header = [
        "grant id",
        "角色 role",
        "范围 scope",
        "授予人 granted by",
        "授予时间 granted at",
    ];
    for line in table(&header, &rows).lines() {
        println!("  {line}");
    }
    Ok(())
}

async fn set_disabled(app: &App, actor: &Actor, username: &str, disabled: bool) -> Outcome {
    let id = id_of(app, actor, username).await?;
    app.set_account_disabled(actor, id, disabled).await?;
    if disabled {
        println!("已停用账号 / account disabled: {username}");
    } else {
        println!("已启用账号 / account enabled: {username}");
    }
    Ok(())
}

async fn reset_password(app: &App, actor: &Actor, username: &str) -> Outcome {
    let id = id_of(app, actor, username).await?;
    let password = app.reset_password(actor, id).await?;
    println!("已重置密码 / password reset: {username}");
    println!("新的一次性密码 / new one-time password: {password}");
    println!("(只显示这一次 / shown once)");
    Ok(())
}

async fn grant(app: &App, actor: &Actor, username: &str, form: &GrantForm) -> Outcome {
    let id = id_of(app, actor, username).await?;
    let grant = app.grant_role(actor, id, form).await?;
    println!(
        "已授予角色 / role granted: grant {grant}: {} in {}:{} to {username}",
        form.role, form.scope_kind, form.scope_id
    );
    Ok(())
}

async fn revoke(app: &App, actor: &Actor, grant_id: i64) -> Outcome {
    match app.revoke_role(actor, GrantId(grant_id)).await {
        Ok(()) => {
            println!("已撤销授权 / grant revoked: {grant_id}");
            Ok(())
        }
        Err(AppError::NotFound) => Err(Failure::refused(format!(
            "no grant {grant_id} / 没有编号为 {grant_id} 的授权"
        ))),
        Err(other) => Err(other.into()),
    }
}
