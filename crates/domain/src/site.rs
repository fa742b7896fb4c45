//! Rules for a site's settings that are not plain text.

use crate::Invalid;

/// The public address of the site (网站地址) as readers reach it, e.g.
/// `https://www.xndj.gov.cn`: feeds, the sitemap and the office's "view on
/// the site" links use it instead of trusting the request's Host header.
/// Empty is none. Only scheme, host name and port; no path, user, query
/// or IPv6 literal.
pub fn parse_site_origin(input: &str, field: &str) -> Result<String, Invalid> {
    let value = input.trim().trim_end_matches('/');
    if value.is_empty() {
        return Ok(String::new());
    }
    let invalid = || Invalid::one(field, "site.error.origin");
    let lower = value.to_ascii_lowercase();
    let (scheme, rest) = lower
        .split_once("://")
        .filter(|(s, _)| matches!(*s, "http" | "https"))
        .ok_or_else(invalid)?;
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        && !host.starts_with(['.', '-']);
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0));
    if host_ok && port_ok {
        Ok(format!("{scheme}://{rest}"))
    } else {
        Err(invalid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_origins_are_scheme_host_and_port_only() {
        assert_eq!(parse_site_origin("", "u").unwrap(), "");
        assert_eq!(
            parse_site_origin(" https://WWW.Xndj.gov.cn/ ", "u").unwrap(),
            "https://www.xndj.gov.cn"
        );
        assert_eq!(
            parse_site_origin("http://127.0.0.1:8080", "u").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "www.xndj.gov.cn",
            "ftp://x.cn",
            "https://x.cn/path",
            "https://user@x.cn",
            "https://x.cn?q=1",
            "https://x.cn:99999",
            "javascript://x",
            "https://",
            "https://x cn",
        ] {
            assert!(parse_site_origin(bad, "u").is_err(), "{bad}");
        }
    }
}
