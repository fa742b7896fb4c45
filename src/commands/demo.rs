//! `dangjian demo`: initialises the installation if needed, fills it with
//! the generated demo site, prints what was made and how to look at it, and
//! then serves it like `serve` (unless `--no-serve`).

use dangjian_app::demo::DemoRequest;
use dangjian_app::setup::InitRequest;

use super::open_app;
use super::serve::{base_url, serve};
use super::setup::{print_accounts, print_first_login};
use crate::cli::DemoArgs;
use crate::config::Settings;
use crate::failure::Outcome;

pub async fn demo(settings: &Settings, args: &DemoArgs) -> Outcome {
    let app = open_app(settings).await?;
    if !app.is_initialised().await? {
        let report = app.initialise(&InitRequest::default()).await?;
        print_accounts(
            "首次启动：已创建三员账号 / First start: the three administrator accounts were created",
            &report,
        );
        println!();
    }
    let request = DemoRequest {
        articles: args.articles,
    };
    let report = app.lay_demo(&request).await?;
    app.store().close().await;
    drop(app);

    let (zh, en) = if report.refreshed {
        ("已刷新演示站点", "Demo site refreshed")
    } else {
        ("已创建演示站点", "Demo site created")
    };
    println!("{zh} / {en}:");
    println!(
        "  {} 个栏目、{} 篇文章、{} 个媒体文件 / {} columns, {} articles, {} media files ({} ms)",
        report.columns,
        report.articles,
        report.media,
        report.columns,
        report.articles,
        report.media,
        report.elapsed_ms
    );
    if report.refreshed {
        println!(
            "  替换了上次的 {} 篇演示文章 / replaced {} articles of the earlier demo",
            report.removed, report.removed
        );
    }
    if report.views > 0 {
        println!(
            "  访问统计：近 12 个月共 {} 次浏览 / visit statistics: {} page views over 12 months",
            report.views, report.views
        );
    }
    let public = base_url(settings.public_addr, false);
    let office = format!("{}login", base_url(settings.office_addr, false));
    println!("  公开网站 / Public site: {public}");
    println!("  办公后台 / Office:      {office}");
    println!(
        "  登录：sysadmin / secadmin / auditadmin，密码见首次初始化时的输出 / Log in as sysadmin, secadmin or"
    );
    println!(
        "  auditadmin with the one-time password printed when the installation was initialised."
    );
    println!();
    if args.no_serve {
        println!("运行 `dangjian serve` 即可浏览 / Run `dangjian serve` to browse it.");
        print_first_login(None);
        return Ok(());
    }
    serve(settings).await
}
