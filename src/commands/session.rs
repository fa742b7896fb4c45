//! Console commands that act as a named person log in for that one command,
//! with the same password, lockout and second-factor rules as the office.

use dangjian_app::App;
use dangjian_app::actor::Actor;

use crate::cli::Credentials;
use crate::failure::{Failure, Outcome, describe};

const PASSWORD_ENV: &str = "DANGJIAN_PASSWORD";

/// Authenticates the person named by `--as` / `DANGJIAN_AS`.
pub async fn act_as(app: &App, credentials: &Credentials) -> Outcome<Actor> {
    let username = credentials
        .acting_user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            Failure::config(
                "this command acts as a named person: pass --as USERNAME or set DANGJIAN_AS \
                 / 此命令须以具体人员身份执行：请使用 --as 用户名 或设置 DANGJIAN_AS",
            )
        })?;
    if !app.is_initialised().await? {
        return Err(Failure::refused(describe(
            &dangjian_app::AppError::NotInitialised,
        )));
    }
    let password = password(username)?;
    let otp = credentials
        .otp
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let actor = app.console_login(username, &password, otp).await?;
    Ok(actor)
}

/// From `DANGJIAN_PASSWORD`, else asked at the terminal without echo.
fn password(username: &str) -> Outcome<String> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(password);
    }
    rpassword::prompt_password(format!("{username} 的密码 / password for {username}: ")).map_err(
        |e| {
            Failure::config(format!(
                "cannot read the password from the terminal ({e}); set {PASSWORD_ENV} \
             / 无法从终端读取密码，请设置 {PASSWORD_ENV}"
            ))
        },
    )
}
