//! The message catalog (locales/*.yml): Simplified Chinese by default,
//! English second. The reader picks with the `lang` cookie; API clients may
//! also ask with Accept-Language.

use axum::http::HeaderMap;

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        match code.trim().to_ascii_lowercase().as_str() {
            "zh-cn" | "zh" | "zh-hans" => Some(Locale::ZhCn),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language of a page: the one the reader chose with the switch (the
    /// `lang` cookie), else Simplified Chinese — the browser's own language
    /// setting does not turn a Chinese government site into English.
    pub fn from_headers(headers: &HeaderMap) -> Locale {
        crate::session::cookie(headers, "lang")
            .and_then(|v| Locale::from_code(&v))
            .unwrap_or(Locale::ZhCn)
    }

    /// The language of an API answer: the `lang` cookie, then the client's
    /// Accept-Language (API clients say what they read), else Chinese.
    pub fn for_api(headers: &HeaderMap) -> Locale {
        if let Some(locale) =
            crate::session::cookie(headers, "lang").and_then(|v| Locale::from_code(&v))
        {
            return locale;
        }
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        for part in accept.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh") {
                return Locale::ZhCn;
            }
            if tag.starts_with("en") {
                return Locale::En;
            }
        }
        Locale::ZhCn
    }

    /// The message for `key`; the key itself if the catalog lacks it.
    pub fn t(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }
}
