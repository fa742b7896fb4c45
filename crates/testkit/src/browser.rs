//! A browser for tests: its own cookie jar, redirects NOT followed (tests
//! assert where they lead), and the anti-forgery token of the last page it
//! saw added to every form it posts.

use std::sync::Mutex;

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, RequestBuilder, redirect};

/// The boundary of the multipart bodies `Browser::post_file` sends.
const BOUNDARY: &str = "dangjian-test-boundary-7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body with one file field.
fn multipart(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// What a request returned.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The `Location` header of a redirect.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    pub fn is_redirect(&self) -> bool {
        (300..400).contains(&self.status)
    }

    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    /// Panics with the page (start of it) if `text` is not on it.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} on the page (status {}); page:\n{}",
            self.status,
            excerpt(&self.body)
        );
        self
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(
            self.status,
            status,
            "unexpected status (location {:?}); page:\n{}",
            self.location(),
            excerpt(&self.body)
        );
        self
    }

    /// Asserts a redirect (302/303/307) whose target starts with `prefix`.
    #[track_caller]
    pub fn assert_redirect(&self, prefix: &str) -> &Self {
        assert!(
            self.is_redirect(),
            "expected a redirect to {prefix}, got status {}; page:\n{}",
            self.status,
            excerpt(&self.body)
        );
        let location = self.location().unwrap_or_default();
        assert!(
            location.starts_with(prefix),
            "expected a redirect to {prefix}, got one to {location}"
        );
        self
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", excerpt(&self.body)))
    }
}

fn excerpt(body: &str) -> String {
    body.chars().take(4000).collect()
}

/// The `_csrf` value of the first form on an HTML page.
pub fn scrape_csrf(html: &str) -> Option<String> {
    let marker = "name=\"_csrf\"";
    let at = html.find(marker)?;
    let rest = &html[at + marker.len()..];
    let value_at = rest.find("value=\"")?;
    let tag_end = rest.find('>').unwrap_or(rest.len());
    if value_at > tag_end {
        return None;
    }
    let value = &rest[value_at + "value=\"".len()..];
    value.find('"').map(|end| value[..end].to_owned())
}

/// The text between `<tag … id="id" …>` and the next `<`.
pub fn element_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let at = html.find(&marker)?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')? + start;
    Some(rest[start..end].trim().to_owned())
}

pub struct Browser {
    client: reqwest::Client,
    base: String,
    csrf: Mutex<Option<String>>,
}

impl Browser {
    /// A new browser (empty cookie jar) for the server at `base`
    /// (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .user_agent("dangjian-testkit")
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("build the HTTP client");
        Browser {
            client,
            base: base.trim_end_matches('/').to_owned(),
            csrf: Mutex::new(None),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// The anti-forgery token of the last page that had one.
    pub fn csrf(&self) -> Option<String> {
        self.csrf.lock().expect("csrf lock").clone()
    }

    pub fn set_csrf(&self, token: Option<String>) {
        *self.csrf.lock().expect("csrf lock") = token;
    }

    /// A request to build further (headers, bodies); send it with `send`.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// Sends a request and remembers the anti-forgery token of the page.
    pub async fn send(&self, request: RequestBuilder) -> Reply {
        let response = request.send().await.expect("HTTP request failed");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.expect("read the response body");
        if let Some(token) = scrape_csrf(&body) {
            self.set_csrf(Some(token));
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Posts one file as `multipart/form-data` (an upload), with the given
    /// CSRF header (if any).
    pub async fn post_file(
        &self,
        path: &str,
        name: &str,
        bytes: &[u8],
        csrf: Option<&str>,
    ) -> Reply {
        let mut request = self
            .request(Method::POST, path)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(name, bytes));
        if let Some(token) = csrf {
            request = request.header("x-csrf-token", token);
        }
        self.send(request).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.request(Method::GET, path)).await
    }

    /// GET, then follow redirects (at most 10); returns the last reply.
    pub async fn get_following(&self, path: &str) -> Reply {
        let mut reply = self.get(path).await;
        for _ in 0..10 {
            match reply.location() {
                Some(next) if reply.is_redirect() => {
                    let next = next.to_owned();
                    reply = self.get(&next).await;
                }
                _ => break,
            }
        }
        reply
    }

    /// Posts a form with the last page's `_csrf` added (unless the fields
    /// carry one already).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if !fields.iter().any(|(k, _)| k == "_csrf")
            && let Some(token) = self.csrf()
        {
            fields.push(("_csrf".into(), token));
        }
        self.send(self.request(Method::POST, path).form(&fields))
            .await
    }

    /// Posts a form exactly as given (no `_csrf` added).
    pub async fn post_form_raw(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(self.request(Method::POST, path).form(fields))
            .await
    }

    /// Posts a form with the `_csrf` added and extra headers.
    pub async fn post_form_with_headers(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Some(token) = self.csrf() {
            fields.push(("_csrf".into(), token));
        }
        let mut request = self.request(Method::POST, path).form(&fields);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request).await
    }

    /// A JSON request exactly as given: the body (if any) as JSON, and the
    /// `X-CSRF-Token` header only when `csrf` is given (the remembered
    /// token is not added).
    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        csrf: Option<&str>,
    ) -> Reply {
        let headers: Vec<(&str, &str)> = csrf.map(|t| ("X-CSRF-Token", t)).into_iter().collect();
        self.send_json_with_headers(method, path, body, &headers)
            .await
    }

    /// A JSON request with exactly the headers given (nothing added).
    pub async fn send_json_with_headers(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.request(method, path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// A JSON request with the `X-CSRF-Token` header for state changes.
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Reply {
        let mut request = self.request(method.clone(), path);
        if method != Method::GET
            && let Some(token) = self.csrf()
        {
            request = request.header("X-CSRF-Token", token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }
}
