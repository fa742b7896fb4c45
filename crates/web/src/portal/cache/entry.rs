//! One kept page: its bytes in every coding, made once when it is stored,
//! and the headers of its answers, also built once, so that answering from
//! the cache is a look-up and a copy of a few pointers.

use std::io::Write;
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use dangjian_app::domain::visit::PageRef;
use sha2::{Digest, Sha256};

use super::Tags;
use crate::metrics::CachedSeries;

pub(super) struct Entry {
    /// The page in each coding (`Coding` order: identity, gzip, brotli).
    bodies: [Bytes; 3],
    /// The headers of a 200 answer in each coding: everything but the date
    /// (hyper's) and the request id (per request), security headers
    /// included, since cached answers may skip the layers that add them.
    headers: [HeaderMap; 3],
    /// Quoted hash of the identity bytes (the compressed versions add a
    /// suffix).
    etag: String,
    last_modified: SystemTime,
    pub(super) fresh_until_ms: i64,
    pub(super) tags: Tags,
    /// The page counted for the statistics when a person reads it.
    pub(super) page: Option<PageRef>,
    /// The request metrics of answers made straight from this page.
    pub(super) series: CachedSeries,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Coding {
    Identity = 0,
    Gzip = 1,
    Brotli = 2,
}

impl Coding {
    const ALL: [Coding; 3] = [Coding::Identity, Coding::Gzip, Coding::Brotli];

    fn name(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// What an entry is made of, besides the bytes.
pub(super) struct Made {
    pub content_type: HeaderValue,
    pub tags: Tags,
    pub page: Option<PageRef>,
    /// The matched route pattern, for the metrics.
    pub route: String,
    pub now_ms: i64,
    pub fresh_for_ms: i64,
}

impl Entry {
    pub(super) fn new(identity: Bytes, made: Made) -> Entry {
        let digest = Sha256::digest(&identity);
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        let last_modified = SystemTime::now();
        let bodies = [Bytes::from(gzip(&identity)), Bytes::from(brotli(&identity))];
        let [gzip, brotli] = bodies;
        let bodies = [identity, gzip, brotli];
        let headers = Coding::ALL.map(|coding| {
            answer_headers(
                &made.content_type,
                coding,
                &tagged_etag(&etag, coding),
                last_modified,
                bodies[coding as usize].len(),
            )
        });
        Entry {
            bodies,
            headers,
            etag,
            last_modified,
            fresh_until_ms: made.now_ms + made.fresh_for_ms,
            tags: made.tags,
            page: made.page,
            series: CachedSeries::new(&made.route),
        }
    }

    /// The answer to a request with headers `asked`: the page in the best
    /// coding the client accepts, or 304 if it holds it already.
    pub(super) fn answer(&self, asked: &HeaderMap) -> Response {
        let coding = coding(asked);
        let headers = &self.headers[coding as usize];
        if self.not_modified(asked) {
            // A 304 carries what a 200 would, in the same order, less the
            // description of the body it does not have.
            let mut held = HeaderMap::with_capacity(headers.len());
            for (name, value) in headers {
                let body = [
                    header::CONTENT_TYPE,
                    header::CONTENT_ENCODING,
                    header::CONTENT_LENGTH,
                ];
                if !body.contains(name) {
                    held.append(name.clone(), value.clone());
                }
            }
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            *response.headers_mut() = held;
            return response;
        }
        let mut response = Response::new(Body::from(self.bodies[coding as usize].clone()));
        *response.headers_mut() = headers.clone();
        response
    }

    /// Whether the client already holds this page.
    fn not_modified(&self, asked: &HeaderMap) -> bool {
        if let Some(tags) = asked
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        {
            let known = Coding::ALL.map(|c| tagged_etag(&self.etag, c));
            return tags
                .split(',')
                .map(|t| t.trim().trim_start_matches("W/"))
                .any(|t| t == "*" || known.iter().any(|k| k == t));
        }
        asked
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| {
                let whole_seconds = httpdate::fmt_http_date(self.last_modified);
                httpdate::parse_http_date(&whole_seconds).is_ok_and(|modified| modified <= since)
            })
    }
}

/// The headers of a 200 answer, in the order the full route adds them.
fn answer_headers(
    content_type: &HeaderValue,
    coding: Coding,
    etag: &str,
    last_modified: SystemTime,
    length: usize,
) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(16);
    headers.insert(header::CONTENT_TYPE, content_type.clone());
    if let Some(name) = coding.name() {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    if let Ok(etag) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, etag);
    }
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(last_modified)) {
        headers.insert(header::LAST_MODIFIED, date);
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    crate::headers::add_security(&mut headers);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        let _ = writer.write_all(bytes);
    }
    out
}

/// The best coding the client accepts (brotli, then gzip). Reads the header
/// in place: this runs for every cached answer.
pub(super) fn coding(headers: &HeaderMap) -> Coding {
    let mut gzip = false;
    let accepted = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for part in accepted {
        let mut pieces = part.split(';');
        let name = pieces.next().unwrap_or_default().trim();
        let refused = pieces.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        if refused {
            continue;
        }
        if name.eq_ignore_ascii_case("br") {
            return Coding::Brotli;
        }
        gzip |= name.eq_ignore_ascii_case("gzip") || name.eq_ignore_ascii_case("x-gzip");
    }
    if gzip { Coding::Gzip } else { Coding::Identity }
}

fn tagged_etag(etag: &str, coding: Coding) -> String {
    let base = etag.trim_end_matches('"');
    match coding {
        Coding::Identity => etag.to_owned(),
        Coding::Gzip => format!("{base}-gz\""),
        Coding::Brotli => format!("{base}-br\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn entry(body: &'static [u8]) -> Entry {
        Entry::new(
            Bytes::from_static(body),
            Made {
                content_type: HeaderValue::from_static("text/html"),
                tags: Tags::default(),
                page: None,
                route: "/".into(),
                now_ms: 0,
                fresh_for_ms: 1,
            },
        )
    }

    #[test]
    fn cache_picks_the_best_accepted_coding() {
        assert_eq!(
            coding(&headers(&[("accept-encoding", "gzip, deflate, br")])),
            Coding::Brotli
        );
        assert_eq!(
            coding(&headers(&[("accept-encoding", "gzip, br;q=0")])),
            Coding::Gzip
        );
        assert_eq!(
            coding(&headers(&[("accept-encoding", "BR;q=0.5, GZIP")])),
            Coding::Brotli
        );
        assert_eq!(
            coding(&headers(&[("accept-encoding", "identity")])),
            Coding::Identity
        );
        assert_eq!(coding(&HeaderMap::new()), Coding::Identity);
    }

    #[test]
    fn cache_entries_answer_304_on_any_of_their_etags() {
        let entry = entry(b"<p>x</p>");
        let gz = tagged_etag(&entry.etag, Coding::Gzip);
        assert!(entry.not_modified(&headers(&[("if-none-match", &gz)])));
        assert!(entry.not_modified(&headers(&[("if-none-match", &entry.etag)])));
        assert!(!entry.not_modified(&headers(&[("if-none-match", "\"other\"")])));
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(
            &mut &entry.bodies[Coding::Brotli as usize][..],
            &mut decoded,
        )
        .unwrap();
        assert_eq!(decoded, b"<p>x</p>");
    }

    #[test]
    fn cache_answers_carry_the_security_headers_and_their_length() {
        let entry = entry(b"<p>y</p>");
        let ok = entry.answer(&headers(&[("accept-encoding", "gzip")]));
        assert_eq!(ok.status(), StatusCode::OK);
        let length = entry.bodies[Coding::Gzip as usize].len().to_string();
        assert_eq!(ok.headers()[header::CONTENT_LENGTH], length.as_str());
        assert_eq!(ok.headers()[header::CONTENT_ENCODING], "gzip");
        for (name, value) in crate::headers::SECURITY {
            assert_eq!(ok.headers()[name], value, "{name}");
        }
        let etag = ok.headers()[header::ETAG].to_str().unwrap().to_owned();
        let held = entry.answer(&headers(&[
            ("accept-encoding", "gzip"),
            ("if-none-match", &etag),
        ]));
        assert_eq!(held.status(), StatusCode::NOT_MODIFIED);
        assert!(held.headers().get(header::CONTENT_TYPE).is_none());
        assert!(held.headers().get(header::CONTENT_LENGTH).is_none());
        assert_eq!(held.headers()[header::ETAG], etag.as_str());
        assert_eq!(held.headers()["x-frame-options"], "DENY");
        // The same headers in the same order, less those of the body.
        let body = ["content-type", "content-encoding", "content-length"];
        let names = |response: &Response| -> Vec<String> {
            let names = response.headers().keys().map(|n| n.as_str().to_owned());
            names.filter(|n| !body.contains(&n.as_str())).collect()
        };
        assert_eq!(names(&held), names(&ok));
    }
}
