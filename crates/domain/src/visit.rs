//! Visit statistics without cookies or personal data: which page was read,
//! the referring site's host (not the full address), the device class from
//! the User-Agent, and whether the reader is a program rather than a person.

/// What kind of portal page was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageKind {
    Home,
    Column,
    Article,
    Archive,
}

impl PageKind {
    pub fn code(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Column => "column",
            PageKind::Article => "article",
            PageKind::Archive => "archive",
        }
    }

    pub fn from_code(code: &str) -> Option<PageKind> {
        match code {
            "home" => Some(PageKind::Home),
            "column" => Some(PageKind::Column),
            "article" => Some(PageKind::Article),
            "archive" => Some(PageKind::Archive),
            _ => None,
        }
    }
}

/// A counted page: its kind and the id of the article or column (0 for the
/// homepage and the archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageRef {
    pub kind: PageKind,
    pub id: i64,
}

impl PageRef {
    /// `home`, `archive`, `article:12`, `column:3`.
    pub fn parse(text: &str) -> Option<PageRef> {
        let (kind, id) = match text.split_once(':') {
            Some((kind, id)) => (kind, id.parse::<i64>().ok().filter(|n| *n > 0)?),
            None => (text, 0),
        };
        let kind = PageKind::from_code(kind)?;
        let needs_id = matches!(kind, PageKind::Article | PageKind::Column);
        (needs_id == (id > 0)).then_some(PageRef { kind, id })
    }

    pub fn code(&self) -> String {
        if self.id > 0 {
            format!("{}:{}", self.kind.code(), self.id)
        } else {
            self.kind.code().to_owned()
        }
    }
}

/// The device class of a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Device {
    Desktop,
    Mobile,
    Tablet,
}

impl Device {
    pub fn code(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
        }
    }

    pub fn from_code(code: &str) -> Option<Device> {
        match code {
            "desktop" => Some(Device::Desktop),
            "mobile" => Some(Device::Mobile),
            "tablet" => Some(Device::Tablet),
            _ => None,
        }
    }

    /// The class a User-Agent names (tablets first: an iPad or an Android
    /// without "Mobile" is a tablet).
    pub fn of_user_agent(agent: &str) -> Device {
        let ua = agent.to_ascii_lowercase();
        if ua.contains("ipad")
            || ua.contains("tablet")
            || (ua.contains("android") && !ua.contains("mobile"))
        {
            Device::Tablet
        } else if [
            "mobile",
            "iphone",
            "ipod",
            "android",
            "harmonyos",
            "windows phone",
        ]
        .iter()
        .any(|m| ua.contains(m))
        {
            Device::Mobile
        } else {
            Device::Desktop
        }
    }
}

/// Programs, not people: an empty User-Agent or one naming a crawler or a
/// scripting tool.
pub fn is_bot(agent: &str) -> bool {
    let ua = agent.trim().to_ascii_lowercase();
    ua.is_empty()
        || [
            "bot", "spider", "crawl", "slurp", "curl", "wget", "python", "headless",
        ]
        .iter()
        .any(|m| ua.contains(m))
}

/// The host of a Referer, lower-cased, without port; empty when there is
/// none, it is not a web address, or it is this site (`own_host`, the Host
/// header, with or without port).
pub fn referrer_domain(referer: &str, own_host: &str) -> String {
    let lower = referer.trim().to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return String::new();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let host = strip_port(authority);
    let own = strip_port(&own_host.trim().to_ascii_lowercase()).to_owned();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-[]:".contains(c));
    if !valid || host == own {
        return String::new();
    }
    host.to_owned()
}

fn strip_port(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        // [v6]:port
        return rest
            .split(']')
            .next()
            .map_or(authority, |h| &authority[..h.len() + 2]);
    }
    authority.split(':').next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visit_bots_are_recognised() {
        assert!(is_bot(""));
        assert!(is_bot("Mozilla/5.0 (compatible; Baiduspider/2.0)"));
        assert!(is_bot("Googlebot/2.1"));
        assert!(is_bot("curl/8.0"));
        assert!(is_bot("python-requests/2.31"));
        assert!(is_bot("Mozilla/5.0 HeadlessChrome/120"));
        assert!(!is_bot(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120"
        ));
    }

    #[test]
    fn visit_devices_follow_the_user_agent() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";
        assert_eq!(Device::of_user_agent(iphone), Device::Mobile);
        let pad = "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)";
        assert_eq!(Device::of_user_agent(pad), Device::Tablet);
        let android_tab = "Mozilla/5.0 (Linux; Android 13; SM-X700) Safari/537.36";
        assert_eq!(Device::of_user_agent(android_tab), Device::Tablet);
        let android_phone = "Mozilla/5.0 (Linux; Android 13; Pixel 7) Mobile Safari/537.36";
        assert_eq!(Device::of_user_agent(android_phone), Device::Mobile);
        let pc = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120";
        assert_eq!(Device::of_user_agent(pc), Device::Desktop);
    }

    #[test]
    fn visit_referrers_keep_only_another_sites_host() {
        assert_eq!(
            referrer_domain("https://www.Baidu.com/s?wd=党建", "dj.gov.cn"),
            "www.baidu.com"
        );
        assert_eq!(referrer_domain("http://dj.gov.cn:8080/a", "dj.gov.cn"), "");
        assert_eq!(referrer_domain("http://dj.gov.cn/a", "dj.gov.cn:80"), "");
        assert_eq!(referrer_domain("", "dj.gov.cn"), "");
        assert_eq!(referrer_domain("android-app://x", "dj.gov.cn"), "");
        assert_eq!(
            referrer_domain("https://u:p@evil.example/", "x"),
            "evil.example"
        );
        assert_eq!(referrer_domain("http://[::1]:8080/", "x"), "[::1]");
    }

    #[test]
    fn visit_pages_parse_and_print() {
        let article = PageRef::parse("article:12").unwrap();
        assert_eq!(article.kind, PageKind::Article);
        assert_eq!(article.code(), "article:12");
        assert_eq!(PageRef::parse("home").unwrap().code(), "home");
        assert!(PageRef::parse("article").is_none());
        assert!(PageRef::parse("home:3").is_none());
        assert!(PageRef::parse("feed").is_none());
    }
}
