//! The public listener: only public routes exist here.
//!
//! Most of its traffic is portal pages the page cache already holds. Those
//! are answered by `PublicService` before the router: a kept page's answer
//! is built once (headers included), so the request id, trace, time limit,
//! body limit, header, metrics and error layers would only add their cost.
//! Everything else (a miss, another path or method) takes the full router,
//! which answers a kept page the same way.

use std::convert::Infallible;
use std::future::{Future, Ready, ready};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use axum::{BoxError, Router, middleware};
use serde_json::json;
use tower::Service;

use crate::error::WebError;
use crate::portal::cache::{self, PageCache};
use crate::state::AppState;
use crate::{assets, error, headers, metrics};

/// The public router alone (every request takes the full way).
pub fn router(state: AppState) -> Router {
    service(state).router
}

/// The public listener's service: the page cache first, then the router.
pub fn service(state: AppState) -> PublicService {
    let cache = PageCache::new(state.app.clone(), cache::enabled_by_env());
    // The portal's pages (home, columns, articles, archive, feeds, sitemap)
    // sit behind the page cache; health, assets and media do not.
    let routes = Router::new()
        .merge(crate::portal::router(&cache))
        .route("/api/v1/search", get(crate::portal::search::api))
        .route("/healthz", get(healthz))
        .route("/assets/{name}", get(assets::serve))
        .route("/media/{file}", get(crate::media::serve))
        .fallback(|| async { WebError::NotFound });
    let router = headers::common_layers(routes)
        .layer(middleware::from_fn(|r, n| metrics::track("public", r, n)))
        .layer(middleware::from_fn(error::render))
        .with_state(state);
    PublicService {
        cache,
        router,
        peer: None,
    }
}

/// Answers kept pages directly and hands everything else to the router.
#[derive(Clone)]
pub struct PublicService {
    cache: Arc<PageCache>,
    router: Router,
    /// The connection's peer, for the router's handlers (`ConnectInfo`).
    peer: Option<SocketAddr>,
}

impl PublicService {
    /// The service of one connection from `peer`.
    pub fn for_peer(&self, peer: SocketAddr) -> PublicService {
        PublicService {
            peer: Some(peer),
            ..self.clone()
        }
    }
}

impl<B> Service<Request<B>> for PublicService
where
    B: HttpBody<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Answer<<Router as Service<Request<B>>>::Future>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Neither the cache nor the router ever waits to take a request.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        if let Some(response) = self.cache.answer_directly(&request) {
            return Answer::Direct(ready(Ok(response)));
        }
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        Answer::Routed(self.router.call(request))
    }
}

/// The answer of `PublicService`: made already, or the router's.
pub enum Answer<F> {
    Direct(Ready<Result<Response, Infallible>>),
    Routed(F),
}

// The router's future is `Unpin` (a boxed future inside), so no pinning
// projection is needed.
impl<F> Future for Answer<F>
where
    F: Future<Output = Result<Response, Infallible>> + Unpin,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            Answer::Direct(ready) => Pin::new(ready).poll(cx),
            Answer::Routed(routed) => Pin::new(routed).poll(cx),
        }
    }
}

/// Liveness and readiness: the database answers.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.app.healthy().await {
        (axum::http::StatusCode::OK, Json(json!({"status": "ok"})))
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "database unavailable"})),
        )
    }
}
