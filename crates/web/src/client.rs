//! The client's address: the socket peer, or the first untrusted hop of
//! `X-Forwarded-For` when the peer is a trusted proxy.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use dangjian_app::actor::Client;

use crate::state::AppState;

/// Extracts the client (address and user agent) of a request.
pub struct ClientInfo(pub Client);

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let addr = client_addr(peer, parts, &state.options.trusted_proxies);
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Ok(ClientInfo(Client::new(addr, user_agent)))
    }
}

fn client_addr(peer: Option<IpAddr>, parts: &Parts, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer.map(canonical) else {
        return "unknown".into();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    forwarded
        .rsplit(',')
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .map(canonical)
        .find(|hop| !trusted.contains(hop))
        .unwrap_or(peer)
        .to_string()
}

/// IPv4 clients reach a dual-stack listener as `::ffff:a.b.c.d`; record them
/// as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}
