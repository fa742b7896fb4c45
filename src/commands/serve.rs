//! `dangjian serve`: the public website and the office on their two
//! listeners, until ctrl-c or SIGTERM.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use dangjian_app::setup::InitRequest;
use dangjian_web::WebOptions;

use super::open_app;
use super::setup::{print_accounts, print_first_login};
use crate::config::Settings;
use crate::failure::{Failure, Outcome};

pub async fn serve(settings: &Settings) -> Outcome {
    let app = open_app(settings).await?;
    if !app.is_initialised().await? {
        let report = app.initialise(&InitRequest::default()).await?;
        print_accounts(
            "首次启动：已创建三员账号 / First start: the three administrator accounts were created",
            &report,
        );
        println!();
    }
    let options = WebOptions {
        public_addr: settings.public_addr,
        office_addr: settings.office_addr,
        secure_cookies: settings.secure_cookies,
        trusted_proxies: settings.trusted_proxies.clone(),
    };
    let store = app.store().clone();
    let server = dangjian_web::bind(app, options).await.map_err(|e| {
        Failure::config(format!(
            "cannot listen on public_addr {} and office_addr {} / 无法监听端口: {e}",
            settings.public_addr, settings.office_addr
        ))
    })?;
    let public = server.public_addr().map_err(listener_failed)?;
    let office = server.office_addr().map_err(listener_failed)?;
    let office_login = format!("{}login", base_url(office, false));
    println!("公开网站 / Public site: {}", base_url(public, false));
    println!("办公后台 / Office:      {office_login}");
    if settings.secure_cookies {
        println!(
            "secure_cookies is on: reach the office through its HTTPS address / 已启用安全 Cookie，请通过 HTTPS 地址访问办公后台"
        );
    }
    print_first_login(Some(&office_login));
    tracing::info!(%public, %office, database = %settings.database_url_for_display(), "serving");
    server
        .run(shutdown())
        .await
        .map_err(|e| Failure::refused(format!("the server stopped / 服务异常停止: {e}")))?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

fn listener_failed(error: std::io::Error) -> Failure {
    Failure::refused(format!("listener failed / 监听失败: {error}"))
}

/// `http://127.0.0.1:8080/` for display: an unspecified address (`[::]`,
/// `0.0.0.0`) is shown as the local machine.
pub fn base_url(addr: SocketAddr, https: bool) -> String {
    let scheme = if https { "https" } else { "http" };
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => Ipv4Addr::LOCALHOST.to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "localhost".to_owned(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("{scheme}://{host}:{}/", addr.port())
}

/// Completes at ctrl-c or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down / 正在停止");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_are_shown_as_the_local_machine() {
        assert_eq!(
            base_url("0.0.0.0:8080".parse().unwrap(), false),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(
            base_url("[::]:8080".parse().unwrap(), false),
            "http://localhost:8080/"
        );
        assert_eq!(
            base_url("[::1]:8081".parse().unwrap(), true),
            "https://[::1]:8081/"
        );
        assert_eq!(
            base_url("192.168.1.5:80".parse().unwrap(), false),
            "http://192.168.1.5:80/"
        );
    }
}
