//! More nodes of a test's installation: an `App` of its own over the same
//! database, media and clock, with a data directory of its own (so its own
//! search index), optionally serving on loopback ports of its own.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use dangjian_app::clock::Clock;
use dangjian_app::{App, AppConfig, StoreOptions};
use dangjian_domain::audit::HashAlgo;
use dangjian_web::WebOptions;
use tempfile::TempDir;
use tokio::sync::oneshot;

use crate::{Browser, TestApp};

/// A second node, serving.
pub struct Node {
    pub app: App,
    pub public_url: String,
    pub office_url: String,
    /// Its data directory (removed when the node is dropped).
    pub dir: TempDir,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Node {
    pub fn public(&self) -> Browser {
        Browser::new(&self.public_url)
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds both listeners of `app` on free loopback ports and serves them in
/// the background until the returned sender is used (or dropped).
pub(crate) async fn serve(app: &App) -> (String, String, oneshot::Sender<()>) {
    let loopback: SocketAddr = "127.0.0.1:0".parse().expect("loopback address");
    let options = WebOptions {
        public_addr: loopback,
        office_addr: loopback,
        secure_cookies: false,
        trusted_proxies: vec![],
    };
    let server = dangjian_web::bind(app.clone(), options)
        .await
        .expect("bind the listeners");
    let public_url = format!("http://{}", server.public_addr().expect("public address"));
    let office_url = format!("http://{}", server.office_addr().expect("office address"));
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.await;
        };
        if let Err(error) = server.run(shutdown).await {
            eprintln!("test server stopped with an error: {error}");
        }
    });
    (public_url, office_url, stop)
}

impl TestApp {
    /// Another `App` of this installation whose data directory is
    /// `data_dir` (nothing runs in the background: the test drives it).
    pub async fn open_node(&self, data_dir: &Path) -> App {
        let config = AppConfig {
            data_dir: data_dir.to_path_buf(),
            audit_hash: HashAlgo::Sm3,
            totp_issuer: "dangjian-test".into(),
            object_store: dangjian_app::media::ObjectStoreConfig::local_in(
                self.database.dir.path(),
            ),
        };
        let clock: Arc<dyn Clock> = Arc::new(self.clock.clone());
        App::open(&StoreOptions::new(self.database.url.clone()), clock, config)
            .await
            .unwrap_or_else(|e| panic!("cannot open another node: {e}"))
    }

    /// Another node, serving on loopback ports of its own.
    pub async fn start_node(&self) -> Node {
        let dir = TempDir::new().expect("a data directory");
        let app = self.open_node(dir.path()).await;
        let (public_url, office_url, stop) = serve(&app).await;
        Node {
            app,
            public_url,
            office_url,
            dir,
            shutdown: Some(stop),
        }
    }
}
