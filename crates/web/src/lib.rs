//! HTTP for dangjian. Two routers on two listeners: the public one (the
//! Internet side) and the office one (the department LAN). Office handlers
//! are mounted only on the office router, so nothing internal can be reached
//! from the public listener, whatever the path.

rust_i18n::i18n!("locales", fallback = "zh-CN");

mod api;
mod assets;
mod client;
mod csrf;
mod error;
mod headers;
mod i18n;
mod mail;
mod media;
mod metrics;
mod office;
mod page;
mod pages;
mod portal;
mod public;
mod search;
mod session;
mod state;

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::serve::ListenerExt;
use dangjian_app::App;
use tokio::net::TcpListener;

pub use i18n::Locale;
pub use mail::mail_composer;
pub use state::AppState;

/// How the listeners are set up.
#[derive(Debug, Clone)]
pub struct WebOptions {
    pub public_addr: SocketAddr,
    pub office_addr: SocketAddr,
    /// Mark cookies `Secure` (the office is reached over HTTPS, directly or
    /// through a proxy).
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` is believed for the client address.
    pub trusted_proxies: Vec<IpAddr>,
}

/// Both listeners, bound and ready to serve.
pub struct Server {
    state: AppState,
    public: TcpListener,
    office: TcpListener,
}

/// Binds both listeners (port 0 picks a free port).
pub async fn bind(app: App, options: WebOptions) -> io::Result<Server> {
    let public = TcpListener::bind(options.public_addr).await?;
    let office = TcpListener::bind(options.office_addr).await?;
    let state = AppState {
        app,
        options: Arc::new(options),
        metrics: metrics::handle(),
    };
    Ok(Server {
        state,
        public,
        office,
    })
}

/// The public router (the Internet side).
pub fn public_router(state: AppState) -> Router {
    public::router(state)
}

/// The office router (the department LAN).
pub fn office_router(state: AppState) -> Router {
    office::router(state)
}

impl Server {
    pub fn public_addr(&self) -> io::Result<SocketAddr> {
        self.public.local_addr()
    }

    pub fn office_addr(&self) -> io::Result<SocketAddr> {
        self.office.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes open requests.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        tokio::spawn(sweep_periodically(self.state.app.clone(), stopped.clone()));
        tokio::spawn(dangjian_app::review::scheduler::run_scheduler(
            self.state.app.clone(),
            node_name(),
            stopped.clone(),
        ));
        if self.state.app.mail_enabled() {
            tokio::spawn(dangjian_app::mail::run_mailer(
                self.state.app.clone(),
                node_name(),
                mail_composer(),
                stopped.clone(),
            ));
        }
        tokio::spawn(dangjian_app::search::run_indexer(
            self.state.app.clone(),
            stopped.clone(),
        ));
        tokio::spawn(flush_visits_periodically(
            self.state.app.clone(),
            stopped.clone(),
        ));
        tokio::spawn(metrics::upkeep_periodically(
            self.state.metrics.clone(),
            stopped.clone(),
        ));
        let app = self.state.app.clone();
        let public = serve_public(
            self.public,
            public::service(self.state.clone()),
            stopped.clone(),
        );
        let office = serve(self.office, office_router(self.state), stopped);
        let served = tokio::try_join!(public, office);
        // The views counted since the last batch.
        if let Err(error) = app.flush_visits().await {
            tracing::warn!(%error, "writing the last visit counts failed");
        }
        served?;
        Ok(())
    }
}

/// How this node names itself in the scheduler's claims: host and process.
fn node_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "node".to_owned());
    format!("{host}:{}", std::process::id())
}

/// Every ten seconds, writes the page views counted in memory.
async fn flush_visits_periodically(app: App, mut stopped: tokio::sync::watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(10));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                if let Err(error) = app.flush_visits().await {
                    tracing::warn!(%error, "writing visit counts failed");
                }
            }
            _ = stopped.changed() => break,
        }
    }
}

/// Every ten minutes, drops sessions and login failures that no longer count.
async fn sweep_periodically(app: App, mut stopped: tokio::sync::watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = interval.tick() => {
                if let Err(error) = app.sweep_expired().await {
                    tracing::warn!(%error, "sweeping expired sessions failed");
                }
            }
            _ = stopped.changed() => break,
        }
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> io::Result<()> {
    // Without TCP_NODELAY small responses wait on Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    })
    .await
}

/// The public listener: `PublicService` per connection, told its peer.
async fn serve_public(
    listener: TcpListener,
    service: public::PublicService,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> io::Result<()> {
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, MakePublic(service))
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await
}

/// Makes the public service of each accepted connection.
#[derive(Clone)]
struct MakePublic(public::PublicService);

impl<L> tower::Service<axum::serve::IncomingStream<'_, L>> for MakePublic
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    type Response = public::PublicService;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, stream: axum::serve::IncomingStream<'_, L>) -> Self::Future {
        std::future::ready(Ok(self.0.for_peer(*stream.remote_addr())))
    }
}
